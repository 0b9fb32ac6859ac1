package dev.opaquepop.server.store.memory;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.opaquepop.pop.NonceStore;
import java.time.Duration;

/**
 * Seen nonces per session, each kept for its TTL. Claiming is one atomic {@code putIfAbsent}. The store never
 * evicts a live nonce to make room: when full it refuses new claims ({@link CapacityExceededException}), since
 * a forgotten nonce would be a replay waiting to happen.
 */
public final class MemoryNonceStore implements NonceStore {
    private final Cache<String, Duration> seen;
    private final long capacity;

    public MemoryNonceStore(long capacity, Ticker ticker) {
        this.capacity = capacity;
        this.seen = Caffeine.newBuilder()
                .expireAfter(Expiry.<String, Duration>creating((key, ttl) -> ttl))
                .ticker(ticker)
                // Expiry housekeeping runs on the calling thread, amortised: handing it to the common pool cost
                // more than the PoP checks themselves (BENCHMARKS.md, PoP verify).
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
        return seen.asMap().putIfAbsent(sessionId + ':' + nonce, ttl) == null;
    }
}
