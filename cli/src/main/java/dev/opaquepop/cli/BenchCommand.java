package dev.opaquepop.cli;

import dev.opaquepop.cli.bench.CallsCommand;
import dev.opaquepop.cli.bench.ColdstartCommand;
import dev.opaquepop.cli.bench.EnumerationCommand;
import dev.opaquepop.cli.bench.LoginsCommand;
import dev.opaquepop.cli.bench.SummarizeCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code opaque-pop bench}: a load generator for any server speaking the protocol. {@code logins} measures full
 * OPAQUE logins, {@code calls} PoP-signed calls next to {@code GET /healthz}, {@code coldstart} what a freshly
 * started server costs; {@code summarize} folds repeated
 * runs into one table with their spread. See BENCHMARKS.md.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = {
            "Load generator: full logins, or signed calls next to GET /healthz, against one or more servers at"
                    + " increasing concurrency; results as JSON, CSV, markdown and a PNG plot.",
            "Exit code 1 when any request failed or any replay was accepted."
        },
        subcommands = {
            LoginsCommand.class,
            CallsCommand.class,
            ColdstartCommand.class,
            EnumerationCommand.class,
            SummarizeCommand.class
        })
final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
