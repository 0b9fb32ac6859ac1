package dev.opaquepop.fuzz;

import dev.opaquepop.client.ClientSession;
import dev.opaquepop.client.KsfPolicy;
import dev.opaquepop.client.OpaquePopClient;
import dev.opaquepop.client.OpaquePopClientException;
import dev.opaquepop.opaque.Argon2idKsf;
import dev.opaquepop.server.ServerConfig;
import dev.opaquepop.server.http.OpaquePopServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The real server, embedded (SQLite in a temporary directory, sessions in memory), started once per JVM on a
 * free loopback port, with a registered user whose live session the harness signs requests with.
 */
final class InProcessServer {
    static final String USER = "fuzz-user";
    private static final byte[] PASSWORD = "pw-fuzz-harness".getBytes(StandardCharsets.UTF_8);
    private static InProcessServer instance;

    private final OpaquePopServer server;
    private final Duration idleTimeout;
    private final OpaquePopClient client;
    private ClientSession session;

    private InProcessServer(OpaquePopServer server, Duration idleTimeout, OpaquePopClient client) {
        this.server = server;
        this.idleTimeout = idleTimeout;
        this.client = client;
    }

    static synchronized InProcessServer get() {
        if (instance == null) {
            instance = start();
        }
        return instance;
    }

    private static InProcessServer start() {
        try {
            Path data = Files.createTempDirectory("opaque-pop-fuzz");
            ServerConfig config = ServerConfig.builder()
                    .port(0)
                    .dataDirectory(data.resolve("data"))
                    // Cheap for the harness's own logins; the server never runs the KSF itself.
                    .clientKsf(Argon2idKsf.of(1024, 1, 1))
                    // One keep-alive connection carries every input: a per-connection limit would answer
                    // nearly all of them 429 and leave the handlers unexercised.
                    .connectionRequestRate(0)
                    .build();
            OpaquePopServer server = OpaquePopServer.start(config);
            OpaquePopClient client = OpaquePopClient.builder(URI.create("http://127.0.0.1:" + server.port()))
                    // Far beyond a login's milliseconds: a stalled host must not turn the harness's own
                    // re-login into a finding (see KeptAliveConnection); a hung server still fails it.
                    .requestTimeout(Duration.ofMinutes(3))
                    // The server above advertises a KSF far below the SDK's floor, on purpose.
                    .ksfPolicy(KsfPolicy.insecureFloor(1024, 1))
                    .build();
            InProcessServer harness = new InProcessServer(server, config.idleTimeout(), client);
            client.register(USER, PASSWORD);
            harness.login();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                client.close();
                server.close();
                deleteRecursively(data);
            }));
            return harness;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (OpaquePopClientException e) {
            throw new IllegalStateException("the harness could not register and log in: " + e.getMessage(), e);
        }
    }

    int port() {
        return server.port();
    }

    /** A keep-alive connection to the server that knows the server's idle timeout. */
    KeptAliveConnection connect(int timeoutMillis) {
        return new KeptAliveConnection(
                server.port(), timeoutMillis, idleTimeout, System::nanoTime, Pauses.ofThisProcess());
    }

    synchronized ClientSession session() {
        return session;
    }

    /** A fresh session, after a fuzzed request ended the previous one. */
    synchronized void login() throws OpaquePopClientException {
        session = client.login(USER, PASSWORD);
    }

    private static void deleteRecursively(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // best effort at JVM exit
        }
    }
}
