package dev.opaquepop.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code bench} as this executable lists it. The load generator is an executable of its own
 * ({@code loadgen/target/opaque-pop-bench.jar}, so that this one carries neither it nor its statistics libraries),
 * which {@code bin/opaque-pop bench ...} runs; given to this jar, the command only says where it is.
 */
@Command(
        name = "bench",
        description = {
            "Load generator (logins, calls, coldstart, enumeration, summarize; see BENCHMARKS.md): run it as"
                    + " bin/opaque-pop bench ..., which builds and runs loadgen/target/opaque-pop-bench.jar."
        })
final class BenchCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Whatever followed {@code bench}: the load generator's command line, repeated in the hint. */
    @CommandLine.Unmatched
    List<String> arguments = new ArrayList<>();

    @Override
    public Integer call() {
        String given = String.join(" ", arguments);
        spec.commandLine()
                .getErr()
                .println("opaque-pop bench: the load generator is an executable of its own: run bin/opaque-pop bench "
                        + given + ", or java -jar loadgen/target/opaque-pop-bench.jar " + given);
        return 2;
    }
}
