package dev.opaquepop.bench;

import dev.opaquepop.pop.NonceStore;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A nonce cache on a plain {@link ConcurrentHashMap}: one atomic {@code compute} per claim (a new key, or an
 * expired one, is taken; a live one is a replay), and expired entries swept on the claiming thread every
 * {@link #SWEEP_EVERY} claims. No background threads, so no hand-offs: the comparison point for the
 * Caffeine-backed cache in {@link PopBenchmark}.
 */
final class MapNonceStore implements NonceStore {
    static final int SWEEP_EVERY = 1 << 16;

    private final ConcurrentHashMap<String, Long> expiries = new ConcurrentHashMap<>();
    private final AtomicLong claims = new AtomicLong();

    @Override
    public boolean claim(String sessionId, String nonce, Duration ttl) {
        long now = System.nanoTime();
        long expiry = now + ttl.toNanos();
        if ((claims.incrementAndGet() & (SWEEP_EVERY - 1)) == 0) {
            expiries.values().removeIf(at -> at - now < 0);
        }
        boolean[] taken = new boolean[1];
        expiries.compute(sessionId + ':' + nonce, (key, at) -> {
            if (at == null || at - now < 0) {
                taken[0] = true;
                return expiry;
            }
            return at;
        });
        return taken[0];
    }
}
