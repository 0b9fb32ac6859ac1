package dev.opaquepop.server.store.redis;

import dev.opaquepop.server.store.PendingLogin;
import dev.opaquepop.server.store.PendingLoginStore;
import io.lettuce.core.SetArgs;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/**
 * Logins between KE2 and KE3 in Redis, sealed. {@link #take} is one {@code GETDEL}: of any number of
 * {@code login/finish} calls with one login id, on any instances at once, exactly one gets the state.
 */
public final class RedisPendingLoginStore implements PendingLoginStore {
    private final RedisConnection redis;
    private final RedisKeys keys;
    private final Sealer sealer;
    private final Clock clock;

    public RedisPendingLoginStore(RedisConnection redis, String keyPrefix, Sealer sealer, Clock clock) {
        this.redis = redis;
        this.keys = new RedisKeys(keyPrefix);
        this.sealer = sealer;
        this.clock = clock;
    }

    @Override
    public void put(String loginId, PendingLogin login) {
        String key = keys.login(loginId);
        byte[] plaintext = Records.pendingLogin(login);
        byte[] sealed;
        try {
            sealed = sealer.seal(key, plaintext);
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
        long ttlMillis =
                Math.max(1, Duration.between(clock.instant(), login.expiresAt()).toMillis());
        redis.call("store pending login", c -> c.set(key, sealed, SetArgs.Builder.px(ttlMillis)));
    }

    @Override
    public Optional<PendingLogin> take(String loginId) {
        String key = keys.login(loginId);
        byte[] sealed = redis.call("take pending login", c -> c.getdel(key));
        if (sealed == null) {
            return Optional.empty();
        }
        Optional<PendingLogin> login = sealer.open(key, sealed, "pending login").flatMap(plaintext -> {
            try {
                return Records.pendingLogin(plaintext);
            } finally {
                Arrays.fill(plaintext, (byte) 0);
            }
        });
        if (login.isPresent() && !clock.instant().isBefore(login.get().expiresAt())) {
            login.get().state().destroy();
            return Optional.empty();
        }
        return login;
    }
}
