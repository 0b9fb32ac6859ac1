package dev.opaquepop.server.limit;

import java.time.Duration;

/**
 * Where the limits keep their state: this instance's memory, or Redis shared by every instance. Redis-backed
 * operations fail with {@link dev.opaquepop.server.store.StoreException} (a 503), never by letting a request
 * through unchecked.
 */
public interface LimitStorage {
    /** @param name the limit's name, distinct per limit ("login-user") */
    TokenBuckets buckets(String name, LimitSpec spec);

    KnownAddresses knownAddresses(Duration ttl);

    /** @param name the counters' name, distinct per limit ("call-user") */
    WindowCounters windowCounters(String name, long limit, Duration window);
}
