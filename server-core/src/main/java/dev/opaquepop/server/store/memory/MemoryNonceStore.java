package dev.opaquepop.server.store.memory;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.opaquepop.pop.NonceStore;
import dev.opaquepop.server.limit.CallLimits;
import dev.opaquepop.server.store.CapacityExceededException;
import java.time.Clock;
import java.time.Duration;

/**
 * Seen nonces per session, each kept for its TTL. Claiming is one atomic {@code putIfAbsent}. The store never
 * evicts a live nonce to make room: when full it refuses new claims ({@link CapacityExceededException}), since
 * a forgotten nonce would be a replay waiting to happen. With {@link CallLimits} on, each session's claims are
 * also counted against its rate and nonce quota, so no one session can bring the store to that point.
 */
public final class MemoryNonceStore implements NonceStore {
    private final Cache<String, Duration> seen;
    private final long capacity;
    private final CallLimits limits;
    private final Cache<String, SessionCalls> calls;
    private final Clock clock;

    /** A store without call limits. */
    public MemoryNonceStore(long capacity, Ticker ticker) {
        this(capacity, CallLimits.off(), 1, Clock.systemUTC(), ticker);
    }

    /**
     * @param maxSessions the bound on sessions whose counts are kept: the session store's, so only a session that
     *     no longer exists can lose its counts
     */
    public MemoryNonceStore(long capacity, CallLimits limits, long maxSessions, Clock clock, Ticker ticker) {
        this.capacity = capacity;
        this.limits = limits;
        this.clock = clock;
        this.seen = Caffeine.newBuilder()
                .expireAfter(Expiry.<String, Duration>creating((key, ttl) -> ttl))
                .ticker(ticker)
                // Expiry housekeeping runs on the calling thread, amortised: handing it to the common pool cost
                // more than the PoP checks themselves (BENCHMARKS.md, PoP verify).
                .executor(Runnable::run)
                .build();
        this.calls = Caffeine.newBuilder()
                .maximumSize(maxSessions)
                // Unused for a whole quota period, a session's counts are all zero again.
                .expireAfterAccess(limits.noncePeriod())
                .ticker(ticker)
                .executor(Runnable::run)
                .build();
    }

    @Override
    public boolean claim(String sessionId, String nonce, Duration ttl) {
        if (seen.estimatedSize() >= capacity) {
            seen.cleanUp();
            if (seen.estimatedSize() >= capacity) {
                throw new CapacityExceededException("nonce store is full");
            }
        }
        // The separator cannot occur in a session id or a nonce (both base64url), so keys cannot collide.
        String key = sessionId + ':' + nonce;
        if (!limits.enabled()) {
            return seen.asMap().putIfAbsent(key, ttl) == null;
        }
        return calls.get(sessionId, id -> new SessionCalls(limits))
                .claim(
                        clock.millis(),
                        () -> seen.getIfPresent(key) != null,
                        () -> seen.asMap().putIfAbsent(key, ttl) == null);
    }
}
