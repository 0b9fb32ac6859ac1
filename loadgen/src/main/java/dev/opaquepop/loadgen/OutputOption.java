package dev.opaquepop.loadgen;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --out}, the results directory of every bench command that writes results. */
final class OutputOption {
    @Option(
            names = "--out",
            defaultValue = "bench-results",
            description = "Directory for the results: ${COMMAND-NAME}.json, .md and .png, and .csv for logins and"
                    + " calls (default ${DEFAULT-VALUE}).")
    Path directory;
}
