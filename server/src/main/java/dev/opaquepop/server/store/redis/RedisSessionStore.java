package dev.opaquepop.server.store.redis;

import dev.opaquepop.server.store.Session;
import dev.opaquepop.server.store.SessionStore;
import io.lettuce.core.SetArgs;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/**
 * Sessions in Redis, sealed, each key living until the session's expiry plus a grace period (so a request just
 * after expiry is told {@code expired_session} rather than {@code unknown_session}). Every instance sees a login
 * or a logout of any other at once. A value that does not open (altered, moved, or sealed under another setup)
 * is an unknown session.
 */
public final class RedisSessionStore implements SessionStore {
    private static final Duration GRACE = Duration.ofMinutes(5);

    private final RedisConnection redis;
    private final RedisKeys keys;
    private final Sealer sealer;
    private final Clock clock;

    public RedisSessionStore(RedisConnection redis, String keyPrefix, Sealer sealer, Clock clock) {
        this.redis = redis;
        this.keys = new RedisKeys(keyPrefix);
        this.sealer = sealer;
        this.clock = clock;
    }

    @Override
    public void put(Session session) {
        String key = keys.session(session.sessionId());
        byte[] plaintext = Records.session(session);
        byte[] sealed;
        try {
            sealed = sealer.seal(key, plaintext);
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
        Duration left = Duration.between(clock.instant(), session.expiresAt());
        long ttlMillis = Math.max(
                1, (left.isNegative() ? Duration.ZERO : left).plus(GRACE).toMillis());
        redis.call("store session", c -> c.set(key, sealed, SetArgs.Builder.px(ttlMillis)));
    }

    @Override
    public Optional<Session> find(String sessionId) {
        String key = keys.session(sessionId);
        byte[] sealed = redis.call("read session", c -> c.get(key));
        if (sealed == null) {
            return Optional.empty();
        }
        return sealer.open(key, sealed, "session").flatMap(plaintext -> {
            try {
                return Records.session(sessionId, plaintext);
            } finally {
                Arrays.fill(plaintext, (byte) 0);
            }
        });
    }

    @Override
    public void remove(String sessionId) {
        String key = keys.session(sessionId);
        redis.call("delete session", c -> c.del(key));
    }
}
