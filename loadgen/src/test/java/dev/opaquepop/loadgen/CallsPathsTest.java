package dev.opaquepop.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench calls --path/--public-path}: signed and unsigned GETs of arbitrary paths, here of the in-process
 * server's own {@code /api/me} and {@code /healthz}, under names of their own. Timings are never asserted.
 */
class CallsPathsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void pathsAreMeasuredUnderTheirNames_signedAndUnsigned(@TempDir Path out) throws IOException {
        BenchRun run = BenchRun.of(BenchRun.quick(
                out,
                "calls",
                "--path",
                "whoami=/api/me",
                "--public-path",
                "open=/healthz",
                "--sessions",
                "2",
                "--duration",
                "500ms",
                "--prime",
                "300ms"));

        assertThat(run.exitCode()).as(run.printed()).isZero();
        JsonNode json = JSON.readTree(out.resolve("calls.json").toFile());
        assertThat(json.path("errors_total").asInt()).isZero();
        assertThat(json.path("rows").findValuesAsText("operation")).containsExactly("whoami", "open");
        for (JsonNode row : json.path("rows")) {
            assertThat(row.path("ok").asLong()).as(row.toString()).isPositive();
        }
    }

    @Test
    void aSignedPathToAProtectedEndpointWithoutASignature_failsTheRun(@TempDir Path out) {
        // Unsigned, /api/me answers 401: counted as errors, so the command exits non-zero.
        BenchRun run = BenchRun.of(BenchRun.quick(
                out,
                "calls",
                "--public-path",
                "me-unsigned=/api/me",
                "--sessions",
                "1",
                "--duration",
                "300ms",
                "--prime",
                "100ms"));

        assertThat(run.exitCode()).as(run.printed()).isNotZero();
    }

    @Test
    void badPathOptions_areRefusedBeforeAnyLoad() {
        assertThat(BenchRun.of("calls", "--path", "me=/api/me").exitCode()).isNotZero();
        assertThat(BenchRun.of("calls", "--path", "mine=api/me").exitCode()).isNotZero();
        assertThat(BenchRun.of("calls", "--path", "x=/a", "--public-path", "x=/b")
                        .exitCode())
                .isNotZero();
    }
}
