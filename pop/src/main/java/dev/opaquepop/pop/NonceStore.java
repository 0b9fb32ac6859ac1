package dev.opaquepop.pop;

import java.time.Duration;

/**
 * Remembers the nonces each session has used, so a captured request cannot be sent again within the window.
 */
@FunctionalInterface
public interface NonceStore {
    /**
     * Records that {@code sessionId} used {@code nonce}, for at least {@code ttl}. Must be atomic: of two
     * concurrent claims of the same pair, exactly one wins.
     *
     * @return {@code true} for the first use of the pair, {@code false} for a replay
     */
    boolean claim(String sessionId, String nonce, Duration ttl);
}
