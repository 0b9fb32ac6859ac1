package dev.opaquepop.server.store.redis;

import dev.opaquepop.pop.NonceStore;
import dev.opaquepop.server.limit.CallLimitedException;
import dev.opaquepop.server.limit.CallLimits;
import dev.opaquepop.server.limit.FixedWindow;
import dev.opaquepop.server.store.SessionEndedException;
import dev.opaquepop.server.store.SessionIds;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;

/**
 * Seen nonces in Redis. A claim is one script, run by its digest, on the session's hash slot: it checks that the
 * session still exists and sets the nonce with {@code SET NX PX} (atomic in Redis, so of any number of copies of
 * a request on any instances exactly one claims the nonce). With {@link CallLimits} on, the same script also checks
 * and counts the session's calls in the current second and its nonces in the current quota period (keys named by
 * the window, from this instance's clock), so the check and the count are as atomic as the claim.
 *
 * <p>The session check is what lets {@link RedisSessionStore#findForCall} answer from a per-instance cache: a
 * session ended anywhere (logout, password change, deletion, eviction of the oldest) has no key any more, and
 * the claim that would accept a request of it fails in the same round trip, with {@link SessionEndedException}. So
 * a signed call costs one round trip, not two. When Redis does not answer, the claim fails with a {@link
 * dev.opaquepop.server.store.StoreException} (503): a nonce is never accepted unchecked.
 */
public final class RedisNonceStore implements NonceStore {
    /**
     * KEYS: the session, the nonce. ARGV: the nonce's TTL (ms). Answers 1 (claimed), 0 (a replay) or -3 (the
     * session has ended: nothing claimed).
     */
    private static final RedisScript CLAIM = new RedisScript("""
            if redis.call('EXISTS', KEYS[1]) == 0 then return -3 end
            if redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[1]) then return 1 end
            return 0
            """);

    /**
     * KEYS: the session, the nonce, the session's calls in this second, its nonces in this period. ARGV: the
     * nonce's TTL, the per-second limit, that key's TTL, the quota, that key's TTL (ms). Answers 1 (claimed), 0 (a
     * replay: nothing counted), -1 (over the rate), -2 (over the quota) or -3 (the session has ended): nothing
     * claimed or counted but on 1. SET with PX rather than INCR keeps the documented ACL's command list.
     */
    private static final RedisScript CLAIM_COUNTED = new RedisScript("""
            if redis.call('EXISTS', KEYS[1]) == 0 then return -3 end
            if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
            local calls = tonumber(redis.call('GET', KEYS[3]) or '0')
            if calls >= tonumber(ARGV[2]) then return -1 end
            local nonces = tonumber(redis.call('GET', KEYS[4]) or '0')
            if nonces >= tonumber(ARGV[4]) then return -2 end
            redis.call('SET', KEYS[2], '1', 'PX', ARGV[1])
            redis.call('SET', KEYS[3], calls + 1, 'PX', ARGV[3])
            redis.call('SET', KEYS[4], nonces + 1, 'PX', ARGV[5])
            return 1
            """);

    private static final long SESSION_ENDED = -3;

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

    /**
     * {@inheritDoc}
     *
     * @throws SessionEndedException when the session's key is gone: it ended after it was read
     * @throws CallLimitedException when a call limit of the session is reached (nothing claimed)
     */
    @Override
    public boolean claim(String sessionId, String nonce, Duration ttl) {
        // Every key of the claim is named by this hash: computed once per call.
        String idHash = SessionIds.hash(sessionId);
        String session = keys.sessionByHash(idHash);
        String key = keys.nonce(idHash, nonce);
        byte[] ttlMillis = ascii(Math.max(1, ttl.toMillis()));
        if (!limits.enabled()) {
            Long answer = redis.call("claim nonce", c -> CLAIM.integer(c, new String[] {session, key}, ttlMillis));
            return accepted(answer);
        }
        long now = clock.millis();
        long second = CallLimits.RATE_WINDOW.toMillis();
        long period = limits.noncePeriod().toMillis();
        String[] names = {
            session,
            key,
            keys.sessionCalls(idHash, FixedWindow.index(now, second)),
            keys.sessionNonceCount(idHash, FixedWindow.index(now, period))
        };
        Long answer = redis.call(
                "claim nonce",
                c -> CLAIM_COUNTED.integer(
                        c,
                        names,
                        ttlMillis,
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
        return accepted(answer);
    }

    private static boolean accepted(Long answer) {
        if (answer == SESSION_ENDED) {
            throw new SessionEndedException();
        }
        return answer == 1;
    }

    private static byte[] ascii(long value) {
        return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
    }
}
