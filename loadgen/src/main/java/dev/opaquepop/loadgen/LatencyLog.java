package dev.opaquepop.loadgen;

import java.util.Arrays;

/**
 * The latencies one worker measured, in nanoseconds: an array that grows by doubling, so recording is one store
 * and no allocation in the steady state. One writer; merged after the workers stop.
 */
final class LatencyLog {
    private long[] nanos = new long[4096];
    private int size;

    void record(long latencyNanos) {
        if (size == nanos.length) {
            nanos = Arrays.copyOf(nanos, size * 2);
        }
        nanos[size++] = latencyNanos;
    }

    int size() {
        return size;
    }

    /** All latencies of all logs, sorted ascending. */
    static long[] mergeSorted(Iterable<LatencyLog> logs) {
        int total = 0;
        for (LatencyLog log : logs) {
            total += log.size;
        }
        long[] all = new long[total];
        int at = 0;
        for (LatencyLog log : logs) {
            System.arraycopy(log.nanos, 0, all, at, log.size);
            at += log.size;
        }
        Arrays.sort(all);
        return all;
    }

    /**
     * The {@code p}-th percentile (0 < p ≤ 100) of sorted values by the nearest-rank method: the smallest value
     * with at least p % of all values at or below it. 0 for no values.
     */
    static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        if (!(p > 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile must be in (0, 100], got " + p);
        }
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(rank, 1) - 1];
    }

    static double mean(long[] values) {
        if (values.length == 0) {
            return 0;
        }
        double sum = 0;
        for (long value : values) {
            sum += value;
        }
        return sum / values.length;
    }
}
