package dev.opaquepop.server.store.redis;

import dev.opaquepop.server.store.PendingLogin;
import dev.opaquepop.server.store.PendingLoginLimitException;
import dev.opaquepop.server.store.PendingLoginStore;
import dev.opaquepop.server.store.SessionIds;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

/**
 * Logins between KE2 and KE3 in Redis, sealed. {@link #take} is one {@code GETDEL}: of any number of
 * {@code login/finish} calls with one login id, on any instances at once, exactly one gets the state.
 *
 * <p>The per-username cap is a sorted set per username of login id hashes scored by expiry: one script drops the
 * lapsed members, counts the rest and adds the new one only below the cap, so racing {@code login/start}s on any
 * instances never exceed it. A login/start is 2 commands sent together (store, admit), a login/finish one round
 * trip (take; the unindexing that follows is not waited for).
 */
public final class RedisPendingLoginStore implements PendingLoginStore {
    /** KEYS[1] the user's set; ARGV now ms, cap, expiry ms, member, TTL ms. Answers nil, or the earliest expiry. */
    private static final String ADMIT = """
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
            if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
              return redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2]
            end
            redis.call('ZADD', KEYS[1], ARGV[3], ARGV[4])
            if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[5]) then
              redis.call('PEXPIRE', KEYS[1], ARGV[5])
            end
            return false
            """;

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
    public void put(String loginId, PendingLogin login, int maxPerUser) throws PendingLoginLimitException {
        String key = keys.login(loginId);
        Instant now = clock.instant();
        long ttlMillis = Math.max(1, Duration.between(now, login.expiresAt()).toMillis());
        String index = keys.userLogins(sealer.userTag(login.username()));
        byte[] plaintext = Records.pendingLogin(login);
        byte[] sealed;
        try {
            sealed = sealer.seal(key, plaintext);
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
        // Stored and admitted in one round trip; a login refused by the cap is deleted again. Until then its key
        // is of no use: only this call's answer would hand out the login id.
        byte[] refused = redis.callBoth(
                        "admit pending login",
                        c -> c.set(key, sealed, SetArgs.Builder.px(ttlMillis)),
                        c -> c.<byte[]>eval(
                                ADMIT,
                                ScriptOutputType.VALUE,
                                new String[] {index},
                                ascii(Long.toString(now.toEpochMilli())),
                                ascii(Integer.toString(maxPerUser)),
                                ascii(Long.toString(login.expiresAt().toEpochMilli())),
                                ascii(SessionIds.hash(loginId)),
                                ascii(Long.toString(ttlMillis))))
                .second();
        if (refused != null) {
            redis.call("drop refused pending login", c -> c.del(key));
            throw new PendingLoginLimitException(earliest(refused, now));
        }
    }

    private static Instant earliest(byte[] score, Instant fallback) {
        try {
            return Instant.ofEpochMilli((long) Double.parseDouble(new String(score, StandardCharsets.US_ASCII)));
        } catch (NumberFormatException e) {
            return fallback;
        }
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
        if (login.isEmpty()) {
            return login;
        }
        String index = keys.userLogins(sealer.userTag(login.get().username()));
        byte[][] member = {ascii(SessionIds.hash(loginId))};
        // Not waited for: a member left behind (Redis failing just now) lapses at its score, the login's expiry.
        redis.send("unindex pending login", c -> c.zrem(index, member));
        if (!clock.instant().isBefore(login.get().expiresAt())) {
            login.get().state().destroy();
            return Optional.empty();
        }
        return login;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
