package dev.opaquepop.server.limit;

/**
 * Counts per subject in fixed windows ({@link FixedWindow}): at most a limit of events per window. Cheaper than
 * token buckets (one count, no refill arithmetic, one script in Redis) for the busy signed-call path, at the price
 * of allowing up to twice the limit across a window's edge.
 */
public interface WindowCounters {
    /** Counts one event of the subject; when its window is full, counts nothing and says how long until the next. */
    TokenBuckets.Take take(String subject);
}
