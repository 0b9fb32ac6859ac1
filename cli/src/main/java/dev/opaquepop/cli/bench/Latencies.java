package dev.opaquepop.cli.bench;

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

    long percentileNanos(double p) {
        return LatencyLog.percentile(sorted, p);
    }

    double meanNanos() {
        return LatencyLog.mean(sorted);
    }
}
