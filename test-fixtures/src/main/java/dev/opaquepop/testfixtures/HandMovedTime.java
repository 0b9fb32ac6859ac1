package dev.opaquepop.testfixtures;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One time that only the test moves, seen both as a {@link Clock} and as a nanosecond count (for a Caffeine
 * {@code Ticker}: {@code time::nanos}), so that a cache's expiry and the code's clock always agree. Thread-safe:
 * a test may move it while the code under test reads it.
 */
public final class HandMovedTime {
    private final Instant start;
    private final AtomicLong nanos = new AtomicLong();

    public HandMovedTime(Instant start) {
        this.start = start;
    }

    /** A UTC clock reading {@code start} plus however far the test has moved this time. */
    public Clock clock() {
        return new Clock() {
            @Override
            public Instant instant() {
                return start.plusNanos(nanos.get());
            }

            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                throw new UnsupportedOperationException("a hand-moved clock stays in UTC");
            }
        };
    }

    /** Nanoseconds since {@code start}: what a Caffeine {@code Ticker} reads. */
    public long nanos() {
        return nanos.get();
    }

    /** Sets the time to {@code start + sinceStart} (negative: before it). */
    public void set(Duration sinceStart) {
        nanos.set(sinceStart.toNanos());
    }

    public void advance(Duration duration) {
        nanos.addAndGet(duration.toNanos());
    }
}
