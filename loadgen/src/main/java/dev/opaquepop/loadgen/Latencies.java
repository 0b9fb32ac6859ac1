package dev.opaquepop.loadgen;

import java.util.Arrays;
import java.util.List;

/** The latencies of one measured window, sorted ascending, in nanoseconds. Immutable. */
final class Latencies {
    private final long[] sorted;

    /** @param sorted ascending; the array is taken over, not copied */
    Latencies(long[] sorted) {
        this.sorted = sorted;
    }

    int count() {
        return sorted.length;
    }

    /** All latencies of several windows together. */
    static Latencies merge(List<Latencies> parts) {
        int total = 0;
        for (Latencies part : parts) {
            total += part.sorted.length;
        }
        long[] all = new long[total];
        int at = 0;
        for (Latencies part : parts) {
            System.arraycopy(part.sorted, 0, all, at, part.sorted.length);
            at += part.sorted.length;
        }
        Arrays.sort(all);
        return new Latencies(all);
    }

    long percentileNanos(double p) {
        return LatencyLog.percentile(sorted, p);
    }

    double meanNanos() {
        return LatencyLog.mean(sorted);
    }
}
