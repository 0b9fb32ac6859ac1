package dev.opaquepop.server.store.redis;

import dev.opaquepop.pop.NonceStore;
import io.lettuce.core.SetArgs;
import java.time.Duration;

/**
 * Seen nonces in Redis. A claim is one {@code SET key 1 NX PX ttl}: atomic in Redis, so of any number of copies
 * of a request on any instances exactly one claims the nonce; there is no read-then-write window. When Redis does
 * not answer, the claim fails with a {@link dev.opaquepop.server.store.StoreException} (503): a nonce is never
 * accepted unchecked.
 */
public final class RedisNonceStore implements NonceStore {
    private static final byte[] SEEN = {'1'};

    private final RedisConnection redis;
    private final RedisKeys keys;

    public RedisNonceStore(RedisConnection redis, String keyPrefix) {
        this.redis = redis;
        this.keys = new RedisKeys(keyPrefix);
    }

    @Override
    public boolean claim(String sessionId, String nonce, Duration ttl) {
        String key = keys.nonce(sessionId, nonce);
        long ttlMillis = Math.max(1, ttl.toMillis());
        String reply = redis.call(
                "claim nonce", c -> c.set(key, SEEN, SetArgs.Builder.nx().px(ttlMillis)));
        // SET ... NX answers OK when it set the key, and nothing when the key was already there.
        return "OK".equals(reply);
    }
}
