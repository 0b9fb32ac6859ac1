package dev.opaquepop.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --metrics-port}: /metrics on a loopback port of its own, and then not on the API's port. */
class MetricsPortTest {
    @TempDir
    Path directory;

    @Test
    void byDefault_metricsAreOnTheApiPort() throws Exception {
        try (TestServer server = TestServer.start(directory)) {
            assertThat(Requests.get(server.uri(), "/healthz/live").statusCode()).isEqualTo(200);
            HttpResponse<String> metrics = Requests.get(server.uri(), "/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("opaque_pop_http_requests");
        }
    }

    @Test
    void withAMetricsPort_metricsAreServedThere_andAbsentFromTheApiPort() throws Exception {
        try (TestServer server = TestServer.start(directory, b -> b.metricsPort(0))) {
            Requests.register(server.uri(), "alice", "correct horse battery staple".getBytes(UTF_8));
            Requests.assertProblem(Requests.get(server.uri(), "/metrics"), 404, "not_found");

            int port = server.metricsPort();
            assertThat(port).isPositive().isNotEqualTo(server.port());
            URI metrics = URI.create("http://127.0.0.1:" + port);
            HttpResponse<String> scrape = Requests.get(metrics, "/metrics");
            assertThat(scrape.statusCode()).isEqualTo(200);
            assertThat(scrape.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
            // The API's requests are counted, including the refused /metrics on the API port.
            assertThat(scrape.body())
                    .contains("opaque_pop_registrations_total{outcome=\"created\"} 1.0")
                    .contains("route=\"unmatched\"")
                    // Each answered request under the pattern of the route that answered it.
                    .contains("method=\"POST\",route=\"/register/start\",status=\"200\"")
                    .contains("method=\"POST\",route=\"/register/finish\",status=\"201\"")
                    .doesNotContain("route=\"*\"");

            // Nothing else is served there: the API stays on its own port.
            assertThat(Requests.get(metrics, "/healthz/live").statusCode()).isEqualTo(404);
            assertThat(Requests.get(metrics, "/.well-known/opaque-pop").statusCode())
                    .isEqualTo(404);
        }
    }

    @Test
    void theMetricsPort_isOnLoopbackByDefault_andValidated() {
        assertThat(ServerConfig.builder().metricsPort(9090).build().metricsBind())
                .isEqualTo("127.0.0.1");
        assertThat(ServerConfig.builder().build().metricsOnSeparatePort()).isFalse();
        assertThatThrownBy(() -> ServerConfig.builder().metricsPort(70000).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--metrics-port");
        assertThatThrownBy(() ->
                        ServerConfig.builder().port(8080).metricsPort(8080).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--metrics-port must differ from --port");
    }
}
