package dev.opaquepop.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench gateway} works end to end: it starts its upstream, gateway and bare-proxy processes, measures all four
 * modes at two levels without a failed request, writes its report, and leaves no process behind. Only that it works: the
 * numbers of so short a run mean nothing and are not asserted.
 */
class GatewayCommandTest {
    @Test
    void gateway_allModesAtTwoLevels_noErrorsAndAReport(@TempDir Path out) throws Exception {
        BenchRun run = BenchRun.of(
                "gateway",
                "--concurrency",
                "1,2",
                "--duration",
                "1s",
                "--slices",
                "2",
                "--warmup",
                "1s",
                "--sessions",
                "2",
                "--out",
                out.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .contains(
                        "signed, through the gateway",
                        "plain, upstream alone",
                        "plain, through Jetty's bare reverse proxy",
                        "plain, through the gateway on a public path (forwarding only)");
        JsonNode report =
                new ObjectMapper().readTree(out.resolve("gateway.json").toFile());
        assertThat(report.path("rows")).hasSize(8);
        for (JsonNode row : report.path("rows")) {
            assertThat(row.path("ok").asInt()).as(row.toString()).isPositive();
            assertThat(row.path("errors").asInt()).as(row.toString()).isZero();
            assertThat(row.path("upstream_cpu_us_per_call").asDouble())
                    .as(row.toString())
                    .isPositive();
            if (!row.path("mode").asText().equals("upstream")) {
                assertThat(row.path("proxy_cpu_us_per_call").asDouble())
                        .as(row.toString())
                        .isPositive();
            }
        }
        assertThat(report.path("load_average_before").asText()).isNotEmpty();
        // The children were stopped with the command.
        for (String pid : new String[] {"upstream_pid", "gateway_pid", "bare_proxy_pid"}) {
            assertThat(ProcessHandle.of(report.path(pid).asLong()).map(ProcessHandle::isAlive))
                    .as(pid)
                    .isNotEqualTo(java.util.Optional.of(true));
        }
    }
}
