package dev.opaquepop.server.limit;

import dev.opaquepop.pop.PopVerifier;
import java.time.Duration;

/**
 * A count of events in the current fixed window of a given length (windows start at multiples of the length
 * since the epoch, so every instance and Redis agree on them). Not thread-safe: its owner locks it.
 */
public final class FixedWindow {
    private final long lengthMillis;
    private long index = Long.MIN_VALUE;
    private long count;

    public FixedWindow(Duration length) {
        this.lengthMillis = length.toMillis();
    }

    /** How long until one more event fits under {@code limit}: zero when it fits now. */
    public Duration waitFor(long nowMillis, long limit) {
        roll(nowMillis);
        return count < limit ? Duration.ZERO : untilNext(nowMillis, lengthMillis);
    }

    /** Counts one event in the current window. */
    public void count(long nowMillis) {
        roll(nowMillis);
        count++;
    }

    /** The index of the window holding {@code nowMillis}: what Redis key names carry. */
    public static long index(long nowMillis, long lengthMillis) {
        return Math.floorDiv(nowMillis, lengthMillis);
    }

    /**
     * How long a shared store keeps a window's count: the window, the next one, and the PoP clock margin, so an
     * instance whose clock is behind still finds the count it is in (an expired count would only admit more).
     */
    public static long retentionMillis(long lengthMillis) {
        return 2 * lengthMillis + PopVerifier.CLOCK_MARGIN.toMillis();
    }

    /** From {@code nowMillis} to the start of the next window. */
    public static Duration untilNext(long nowMillis, long lengthMillis) {
        return Duration.ofMillis((index(nowMillis, lengthMillis) + 1) * lengthMillis - nowMillis);
    }

    private void roll(long nowMillis) {
        long current = index(nowMillis, lengthMillis);
        if (current != index) {
            index = current;
            count = 0;
        }
    }
}
