package dev.opaquepop.server;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** One time, moved by hand, behind both a {@link Clock} and a Caffeine {@link Ticker}, so expiry and clock agree. */
public final class HandMovedTime {
    private final Instant start;
    private final AtomicLong nanos = new AtomicLong();

    public HandMovedTime(Instant start) {
        this.start = start;
    }

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
                throw new UnsupportedOperationException();
            }
        };
    }

    public Ticker ticker() {
        return nanos::get;
    }

    /** Sets the time to {@code start + sinceStart} (negative: before it). */
    public void set(Duration sinceStart) {
        nanos.set(sinceStart.toNanos());
    }

    public void advance(Duration duration) {
        nanos.addAndGet(duration.toNanos());
    }
}
