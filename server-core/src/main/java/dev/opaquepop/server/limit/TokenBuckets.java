package dev.opaquepop.server.limit;

import java.time.Duration;

/**
 * The token buckets of one limit, one per subject (a username, an address), all with the limit's {@link
 * LimitSpec}. A subject never seen, or not seen for as long as its bucket takes to refill, has a full bucket.
 */
public interface TokenBuckets {
    /** Takes one token from the subject's bucket; when there is none, takes nothing and says how long to wait. */
    Take take(String subject);

    /** Puts back one token taken by {@link #take} (never above the bucket's capacity). */
    void giveBack(String subject);

    /** Refills the subject's bucket completely. */
    void forget(String subject);

    /** The answer of {@link #take}: taken, or the wait until a token is there. */
    record Take(boolean taken, Duration retryAfter) {
        public static final Take TAKEN = new Take(true, Duration.ZERO);

        static Take refused(long nanosToWait) {
            return new Take(false, Duration.ofNanos(Math.max(1, nanosToWait)));
        }

        /** From Bucket4j's probe. */
        public static Take of(io.github.bucket4j.ConsumptionProbe probe) {
            return probe.isConsumed() ? TAKEN : refused(probe.getNanosToWaitForRefill());
        }
    }
}
