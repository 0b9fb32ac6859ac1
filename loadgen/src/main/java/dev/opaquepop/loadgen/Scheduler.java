package dev.opaquepop.loadgen;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * When what runs: the concurrency levels one after the other, and at each level every operation (or server, or
 * mode) in turn, slice by slice, so that a disturbance on the machine hits all of them alike. Used by {@code bench
 * logins}, {@code calls} and {@code gateway}.
 */
final class Scheduler {
    /** Runs one slice of one named operation; {@code bench gateway} reads another process's CPU around it. */
    @FunctionalInterface
    interface SliceRun {
        Measurement run(String name, String label, Duration warmup, Duration slice) throws InterruptedException;
    }

    private final LoadRunner runner;
    private final List<Integer> levels;
    private final Duration duration;
    private final Duration warmup;
    private final int slices;

    /**
     * @param duration the measured window per operation and level, split into {@code slices}
     * @param warmup the unmeasured run of each operation before its first slice at each level
     */
    Scheduler(LoadRunner runner, List<Integer> levels, Duration duration, Duration warmup, int slices) {
        this.runner = runner;
        this.levels = List.copyOf(levels);
        this.duration = duration;
        this.warmup = warmup;
        this.slices = slices;
    }

    /** A problem with a schedule's values for the user, or null. */
    static String problem(List<Integer> levels, int maxLevel, Duration duration, int slices) {
        if (levels.isEmpty() || levels.stream().anyMatch(c -> c < 1 || c > maxLevel)) {
            return "--concurrency levels must be between 1 and " + maxLevel;
        }
        if (duration.isZero() || duration.isNegative()) {
            return "--duration must be positive";
        }
        if (slices < 1 || slices > 100) {
            return "--slices must be between 1 and 100";
        }
        return null;
    }

    List<Integer> levels() {
        return levels;
    }

    int highest() {
        return levels.stream().max(Integer::compare).orElseThrow();
    }

    /** An unmeasured run of {@code operation} at the highest level (priming, warm-up); nothing when zero. */
    void unmeasured(String label, Operation operation, Duration length) throws InterruptedException {
        if (!length.isZero()) {
            runner.run(label, operation, highest(), Duration.ZERO, length, CpuClock.none());
        }
    }

    /**
     * Measures every named operation at one level, each with its own CPU clock: see {@link #interleaved(String,
     * int, int, List, SliceRun)}.
     */
    Map<String, Measurement> interleaved(
            String prefix, int level, int rotation, Map<String, Operation> operations, Map<String, CpuClock> clocks)
            throws InterruptedException {
        return interleaved(
                prefix,
                level,
                rotation,
                new ArrayList<>(operations.keySet()),
                (name, label, warm, slice) ->
                        runner.run(label, operations.get(name), level, warm, slice, clocks.get(name)));
    }

    /**
     * Measures every name at one level: {@code slices} rounds in which each gets one slice in turn (a warm-up
     * before its first), merged into one measurement each. The order rotates from round to round, starting at
     * {@code rotation}, so no one always runs first.
     */
    Map<String, Measurement> interleaved(String prefix, int level, int rotation, List<String> names, SliceRun run)
            throws InterruptedException {
        Map<String, List<Measurement>> parts = new LinkedHashMap<>();
        names.forEach(name -> parts.put(name, new ArrayList<>()));
        for (int round = 0; round < slices; round++) {
            for (int i = 0; i < names.size(); i++) {
                String name = names.get((i + round + rotation) % names.size());
                Duration warm = round == 0 ? warmup : Duration.ZERO;
                String label = prefix + name + " c=" + level + (slices > 1 ? " " + (round + 1) + "/" + slices : "");
                parts.get(name).add(run.run(name, label, warm, duration.dividedBy(slices)));
            }
        }
        Map<String, Measurement> merged = new LinkedHashMap<>();
        parts.forEach((name, list) -> merged.put(name, Measurement.merge(list)));
        return merged;
    }
}
