package dev.opaquepop.loadgen;

import picocli.CommandLine.Option;

/** {@code --replay-probes} and {@code --progress}, the rest of what {@code bench logins} and {@code calls} share. */
final class LoadOptions {
    /** How progress is shown: {@code auto} draws a bar on a terminal and prints lines otherwise. */
    enum ProgressStyle {
        AUTO,
        BAR,
        LINES
    }

    @Option(
            names = "--replay-probes",
            defaultValue = "16",
            description = "Pairs of identical signed requests sent at once after each level; exactly one of each"
                    + " pair may be accepted (default ${DEFAULT-VALUE}).")
    int replayProbes;

    @Option(
            names = "--progress",
            defaultValue = "AUTO",
            description = "auto, bar or lines (default auto: a bar on a terminal, lines otherwise).")
    ProgressStyle progressStyle;

    /** Whether to draw a bar rather than print lines. */
    boolean bar() {
        return progressStyle == ProgressStyle.BAR || (progressStyle == ProgressStyle.AUTO && Progress.onTerminal());
    }
}
