package dev.opaquepop.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FloorReportTest {
    private static String result(String benchmark, String mode, double score, String unit) {
        return """
                {"benchmark": "dev.opaquepop.bench.%s", "mode": "%s",
                 "primaryMetric": {"score": %s, "scoreError": 0.1, "scoreUnit": "%s"}}""".formatted(benchmark, mode, score, unit);
    }

    @Test
    void readMicros_namesParameterizedBenchmarksWithTheirParameters(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("jmh.json");
        Files.writeString(file, """
                [{"benchmark": "dev.opaquepop.bench.PopBenchmark.popVerify", "mode": "avgt", "params": {"store": "map"},
                  "primaryMetric": {"score": 3.5, "scoreUnit": "us/op"}}]""", StandardCharsets.UTF_8);

        assertThat(FloorReport.readMicros(file)).containsOnlyKeys("PopBenchmark.popVerify[store=map]");
    }

    @Test
    void readMicros_convertsUnitsAndSkipsThroughputModes(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("jmh.json");
        Files.writeString(
                file,
                "["
                        + String.join(
                                ",",
                                result("OpaqueServerBenchmark.scalarMultiplication", "avgt", 50, "us/op"),
                                result("PopBenchmark.hmacSha256", "avgt", 700, "ns/op"),
                                result("ClientLoginBenchmark.clientLoginArgon2id", "avgt", 250, "ms/op"),
                                result("PopBenchmark.popSign", "thrpt", 3, "ops/us"))
                        + "]",
                StandardCharsets.UTF_8);

        Map<String, Double> micros = FloorReport.readMicros(file);

        assertThat(micros)
                .containsEntry("OpaqueServerBenchmark.scalarMultiplication", 50.0)
                .containsEntry("PopBenchmark.hmacSha256", 0.7)
                .containsEntry("ClientLoginBenchmark.clientLoginArgon2id", 250_000.0)
                .doesNotContainKey("PopBenchmark.popSign");
    }

    @Test
    void render_dividesEachOperationByItsFloorPerRun() {
        Map<String, Double> run1 = Map.of(
                FloorReport.VARIABLE_BASE,
                50.0,
                FloorReport.FIXED_BASE,
                20.0,
                FloorReport.HMAC,
                1.0,
                FloorReport.SERVER_START,
                330.0,
                FloorReport.SERVER_FINISH,
                2.0,
                "PopBenchmark.popVerify[store=map]",
                3.0);
        Map<String, Double> run2 = Map.of(
                FloorReport.VARIABLE_BASE,
                55.0,
                FloorReport.FIXED_BASE,
                22.0,
                FloorReport.HMAC,
                1.0,
                FloorReport.SERVER_START,
                330.0,
                FloorReport.SERVER_FINISH,
                2.0,
                "PopBenchmark.popVerify[store=map]",
                3.5);

        String report = FloorReport.render(List.of(run1, run2));

        // start: floor 4 × 50 + 20 = 220 and 4 × 55 + 22 = 242; 330 / 242 = 1.36, 330 / 220 = 1.5
        assertThat(report)
                .contains("| OpaqueServerBenchmark.serverLoginStartRealRecord | 330 / 330 | 4 var + 1 fixed"
                        + " | 220 / 242 | 1.36–1.50× |");
        assertThat(report).contains("| server full login (start + finish) | 332 / 332 |");
        assertThat(report)
                .contains(
                        "| PopBenchmark.popVerify[store=map] | 3.00 / 3.50 | 1 HMAC-SHA256 | 1.00 / 1.00 | 3.00–3.50× |");
        assertThat(report).contains("| OpaqueServerBenchmark.serverLoginFinish | 2.00 / 2.00 | none | – |");
        assertThat(report).doesNotContain("clientLoginArgon2id");
    }

    @Test
    void toMicros_refusesThroughputUnits() {
        assertThatThrownBy(() -> FloorReport.toMicros(1, "ops/s")).isInstanceOf(IllegalArgumentException.class);
    }
}
