package dev.opaquepop.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.opaquepop.server.ServerConfig;
import dev.opaquepop.server.http.OpaquePopServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code opaque-pop bench} end to end against real servers for a second or two per level: no errors, every
 * output written; and a non-zero exit when a server fails requests or accepts a replay. Timings are never
 * asserted.
 */
class BenchCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path data;
    private static OpaquePopServer server;

    @BeforeAll
    static void startServer() throws IOException {
        if (System.getProperty("OPAQUE_POP_LOG_LEVEL") == null) {
            System.setProperty("OPAQUE_POP_LOG_LEVEL", "WARN");
        }
        data = Files.createTempDirectory("opaque-pop-bench-test");
        // As bench/run-all.sh starts one: a load generator logs in faster than the limits against guessing allow (it
        // turns
        // the per-connection request limit off too).
        server = OpaquePopServer.start(ServerConfig.builder()
                .port(0)
                .dataDirectory(data.resolve("data"))
                .rateLimit(false)
                .build());
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    private static URI serverUri() {
        return URI.create("http://127.0.0.1:" + server.port());
    }

    @Test
    void logins_againstALocalServerWithItsPid_noErrorsAndEveryOutput(@TempDir Path out) throws IOException {
        long pid = ProcessHandle.current().pid();
        BenchRun run = BenchRun.of(
                "logins",
                "--server",
                "local=" + serverUri(),
                "--server-pid",
                "local=" + pid,
                "--users",
                "4",
                "--concurrency",
                "1,2",
                "--duration",
                "1s",
                "--slices",
                "2",
                "--warmup",
                "200ms",
                "--replay-probes",
                "4",
                "--out",
                out.toString());

        assertThat(run.exitCode()).as(run.printed()).isZero();
        BenchRun.assertOutputs(out, "logins", "json", "csv", "md", "png");
        JsonNode json = JSON.readTree(out.resolve("logins.json").toFile());
        assertThat(json.path("errors_total").asInt()).isZero();
        assertThat(json.path("replay_probes").path("pairs").asInt()).isEqualTo(8);
        assertThat(json.path("replay_probes").path("accepted_replays").asInt()).isZero();
        assertThat(json.path("arithmetic_floor").path("server_login_us").asDouble())
                .isPositive();
        assertThat(json.path("rows")).hasSize(2);
        for (JsonNode row : json.path("rows")) {
            assertThat(row.path("operation").asText()).isEqualTo("login");
            assertThat(row.path("ok").asInt()).isPositive();
            assertThat(row.path("errors").asInt()).isZero();
            // This process is both server and load generator, so the number means little; it must be there.
            assertThat(row.path("server_cpu_per_op_us").isNumber()).isTrue();
            assertThat(row.path("server_cpu_over_floor").isNumber()).isTrue();
        }
        assertThat(Files.readString(out.resolve("logins.csv")).lines()).hasSize(3);
        assertThat(run.out()).contains("| local | login | 1 |").contains("0 replays accepted");
    }

    @Test
    void coldstart_freshServerProcessesWithAndWithoutCache_everyOutputAndSaneNumbers(@TempDir Path out)
            throws IOException {
        // The launcher is this test's own JVM and class path (bin/opaque-pop would build the jar first).
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        BenchRun run = BenchRun.of(
                "coldstart",
                "--launcher",
                java,
                "--launcher",
                "--enable-native-access=ALL-UNNAMED",
                "--launcher",
                "-cp",
                "--launcher",
                System.getProperty("java.class.path"),
                "--launcher",
                dev.opaquepop.cli.Main.class.getName(),
                "--runs",
                "1",
                "--logins",
                "6",
                "--warm-after",
                "4",
                "--users",
                "2",
                "--compare-cache",
                "--out",
                out.toString());

        assertThat(run.exitCode()).as(run.printed()).isZero();
        BenchRun.assertOutputs(out, "coldstart", "json", "md", "png");
        JsonNode json = JSON.readTree(out.resolve("coldstart.json").toFile());
        assertThat(json.path("runs").findValuesAsText("variant")).containsExactly("cache on", "cache off");
        for (JsonNode result : json.path("runs")) {
            assertThat(result.path("ready_s").asDouble()).isPositive();
            assertThat(result.path("ready_cpu_s").asDouble()).isPositive();
            assertThat(result.path("rss_at_ready_mib").asDouble()).isPositive();
            assertThat(result.path("first").path("logins").asInt()).isEqualTo(6);
            assertThat(result.path("warm").path("logins").asInt()).isEqualTo(6);
            // CPU comes in 10 ms ticks: six logins may read as zero, never as negative.
            assertThat(result.path("first").path("server_cpu_per_login_us").asDouble())
                    .isNotNegative();
            assertThat(result.path("first").path("block_server_cpu_s")).hasSize(6);
            // The compiler threads are part of the process, read a moment later: at most one tick more.
            assertThat(result.path("first")
                            .path("jit_compiler_cpu_per_login_us")
                            .asDouble())
                    .isNotNegative()
                    .isLessThanOrEqualTo(
                            result.path("first").path("server_cpu_per_login_us").asDouble() + 10_000.0 / 6);
        }
        assertThat(json.path("medians")).hasSize(2);
        assertThat(run.out())
                .contains("| cache on | 1 |")
                .contains("| cache off (median) | 1 |")
                .contains("goal ≤ 1.5 s")
                .contains("of which JIT µs");
    }

    @Test
    void calls_inProcessWithTransfers_noErrorsAndEveryOutput(@TempDir Path out) throws IOException {
        BenchRun run = BenchRun.of(
                "calls",
                "--sessions",
                "3",
                "--concurrency",
                "2",
                "--duration",
                "1s",
                "--warmup",
                "0s",
                "--prime",
                "300ms",
                "--transfers",
                "--replay-probes",
                "3",
                "--out",
                out.toString());

        assertThat(run.exitCode()).as(run.printed()).isZero();
        BenchRun.assertOutputs(out, "calls", "json", "csv", "md", "png");
        JsonNode json = JSON.readTree(out.resolve("calls.json").toFile());
        assertThat(json.path("errors_total").asInt()).isZero();
        assertThat(json.path("replay_probes").path("pairs").asInt()).isEqualTo(6);
        assertThat(json.path("replay_probes").path("accepted_replays").asInt()).isZero();
        assertThat(json.path("rows").findValuesAsText("operation")).containsExactly("healthz", "me", "transfer");
        assertThat(json.path("comparisons")).hasSize(2);
        assertThat(run.out()).contains("| in-process | me | 2 |").contains("throughput ÷ healthz");
    }

    @Test
    void enumeration_knownAndUnknownUsernamesAnswerInTheSameShape(@TempDir Path out) throws IOException {
        BenchRun run = BenchRun.of(
                "enumeration",
                "--server",
                serverUri().toString(),
                "--users",
                "3",
                "--samples",
                "40",
                "--warmup",
                "5",
                "--out",
                out.toString());

        assertThat(run.exitCode()).as(run.printed()).isZero();
        JsonNode json = JSON.readTree(out.resolve("enumeration.json").toFile());
        assertThat(json.path("samples_per_class").asInt()).isEqualTo(40);
        assertThat(json.path("failures").asInt()).isZero();
        assertThat(json.path("shapes_identical").asBoolean()).isTrue();
        // One shape, and it is a 200 carrying a login id and a KE2 of the right encoded lengths (43 and 427).
        assertThat(json.path("known_shapes")).hasSize(1);
        assertThat(json.path("known_shapes").get(0).asText()).startsWith("200 ").contains("login_id:43", "ke2:427");
        double p = json.path("mann_whitney_p").asDouble(-1);
        assertThat(p).isBetween(0.0, 1.0);
        assertThat(json.path("median_difference_bootstrap_95_us")).hasSize(2);
        BenchRun.assertOutputs(out, "enumeration", "json", "md", "png");
        assertThat(run.out())
                .contains("Mann-Whitney U")
                .contains("response shape")
                .contains("identical");
    }

    @Test
    void summarize_foldsRunsIntoMedianAndRange(@TempDir Path out) throws IOException {
        Path first = out.resolve("run1");
        Path second = out.resolve("run2");
        for (Path dir : List.of(first, second)) {
            BenchRun run = BenchRun.of(BenchRun.quick(
                    dir,
                    "calls",
                    "--server",
                    serverUri().toString(),
                    "--sessions",
                    "2",
                    "--duration",
                    "300ms",
                    "--replay-probes",
                    "1"));
            assertThat(run.exitCode()).as(run.printed()).isZero();
        }

        BenchRun run = BenchRun.of(
                "summarize",
                first.toString(),
                second.toString(),
                "--out",
                out.resolve("summary.md").toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("### calls: 2 runs")
                .contains("| server | me | 1 |")
                .contains("[");
        assertThat(out.resolve("summary.md")).hasContent(run.out());
    }

    @Test
    void calls_serverFailingRequests_exitsNonZeroWithTheErrorsCounted(@TempDir Path out) throws Exception {
        try (FaultyProxy proxy = new FaultyProxy(serverUri(), FaultyProxy.Fault.FAIL_EVERY_FIFTH_ME)) {
            BenchRun run = BenchRun.of(BenchRun.quick(
                    out, "calls", "--server", proxy.uri().toString(), "--sessions", "2", "--duration", "500ms"));

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err()).contains("request(s) failed");
            JsonNode json = JSON.readTree(out.resolve("calls.json").toFile());
            assertThat(json.path("errors_total").asInt()).isPositive();
            assertThat(json.toString()).contains("HTTP 500");
        }
    }

    @Test
    void calls_serverAcceptingReplays_exitsNonZero(@TempDir Path out) throws Exception {
        try (FaultyProxy proxy = new FaultyProxy(serverUri(), FaultyProxy.Fault.ACCEPT_REPLAYS)) {
            BenchRun run = BenchRun.of(BenchRun.quick(
                    out,
                    "calls",
                    "--server",
                    proxy.uri().toString(),
                    "--operations",
                    "me",
                    "--sessions",
                    "2",
                    "--duration",
                    "300ms",
                    "--replay-probes",
                    "2"));

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err()).contains("2 replay(s) accepted");
            JsonNode json = JSON.readTree(out.resolve("calls.json").toFile());
            assertThat(json.path("replay_probes").path("accepted_replays").asInt())
                    .isEqualTo(2);
            assertThat(json.path("rows").findValuesAsText("operation")).containsExactly("me");
        }
    }

    @Test
    void logins_badArguments_exitTwoWithAMessage() {
        assertThat(BenchRun.of("logins", "--concurrency", "0").err()).contains("--concurrency levels");
        BenchRun unmatched = BenchRun.of("logins", "--server", "a=http://127.0.0.1:1", "--server-pid", "b=1");
        assertThat(unmatched.exitCode()).isEqualTo(2);
        assertThat(unmatched.err()).contains("no --server of that name");
        BenchRun unknownOperation = BenchRun.of("calls", "--operations", "me,delete");
        assertThat(unknownOperation.exitCode()).isEqualTo(2);
        assertThat(unknownOperation.err()).contains("--operations takes healthz, me and transfer");
    }

    /**
     * Forwards everything to a real server, except that it answers some signed {@code GET /api/me} calls itself:
     * with a 500 (a failing server) or, for a nonce it has already seen, with a 200 (a server that accepts
     * replays).
     */
    private static final class FaultyProxy implements AutoCloseable {
        enum Fault {
            FAIL_EVERY_FIFTH_ME,
            ACCEPT_REPLAYS
        }

        private static final Set<String> NOT_FORWARDED = Set.of("host", "content-length", "connection", "upgrade");

        private final HttpServer http;
        private final HttpClient upstream =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        FaultyProxy(URI target, Fault fault) throws IOException {
            AtomicInteger calls = new AtomicInteger();
            Map<String, Boolean> nonces = new ConcurrentHashMap<>();
            http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            http.createContext("/", exchange -> {
                try (exchange) {
                    boolean me = exchange.getRequestURI().getPath().equals("/api/me");
                    String nonce = exchange.getRequestHeaders().getFirst("X-NONCE");
                    if (me && fault == Fault.FAIL_EVERY_FIFTH_ME && calls.incrementAndGet() % 5 == 0) {
                        reply(exchange, 500, "{\"code\":\"internal_error\"}");
                        return;
                    }
                    if (me && fault == Fault.ACCEPT_REPLAYS && nonce != null && nonces.put(nonce, true) != null) {
                        reply(exchange, 200, "{\"username\":\"replayed\",\"session_expires_at\":0}");
                        return;
                    }
                    forward(exchange, target);
                }
            });
            http.start();
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + http.getAddress().getPort());
        }

        private void forward(HttpExchange exchange, URI target) throws IOException {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(target.resolve(exchange.getRequestURI()))
                    .method(
                            exchange.getRequestMethod(),
                            body.length == 0
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofByteArray(body));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
                    values.forEach(value -> request.header(name, value));
                }
            });
            HttpResponse<byte[]> response;
            try {
                response = upstream.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            response.headers()
                    .firstValue("Content-Type")
                    .ifPresent(type -> exchange.getResponseHeaders().set("Content-Type", type));
            exchange.sendResponseHeaders(
                    response.statusCode(), response.body().length == 0 ? -1 : response.body().length);
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(response.body());
            }
        }

        private static void reply(HttpExchange exchange, int status, String json) throws IOException {
            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(bytes);
            }
        }

        @Override
        public void close() {
            http.stop(0);
            upstream.close();
        }
    }
}
