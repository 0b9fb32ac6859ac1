package dev.opaquepop.server.store.memory;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.opaquepop.server.limit.ClockTimeMeter;
import dev.opaquepop.server.limit.FixedWindow;
import dev.opaquepop.server.limit.KnownAddresses;
import dev.opaquepop.server.limit.LimitSpec;
import dev.opaquepop.server.limit.LimitStorage;
import dev.opaquepop.server.limit.TokenBuckets;
import dev.opaquepop.server.limit.WindowCounters;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.local.LocalBucketBuilder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Limits in this instance's memory: per limit, a bounded cache of Bucket4j buckets, each dropped once unused for
 * as long as it takes to refill (when it is as good as new). When the bound is reached the cache evicts the
 * buckets used least (Caffeine's W-TinyLFU keeps the busy ones: those under attack are touched on every
 * attempt); an evicted bucket starts full again.
 */
public final class MemoryLimitStorage implements LimitStorage {
    private final long maxBuckets;
    private final Clock clock;
    private final TimeMeter time;
    private final Ticker ticker;

    /** @param maxBuckets the bound of each limit's cache, and of the known addresses */
    public MemoryLimitStorage(long maxBuckets, Clock clock, Ticker ticker) {
        this.maxBuckets = maxBuckets;
        this.clock = clock;
        this.time = new ClockTimeMeter(clock);
        this.ticker = ticker;
    }

    @Override
    public TokenBuckets buckets(String name, LimitSpec spec) {
        return new Buckets(spec.bandwidths(), spec.fullRefill());
    }

    @Override
    public KnownAddresses knownAddresses(Duration ttl) {
        return new Known(ttl);
    }

    @Override
    public WindowCounters windowCounters(String name, long limit, Duration window) {
        Cache<String, FixedWindow> counts = Caffeine.newBuilder()
                .maximumSize(maxBuckets)
                .expireAfterAccess(window)
                .ticker(ticker)
                .build();
        return subject -> {
            FixedWindow count = counts.get(subject, s -> new FixedWindow(window));
            long now = clock.millis();
            synchronized (count) {
                Duration wait = count.waitFor(now, limit);
                if (!wait.isZero()) {
                    return new TokenBuckets.Take(false, wait);
                }
                count.count(now);
                return TokenBuckets.Take.TAKEN;
            }
        };
    }

    private final class Buckets implements TokenBuckets {
        private final List<Bandwidth> bandwidths;
        private final Cache<String, Bucket> buckets;

        Buckets(List<Bandwidth> bandwidths, Duration fullRefill) {
            this.bandwidths = bandwidths;
            this.buckets = Caffeine.newBuilder()
                    .maximumSize(maxBuckets)
                    .expireAfterAccess(fullRefill)
                    .ticker(ticker)
                    .build();
        }

        @Override
        public Take take(String subject) {
            return Take.of(buckets.get(subject, s -> newBucket()).tryConsumeAndReturnRemaining(1));
        }

        @Override
        public void giveBack(String subject) {
            Bucket bucket = buckets.getIfPresent(subject);
            if (bucket != null) {
                bucket.addTokens(1);
            }
        }

        @Override
        public void forget(String subject) {
            buckets.invalidate(subject);
        }

        private Bucket newBucket() {
            LocalBucketBuilder builder = Bucket.builder().withCustomTimePrecision(time);
            bandwidths.forEach(builder::addLimit);
            return builder.build();
        }
    }

    /** Pairs with the instant they are remembered until; the cache's own expiry only bounds memory. */
    private final class Known implements KnownAddresses {
        private final Duration ttl;
        private final Cache<String, Instant> pairs;

        Known(Duration ttl) {
            this.ttl = ttl;
            this.pairs = Caffeine.newBuilder()
                    .maximumSize(maxBuckets)
                    .expireAfterWrite(ttl)
                    .ticker(ticker)
                    .build();
        }

        @Override
        public boolean isKnown(String username, String address) {
            Instant until = pairs.getIfPresent(key(username, address));
            return until != null && clock.instant().isBefore(until);
        }

        @Override
        public void remember(String username, String address) {
            pairs.put(key(username, address), clock.instant().plus(ttl));
        }

        private static String key(String username, String address) {
            // Usernames are [A-Za-z0-9._@-]: a space cannot occur in one.
            return username + " " + address;
        }
    }
}
