package dev.opaquepop.bench;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.opaquepop.pop.NonceStore;
import java.time.Duration;

/**
 * The in-memory nonce cache as the embedded server builds it: a Caffeine cache whose entries expire after their
 * own TTL, claimed with one atomic {@code putIfAbsent} on a {@code session:nonce} key. Kept here rather than
 * borrowed from the server module so that the benchmark measures the PoP layer and its cache, nothing else.
 */
final class CaffeineNonceStore implements NonceStore {
    private final Cache<String, Duration> seen;

    /**
     * @param sameThread run Caffeine's maintenance (expiry, buffer draining) on the calling thread instead of
     *     handing it to {@code ForkJoinPool.commonPool()}, Caffeine's default (the server runs it on the calling
     *     thread)
     */
    CaffeineNonceStore(boolean sameThread) {
        Caffeine<Object, Object> builder = Caffeine.newBuilder();
        if (sameThread) {
            builder.executor(Runnable::run);
        }
        seen = builder.expireAfter(Expiry.<String, Duration>creating((key, ttl) -> ttl))
                .build();
    }

    @Override
    public boolean claim(String sessionId, String nonce, Duration ttl) {
        return seen.asMap().putIfAbsent(sessionId + ':' + nonce, ttl) == null;
    }
}
