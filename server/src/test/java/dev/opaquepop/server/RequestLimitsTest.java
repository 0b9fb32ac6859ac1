package dev.opaquepop.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.opaquepop.testfixtures.HandMovedTime;
import dev.opaquepop.testfixtures.RawHttp;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The limits every request passes before a handler sees it: header size (431), target length (414), requests
 * per second per connection (429), idle connections and the connection count. Each over-limit answer is
 * problem+json.
 */
class RequestLimitsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path data;

    @Test
    void targetOverTheLimit_is414ProblemJson() throws IOException {
        try (TestServer server = TestServer.start(data, b -> b.maxUriLength(512));
                RawHttp http = new RawHttp(server.port())) {
            String atLimit = "/healthz/live?pad=" + "a".repeat(512 - "/healthz/live?pad=".length());
            assertThat(atLimit).hasSize(512);
            assertThat(http.get(atLimit).status()).isEqualTo(200);

            RawHttp.Response tooLong = http.get(atLimit + "a");
            assertProblem(tooLong, 414, "uri_too_long");
            assertThat(problem(tooLong).get("detail").asText()).contains("512");
            // The connection stays usable: the limit answers, it does not drop the client.
            assertThat(http.get("/healthz/live").status()).isEqualTo(200);
            assertThat(http.get("/metrics").body())
                    .contains("opaque_pop_transport_rejections_total{reason=\"uri_too_long\"} 1.0");
        }
    }

    @Test
    void targetLongerThanTheHeaderLimit_is414ProblemJsonFromTheParser() throws IOException {
        try (TestServer server = TestServer.start(data, b -> b.maxHeaderBytes(4096));
                RawHttp http = new RawHttp(server.port())) {
            assertProblem(http.get("/healthz/live?pad=" + "a".repeat(5000)), 414, "uri_too_long");
        }
    }

    @Test
    void headersOverTheLimit_are431ProblemJson() throws IOException {
        try (TestServer server = TestServer.start(data, b -> b.maxHeaderBytes(4096))) {
            try (RawHttp http = new RawHttp(server.port())) {
                assertThat(http.get("/healthz/live", "X-Pad: " + "a".repeat(3000))
                                .status())
                        .isEqualTo(200);
            }
            try (RawHttp http = new RawHttp(server.port())) {
                assertProblem(http.get("/healthz/live", "X-Pad: " + "a".repeat(5000)), 431, "headers_too_large");
            }
            try (RawHttp http = new RawHttp(server.port())) {
                assertThat(http.get("/metrics").body())
                        .contains("opaque_pop_transport_rejections_total{reason=\"431\"} 1.0");
            }
            try (RawHttp http = new RawHttp(server.port())) {
                String[] many = new String[100];
                for (int i = 0; i < many.length; i++) {
                    many[i] = "X-Pad-" + i + ": " + "b".repeat(40);
                }
                assertProblem(http.get("/healthz/live", many), 431, "headers_too_large");
            }
        }
    }

    @Test
    void malformedRequests_get400ProblemJsonFromJettyItself() throws IOException {
        try (TestServer server = TestServer.start(data)) {
            for (String raw : new String[] {
                "GET  HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", // no target: Jetty's parser says 505
                "GET /healthz/live HTTP/3.0\r\nHost: 127.0.0.1\r\n\r\n", // a version this port does not speak
                "GET /healthz/live HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header: x\r\n\r\n",
                "GET /healthz/live HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"
            }) {
                try (RawHttp http = new RawHttp(server.port())) {
                    http.send(raw);
                    RawHttp.Response response = http.read();
                    assertThat(response.status()).as(raw).isEqualTo(400);
                    assertProblem(response, 400, "bad_request");
                }
            }
        }
    }

    @Test
    void connectionOverItsRate_gets429WithRetryAfter_otherConnectionsDoNot() throws IOException {
        HandMovedTime time = new HandMovedTime(Instant.parse("2026-01-01T00:00:00Z"));
        Clock clock = time.clock();
        try (TestServer server =
                        TestServer.start(data, b -> b.connectionRequestRate(5).clock(clock));
                RawHttp busy = new RawHttp(server.port());
                RawHttp other = new RawHttp(server.port())) {
            for (int i = 0; i < 5; i++) {
                assertThat(busy.get("/healthz/live").status())
                        .as("request %d", i)
                        .isEqualTo(200);
            }
            RawHttp.Response refused = busy.get("/healthz/live");
            assertProblem(refused, 429, "too_many_requests");
            assertThat(refused.header("Retry-After")).isEqualTo("1");
            // Whatever the route: the limit is the connection's, not the endpoint's.
            assertThat(busy.get("/api/me").status()).isEqualTo(429);

            // Per connection: another one is not affected.
            assertThat(other.get("/healthz/live").status()).isEqualTo(200);
            assertThat(other.get("/metrics").body())
                    .contains("opaque_pop_transport_rejections_total{reason=\"too_many_requests\"} 2.0");

            // A fifth of a second refills one request.
            time.advance(Duration.ofMillis(200));
            assertThat(busy.get("/healthz/live").status()).isEqualTo(200);
            assertThat(busy.get("/healthz/live").status()).isEqualTo(429);
            // A second refills the whole burst, and no more.
            time.advance(Duration.ofSeconds(10));
            for (int i = 0; i < 5; i++) {
                assertThat(busy.get("/healthz/live").status())
                        .as("request %d", i)
                        .isEqualTo(200);
            }
            assertThat(busy.get("/healthz/live").status()).isEqualTo(429);
        }
    }

    @Test
    void connectionRateZero_turnsTheLimitOff() throws IOException {
        HandMovedTime time = new HandMovedTime(Instant.parse("2026-01-01T00:00:00Z"));
        Clock clock = time.clock();
        try (TestServer server =
                        TestServer.start(data, b -> b.connectionRequestRate(0).clock(clock));
                RawHttp http = new RawHttp(server.port())) {
            for (int i = 0; i < 300; i++) {
                assertThat(http.get("/healthz/live").status()).isEqualTo(200);
            }
        }
    }

    @Test
    void halfSentRequest_isClosedAfterTheIdleTimeout() throws IOException {
        try (TestServer server = TestServer.start(data, b -> b.idleTimeout(Duration.ofSeconds(1)));
                RawHttp http = new RawHttp(server.port())) {
            // A slow client that never finishes its headers does not hold the connection forever.
            http.send("GET /healthz/live HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: a");
            assertThat(http.closedByServer()).isTrue();
        }
    }

    @Test
    void atTheConnectionLimit_furtherConnectionsWaitUntilOneCloses() throws IOException {
        try (TestServer server = TestServer.start(data, b -> b.maxConnections(2));
                RawHttp second = new RawHttp(server.port())) {
            RawHttp first = new RawHttp(server.port());
            try {
                assertThat(first.get("/healthz/live").status()).isEqualTo(200);
                assertThat(second.get("/healthz/live").status()).isEqualTo(200);
                try (RawHttp third = new RawHttp(server.port(), 500)) {
                    third.send("GET /healthz/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
                    assertThatThrownBy(third::read).isInstanceOf(SocketTimeoutException.class);
                }
            } finally {
                first.close();
            }
            try (RawHttp fourth = new RawHttp(server.port())) {
                assertThat(fourth.get("/healthz/live").status()).isEqualTo(200);
            }
        }
    }

    private static void assertProblem(RawHttp.Response response, int status, String code) throws IOException {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        assertThat(response.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(response.header("Cache-Control")).isEqualTo("no-store");
        JsonNode problem = problem(response);
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("code").asText()).isEqualTo(code);
        assertThat(problem.get("type").asText()).isEqualTo("urn:opaque-pop:problem:" + code);
    }

    private static JsonNode problem(RawHttp.Response response) throws IOException {
        return JSON.readTree(response.body());
    }
}
