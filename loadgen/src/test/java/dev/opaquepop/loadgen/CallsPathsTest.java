package dev.opaquepop.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code bench calls --path/--public-path}: signed and unsigned GETs of arbitrary paths, here of the in-process
 * server's own {@code /api/me} and {@code /healthz}, under names of their own. Timings are never asserted.
 */
class CallsPathsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static int run(StringWriter out, String... args) {
        CommandLine commandLine = BenchCommand.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(out, true));
        return commandLine.execute(args);
    }

    @Test
    void pathsAreMeasuredUnderTheirNames_signedAndUnsigned(@TempDir Path out) throws IOException {
        StringWriter output = new StringWriter();
        int exit = run(
                output,
                "calls",
                "--path",
                "whoami=/api/me",
                "--public-path",
                "open=/healthz",
                "--sessions",
                "2",
                "--concurrency",
                "1",
                "--duration",
                "500ms",
                "--warmup",
                "0s",
                "--prime",
                "300ms",
                "--replay-probes",
                "0",
                "--out",
                out.toString());

        assertThat(exit).as(output.toString()).isZero();
        JsonNode json = JSON.readTree(out.resolve("calls.json").toFile());
        assertThat(json.path("errors_total").asInt()).isZero();
        assertThat(json.path("rows").findValuesAsText("operation")).containsExactly("whoami", "open");
        for (JsonNode row : json.path("rows")) {
            assertThat(row.path("ok").asLong()).as(row.toString()).isPositive();
        }
    }

    @Test
    void aSignedPathToAProtectedEndpointWithoutASignature_failsTheRun(@TempDir Path out) {
        StringWriter output = new StringWriter();
        // Unsigned, /api/me answers 401: counted as errors, so the command exits non-zero.
        int exit = run(
                output,
                "calls",
                "--public-path",
                "me-unsigned=/api/me",
                "--sessions",
                "1",
                "--concurrency",
                "1",
                "--duration",
                "300ms",
                "--warmup",
                "0s",
                "--prime",
                "100ms",
                "--replay-probes",
                "0",
                "--out",
                out.toString());

        assertThat(exit).as(output.toString()).isNotZero();
    }

    @Test
    void badPathOptions_areRefusedBeforeAnyLoad() {
        assertThat(run(new StringWriter(), "calls", "--path", "me=/api/me")).isNotZero();
        assertThat(run(new StringWriter(), "calls", "--path", "mine=api/me")).isNotZero();
        assertThat(run(new StringWriter(), "calls", "--path", "x=/a", "--public-path", "x=/b"))
                .isNotZero();
    }
}
