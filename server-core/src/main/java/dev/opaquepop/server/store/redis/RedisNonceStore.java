package dev.opaquepop.server.store.redis;

import dev.opaquepop.pop.NonceStore;
import dev.opaquepop.server.limit.CallLimitedException;
import dev.opaquepop.server.limit.CallLimits;
import dev.opaquepop.server.limit.FixedWindow;
import dev.opaquepop.server.store.SessionIds;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;

/**
 * Seen nonces in Redis. Without call limits a claim is one {@code SET key 1 NX PX ttl}: atomic in Redis, so of
 * any number of copies of a request on any instances exactly one claims the nonce; there is no read-then-write
 * window. With {@link CallLimits} on, the claim is one script that also checks and counts the session's calls in
 * the current second and its nonces in the current quota period (keys of the session's hash slot, named by the
 * window, from this instance's clock), so the check and the count are as atomic as the claim and cost no extra
 * round trip. When Redis does not answer, the claim fails with a {@link dev.opaquepop.server.store.StoreException}
 * (503): a nonce is never accepted unchecked.
 */
public final class RedisNonceStore implements NonceStore {
    private static final byte[] SEEN = {'1'};

    /**
     * KEYS: the nonce, the session's calls in this second, its nonces in this period. ARGV: the nonce's TTL, the
     * per-second limit, that key's TTL, the quota, that key's TTL (ms). Answers 1 (claimed), 0 (a replay: nothing
     * counted), -1 (over the rate) or -2 (over the quota): nothing claimed or counted. SET with PX rather than INCR
     * keeps the documented ACL's command list.
     */
    private static final String CLAIM = """
            if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
            local calls = tonumber(redis.call('GET', KEYS[2]) or '0')
            if calls >= tonumber(ARGV[2]) then return -1 end
            local nonces = tonumber(redis.call('GET', KEYS[3]) or '0')
            if nonces >= tonumber(ARGV[4]) then return -2 end
            redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
            redis.call('SET', KEYS[2], calls + 1, 'PX', ARGV[3])
            redis.call('SET', KEYS[3], nonces + 1, 'PX', ARGV[5])
            return 1
            """;

    private final RedisConnection redis;
    private final RedisKeys keys;
    private final CallLimits limits;
    private final Clock clock;

    /** A store without call limits. */
    public RedisNonceStore(RedisConnection redis, String keyPrefix) {
        this(redis, keyPrefix, CallLimits.off(), Clock.systemUTC());
    }

    public RedisNonceStore(RedisConnection redis, String keyPrefix, CallLimits limits, Clock clock) {
        this.redis = redis;
        this.keys = new RedisKeys(keyPrefix);
        this.limits = limits;
        this.clock = clock;
    }

    @Override
    public boolean claim(String sessionId, String nonce, Duration ttl) {
        String key = keys.nonce(sessionId, nonce);
        long ttlMillis = Math.max(1, ttl.toMillis());
        if (!limits.enabled()) {
            String reply = redis.call(
                    "claim nonce", c -> c.set(key, SEEN, SetArgs.Builder.nx().px(ttlMillis)));
            // SET ... NX answers OK when it set the key, and nothing when the key was already there.
            return "OK".equals(reply);
        }
        long now = clock.millis();
        long second = CallLimits.RATE_WINDOW.toMillis();
        long period = limits.noncePeriod().toMillis();
        String idHash = SessionIds.hash(sessionId);
        String[] names = {
            key,
            keys.sessionCalls(idHash, FixedWindow.index(now, second)),
            keys.sessionNonceCount(idHash, FixedWindow.index(now, period))
        };
        Long answer = redis.call(
                "claim nonce",
                c -> c.eval(
                        CLAIM,
                        ScriptOutputType.INTEGER,
                        names,
                        ascii(ttlMillis),
                        ascii(limits.perSession()),
                        ascii(FixedWindow.retentionMillis(second)),
                        ascii(limits.noncesPerSession()),
                        ascii(FixedWindow.retentionMillis(period))));
        if (answer == -1) {
            throw new CallLimitedException(CallLimits.CALL_SESSION, FixedWindow.untilNext(now, second));
        }
        if (answer == -2) {
            throw new CallLimitedException(CallLimits.NONCE_QUOTA, FixedWindow.untilNext(now, period));
        }
        return answer == 1;
    }

    private static byte[] ascii(long value) {
        return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
    }
}
