package dev.opaquepop.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;

/**
 * One {@code opaque-pop bench} command run in this JVM as {@link BenchCommand#main} runs it, with what it printed:
 * the setup the command tests share.
 */
record BenchRun(int exitCode, String out, String err) {
    static BenchRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = BenchCommand.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exitCode = commandLine.execute(args);
        return new BenchRun(exitCode, out.toString(), err.toString());
    }

    /** Both streams, for assertion messages. */
    String printed() {
        return out + err;
    }

    /**
     * {@code args} followed by the options of a short load that only checks what is written: one level, no
     * warm-up, no replay probes unless {@code args} sets them, results in {@code out}.
     */
    static String[] quick(Path out, String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        List<String> defaults = List.of("--concurrency", "1", "--warmup", "0s", "--replay-probes", "0");
        for (int i = 0; i < defaults.size(); i += 2) {
            if (!all.contains(defaults.get(i))) {
                all.addAll(defaults.subList(i, i + 2));
            }
        }
        all.addAll(List.of("--out", out.toString()));
        return all.toArray(String[]::new);
    }

    /** Every named result file of {@code kind} is there and not empty; the plot is a PNG. */
    static void assertOutputs(Path out, String kind, String... extensions) throws IOException {
        for (String extension : extensions) {
            Path file = out.resolve(kind + "." + extension);
            assertThat(file).as(file.toString()).isRegularFile();
            assertThat(Files.size(file)).as(file.toString()).isPositive();
        }
        byte[] png = Files.readAllBytes(out.resolve(kind + ".png"));
        assertThat(png).startsWith(0x89, 'P', 'N', 'G');
    }
}
