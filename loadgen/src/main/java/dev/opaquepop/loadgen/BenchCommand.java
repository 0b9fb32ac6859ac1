package dev.opaquepop.loadgen;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code opaque-pop bench}: a load generator for any server speaking the protocol. {@code logins} measures full
 * OPAQUE logins, {@code calls} PoP-signed calls next to {@code GET /healthz}, {@code coldstart} what a freshly
 * started server costs, {@code enumeration} whether login/start tells known users from unknown ones,
 * {@code gateway} what the gateway adds per signed call; {@code summarize} folds repeated runs into one table
 * with their spread. See BENCHMARKS.md.
 *
 * <p>It is an executable of its own ({@code loadgen/target/opaque-pop-bench.jar}), so that the server's executable
 * carries neither it nor its statistics libraries; {@code bin/opaque-pop bench ...} runs it.
 */
@Command(
        name = "opaque-pop bench",
        mixinStandardHelpOptions = true,
        versionProvider = BenchCommand.Version.class,
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
            GatewayCommand.class,
            SummarizeCommand.class,
            CommandLine.HelpCommand.class
        })
public final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line as {@link #main} runs it (for tests). */
    static CommandLine commandLine() {
        return new CommandLine(new BenchCommand()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = BenchCommand.class.getPackage().getImplementationVersion();
            return new String[] {"opaque-pop bench " + (version == null ? "development build" : version)};
        }
    }
}
