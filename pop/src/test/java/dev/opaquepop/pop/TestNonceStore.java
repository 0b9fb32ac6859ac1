package dev.opaquepop.pop;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** The simplest atomic {@link NonceStore}: putIfAbsent, never forgets; remembers the last ttl asked for. */
final class TestNonceStore implements NonceStore {
    private final ConcurrentMap<String, Boolean> seen = new ConcurrentHashMap<>();
    private volatile Duration lastTtl;

    @Override
    public boolean claim(String sessionId, String nonce, Duration ttl) {
        lastTtl = ttl;
        return seen.putIfAbsent(sessionId + " " + nonce, Boolean.TRUE) == null;
    }

    int size() {
        return seen.size();
    }

    Duration lastTtl() {
        return lastTtl;
    }
}
