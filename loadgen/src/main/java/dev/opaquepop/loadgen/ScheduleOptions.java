package dev.opaquepop.loadgen;

import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The levels and windows of {@code bench logins} and {@code bench calls}: {@code --concurrency}, {@code
 * --duration}, {@code --warmup}, {@code --slices} and {@code --prime}. {@code bench gateway} declares its own
 * (other defaults and help) and runs them through the same {@link Scheduler}.
 */
final class ScheduleOptions {
    @Option(
            names = "--concurrency",
            split = ",",
            defaultValue = "1,2,4,8",
            paramLabel = "N,N,...",
            description = "Requests in flight, one level after the other (default ${DEFAULT-VALUE}).")
    List<Integer> concurrency;

    @Option(
            names = "--duration",
            defaultValue = "10s",
            converter = DurationConverter.class,
            description = "Measured window per server, operation and level (default ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(
            names = "--warmup",
            defaultValue = "2s",
            converter = DurationConverter.class,
            description = "Unmeasured run before each window (default ${DEFAULT-VALUE}).")
    Duration warmup;

    @Option(
            names = "--slices",
            defaultValue = "1",
            description = "Split each window into this many slices, taken in turn with the other operations (calls)"
                    + " or servers (logins) at the same level, so a disturbance hits all of them alike (default"
                    + " ${DEFAULT-VALUE}).")
    int slices;

    @Option(
            names = "--prime",
            defaultValue = "0s",
            converter = DurationConverter.class,
            description = "Once, before the first level: run every operation against every server at the highest"
                    + " level for this long, unmeasured, so servers and load generator are past JIT compilation"
                    + " (default ${DEFAULT-VALUE}; the run-all script uses 15s).")
    Duration prime;

    /** A problem with the values for the user, or null. */
    String problem() {
        return Scheduler.problem(concurrency, 4096, duration, slices);
    }

    /** The schedule these options describe, run by {@code runner}. */
    Scheduler scheduler(LoadRunner runner) {
        return new Scheduler(runner, concurrency, duration, warmup, slices);
    }
}
