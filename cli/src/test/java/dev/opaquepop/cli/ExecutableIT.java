package dev.opaquepop.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import dev.opaquepop.testfixtures.FreePort;
import dev.opaquepop.testfixtures.SelfSignedKeystore;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built executable ({@code cli/target/opaque-pop.jar}, run with {@code java -jar}) through every feature that
 * loads classes late: the shade minimises the jar by following class references, so a class reached only by
 * name (a JDBC driver, an SSL factory, an ALPN processor, a logback appender, a JWS signer) is missing from it
 * only at run time. Each test drives the feature end to end and fails on the {@code NoClassDefFoundError} or
 * {@code ClassNotFoundException} such a gap causes (docs/deploy.md, "Platforms and the executable's size").
 *
 * <p>Redis and PostgreSQL support live in an add-on beside the executable ({@code opaque-pop-scale.jar}), so the
 * embedded server and the client run from a copy of the executable alone, and the PostgreSQL + Redis server from
 * the build directory, where both jars lie.
 *
 * <p>Not covered: Redis Cluster (its local cluster lives in the server module's tests) and Redis Sentinel.
 */
class ExecutableIT {
    private static final String PASSWORD = "correct horse battery staple";
    private static final Duration READY_WITHIN = Duration.ofSeconds(90);

    @TempDir
    Path directory;

    private final List<Process> servers = new ArrayList<>();

    /** The executable every run uses: the built one, beside its add-on, unless a test picks a lone copy. */
    private Path executable = built();

    private record Run(int exitCode, String out) {}

    @AfterEach
    void stopServers() throws InterruptedException {
        for (Process server : servers) {
            server.destroy();
            if (!server.waitFor(20, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    @Test
    void sqliteServer_clientCommands_metrics_andItsLog_withoutTheAddOn() throws Exception {
        executable = aloneCopy();
        int port = FreePort.pick();
        Path log =
                startServer(port, Map.of(), "--data", directory.resolve("data").toString());
        URI base = URI.create("http://127.0.0.1:" + port);

        assertThat(Files.readString(log))
                .as("logback writes the start-up lines")
                .contains("level=INFO", "opaque-pop listening on " + base, "database=sqlite");
        clientTour(base, "lean-sqlite", List.of());

        HttpResponse<String> metrics = get(HttpClient.newHttpClient(), base.resolve("/metrics"));
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        assertThat(metrics.body()).contains("# TYPE opaque_pop_logins_total counter", "process_cpu_usage");
    }

    @Test
    void postgresAndRedisServer_withTheSetupCommandsKeys() throws Exception {
        String dbUrl = env("OPAQUE_POP_TEST_DB_URL", "jdbc:postgresql://127.0.0.1:5432/test");
        String redisUrl = env("OPAQUE_POP_TEST_REDIS_URL", "redis://127.0.0.1:6379");
        assumeReachable(URI.create(dbUrl.substring("jdbc:".length())), URI.create(redisUrl));

        Run setup = jar(Map.of(), "setup");
        assertThat(setup.exitCode()).as(setup.out()).isZero();
        Path setupFile = directory.resolve("server-setup");
        writeSecret(setupFile, setup.out().lines().findFirst().orElseThrow() + "\n");
        String publicKey = setup.out()
                .lines()
                .filter(line -> line.startsWith("server public key: "))
                .findFirst()
                .orElseThrow()
                .substring("server public key: ".length());
        Run sealKey = jar(Map.of(), "setup", "--seal-key");
        assertThat(sealKey.exitCode()).as(sealKey.out()).isZero();
        Path sealKeyFile = directory.resolve("seal-key");
        writeSecret(sealKeyFile, sealKey.out());

        // A schema and key prefix of its own, so every run starts empty and leaves other suites' data alone.
        String unique = "lean_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        int port = FreePort.pick();
        Path log = startServer(
                port,
                Map.of(),
                "--db-url",
                dbUrl + (dbUrl.contains("?") ? "&" : "?") + "currentSchema=" + unique,
                "--db-user",
                env("OPAQUE_POP_TEST_DB_USER", "postgres"),
                "--redis-url",
                redisUrl,
                "--redis-key-prefix",
                unique + ":",
                "--setup-file",
                setupFile.toString(),
                "--seal-key-file",
                sealKeyFile.toString());
        URI base = URI.create("http://127.0.0.1:" + port);
        assertThat(Files.readString(log)).contains("opaque-pop listening on " + base);

        HttpClient http = HttpClient.newHttpClient();
        assertThat(get(http, base.resolve("/.well-known/opaque-pop")).body()).contains(publicKey);
        assertThat(get(http, base.resolve("/healthz")).body()).contains("\"status\":\"ok\"");
        clientTour(base, "lean-pg", List.of());
    }

    @Test
    void tlsServer_answersHttp2_andTheClientTrustsItsCertificate() throws Exception {
        SelfSignedKeystore keys = SelfSignedKeystore.create(directory.resolve("tls"), "pw-" + UUID.randomUUID());
        int port = FreePort.pick();
        startServer(
                port,
                Map.of("OPAQUE_POP_TLS_KEYSTORE_PASSWORD", keys.password()),
                "--data",
                directory.resolve("data").toString(),
                "--tls-keystore",
                keys.keystore().toString());
        URI base = URI.create("https://localhost:" + port);

        // HTTP/2 over TLS is negotiated with ALPN, whose Jetty processor is found through a ServiceLoader.
        try (HttpClient http = HttpClient.newBuilder()
                .sslContext(keys.clientContext())
                .version(HttpClient.Version.HTTP_2)
                .build()) {
            HttpResponse<String> health = get(http, base.resolve("/healthz"));
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.version()).isEqualTo(HttpClient.Version.HTTP_2);
        }
        clientTour(base, "lean-tls", List.of("--cacert", keys.certificatePem().toString()));
    }

    @Test
    void gateway_forwardsASignedCall_withAnAssertion_andServesItsKeySet() throws Exception {
        HttpServer upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        upstream.createContext("/hello", exchange -> {
            String user = exchange.getRequestHeaders().getFirst("X-Forwarded-User");
            String assertion = exchange.getRequestHeaders().getFirst("X-Opaque-Pop-Assertion");
            byte[] body = ("hello " + user + " assertion=" + (assertion != null && assertion.split("\\.").length == 3))
                    .getBytes(UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        upstream.start();
        try {
            int port = FreePort.pick();
            startServer(
                    port,
                    Map.of(),
                    "--data",
                    directory.resolve("data").toString(),
                    "--upstream",
                    "http://127.0.0.1:" + upstream.getAddress().getPort());
            URI base = URI.create("http://127.0.0.1:" + port);

            HttpResponse<String> jwks = get(HttpClient.newHttpClient(), base.resolve("/.well-known/jwks.json"));
            assertThat(jwks.statusCode()).isEqualTo(200);
            assertThat(jwks.body()).contains("\"kty\":\"OKP\"", "\"crv\":\"Ed25519\"");

            Path session = directory.resolve("gateway-session.json");
            List<String> server = List.of("--server", base.toString(), "--session-file", session.toString());
            Map<String, String> password = Map.of("OPAQUE_POP_PASSWORD", PASSWORD);
            assertSucceeds(jar(password, with(server, "register", "--username", "lean-gw")));
            assertSucceeds(jar(password, with(server, "login", "--username", "lean-gw")));
            Run call = jar(Map.of(), with(server, "call", "GET", "/hello"));
            assertSucceeds(call);
            assertThat(call.out()).contains("hello lean-gw assertion=true");
        } finally {
            upstream.stop(0);
        }
    }

    @Test
    void withoutTheAddOn_dbUrlAndRedisUrl_areRefusedNamingIt() throws Exception {
        executable = aloneCopy();
        Path setupFile = directory.resolve("server-setup");
        Run setup = jar(Map.of(), "setup");
        assertSucceeds(setup);
        writeSecret(setupFile, setup.out().lines().findFirst().orElseThrow() + "\n");

        for (String[] option : List.of(
                new String[] {"--redis-url", "redis://127.0.0.1:6379"},
                new String[] {"--db-url", "jdbc:postgresql://127.0.0.1:5432/test"})) {
            Run refused = jar(
                    Map.of(),
                    "server",
                    "--port",
                    Integer.toString(FreePort.pick()),
                    option[0],
                    option[1],
                    "--setup-file",
                    setupFile.toString());
            assertThat(refused.exitCode()).as(refused.out()).isEqualTo(2);
            assertThat(refused.out())
                    .contains(
                            option[0],
                            "opaque-pop-scale.jar",
                            executable.getParent().toString());
        }
    }

    @Test
    void demo_runsItsWholeTour_withAnInProcessServer() throws Exception {
        Run demo = jar(Map.of(), "demo");
        assertThat(demo.exitCode()).as(demo.out()).isZero();
        assertThat(demo.out()).contains("all steps behaved as expected").doesNotContain("UNEXPECTED");
    }

    /** Register, log in, a signed read, a transfer, a signed call, the session list, logout: as a person runs them. */
    private void clientTour(URI base, String username, List<String> extra) throws Exception {
        Path session = directory.resolve(username + "-session.json");
        List<String> server =
                new ArrayList<>(List.of("--server", base.toString(), "--session-file", session.toString()));
        server.addAll(extra);
        Map<String, String> password = Map.of("OPAQUE_POP_PASSWORD", PASSWORD);

        assertSucceeds(jar(password, with(server, "register", "--username", username)));
        assertSucceeds(jar(password, with(server, "register", "--username", username + "-payee")));
        assertSucceeds(jar(password, with(server, "login", "--username", username)));
        Run me = jar(Map.of(), with(server, "me"));
        assertSucceeds(me);
        assertThat(me.out()).startsWith(username + " (session expires at");
        assertSucceeds(jar(Map.of(), with(server, "transfer", "--to", username + "-payee", "--amount", "1.25")));
        Run call = jar(Map.of(), with(server, "call", "GET", "/api/transfers"));
        assertSucceeds(call);
        assertThat(call.out()).contains(username + "-payee", "1.25");
        Run sessions = jar(Map.of(), with(server, "sessions"));
        assertSucceeds(sessions);
        assertThat(sessions.out()).contains("(this session)");
        assertSucceeds(jar(Map.of(), with(server, "logout")));
        assertThat(session).doesNotExist();
    }

    /**
     * Starts {@code java -jar opaque-pop.jar server --port port ...}, its output in a file, and waits until it
     * answers {@code /healthz}; returns the output file.
     */
    private Path startServer(int port, Map<String, String> environment, String... args) throws Exception {
        Path log = directory.resolve("server-" + port + ".log");
        List<String> command = new ArrayList<>(javaJar());
        command.addAll(List.of("server", "--port", Integer.toString(port)));
        command.addAll(List.of(args));
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        builder.environment().put("OPAQUE_POP_LOG_LEVEL", "INFO");
        Process server = builder.start();
        servers.add(server);

        boolean tls = List.of(args).contains("--tls-keystore");
        String marker = "opaque-pop listening on " + (tls ? "https" : "http") + "://";
        Instant deadline = Instant.now().plus(READY_WITHIN);
        while (!Files.readString(log).contains(marker)) {
            if (!server.isAlive()) {
                fail("the server ended with " + server.exitValue() + ":\n" + Files.readString(log));
            }
            if (Instant.now().isAfter(deadline)) {
                fail("the server did not start within " + READY_WITHIN + ":\n" + Files.readString(log));
            }
            Thread.sleep(100);
        }
        return log;
    }

    /** Runs the executable with {@code args}, nothing on its standard input, and waits for it to end. */
    private Run jar(Map<String, String> environment, String... args) throws Exception {
        return jar(environment, List.of(args));
    }

    private Run jar(Map<String, String> environment, List<String> args) throws Exception {
        List<String> command = new ArrayList<>(javaJar());
        command.addAll(args);
        Path out = Files.createTempFile(directory, "run-", ".out");
        Path noInput = Files.write(directory.resolve("no-input"), new byte[0]);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .redirectInput(noInput.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            fail(String.join(" ", args) + " did not end:\n" + Files.readString(out));
        }
        String text = Files.readString(out);
        assertThat(text)
                .as("a class left out of the executable")
                .doesNotContain("NoClassDefFoundError", "ClassNotFoundException");
        return new Run(process.exitValue(), text);
    }

    /** A file only its owner reads, as the server requires of its secrets. */
    private static void writeSecret(Path file, String text) throws IOException {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, text);
    }

    private static List<String> with(List<String> options, String... command) {
        List<String> all = new ArrayList<>(List.of(command));
        all.addAll(options);
        return all;
    }

    private static void assertSucceeds(Run run) {
        assertThat(run.exitCode()).as(run.out()).isZero();
    }

    private List<String> javaJar() {
        return List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-jar",
                executable.toString());
    }

    /** The executable as the build left it, with the add-on in the same directory. */
    private static Path built() {
        String jar = System.getProperty("opaquepop.executable");
        assertThat(jar)
                .as("system property opaquepop.executable (set by cli/pom.xml's failsafe)")
                .isNotNull();
        Path path = Path.of(jar);
        assertThat(path)
                .as("the executable, built in package before failsafe runs")
                .exists();
        assertThat(path.resolveSibling("opaque-pop-scale.jar"))
                .as("the Redis + PostgreSQL add-on, built beside it")
                .exists();
        return path;
    }

    /** A copy of the executable in a directory of its own, as a deployment without Redis or PostgreSQL has it. */
    private Path aloneCopy() throws IOException {
        Path alone = Files.createDirectories(directory.resolve("alone")).resolve("opaque-pop.jar");
        return Files.copy(built(), alone);
    }

    private static HttpResponse<String> get(HttpClient http, URI uri) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    /** Skips unless PostgreSQL and Redis accept a connection; with {@code CI=true} fails instead. */
    private static void assumeReachable(URI... services) {
        for (URI service : services) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(service.getHost(), service.getPort()), 10_000);
            } catch (IOException e) {
                String message = service.getScheme() + " at " + service.getHost() + ":" + service.getPort()
                        + " does not answer (start it, or set OPAQUE_POP_TEST_DB_URL / OPAQUE_POP_TEST_REDIS_URL)";
                if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                    fail(message + "; CI=true, so this test must run");
                }
                assumeTrue(false, message);
            }
        }
    }
}
