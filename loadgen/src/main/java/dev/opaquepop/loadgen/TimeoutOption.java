package dev.opaquepop.loadgen;

import java.time.Duration;
import picocli.CommandLine.Option;

/** {@code --timeout}, the time limit of each request the load generator sends; shared by the load commands. */
final class TimeoutOption {
    @Option(
            names = "--timeout",
            defaultValue = "30s",
            converter = DurationConverter.class,
            description = "Time limit of each request (default ${DEFAULT-VALUE}).")
    Duration timeout;

    /** A problem with the value for the user, or null. */
    String problem() {
        return timeout.isZero() || timeout.isNegative() ? "--timeout must be positive" : null;
    }
}
