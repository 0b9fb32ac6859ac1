package dev.opaquepop.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.opaquepop.client.KsfPolicy;
import dev.opaquepop.client.OpaquePopClient;
import dev.opaquepop.opaque.Argon2idKsf;
import dev.opaquepop.server.ServerConfig;
import dev.opaquepop.server.http.OpaquePopServer;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code opaque-pop call} through a gateway ({@code --upstream}) to an upstream that greets the forwarded user. */
class GatewayCallTest {
    private static final byte[] PASSWORD = "correct horse battery staple".getBytes(UTF_8);

    @TempDir
    Path directory;

    private HttpServer upstream;
    private final AtomicInteger reached = new AtomicInteger();
    private OpaquePopServer gateway;

    @BeforeEach
    void start() throws Exception {
        upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        upstream.createContext("/", exchange -> {
            reached.incrementAndGet();
            String user = exchange.getRequestHeaders().getFirst("X-Forwarded-User");
            byte[] answer = ("{\"hello\":\"" + user + "\"}").getBytes(UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        upstream.start();
        gateway = OpaquePopServer.start(ServerConfig.builder()
                .port(0)
                .dataDirectory(directory.resolve("data"))
                .clientKsf(Argon2idKsf.of(1024, 1, 1))
                .upstream("http://127.0.0.1:" + upstream.getAddress().getPort())
                .build());
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (upstream != null) {
            upstream.stop(0);
        }
    }

    @Test
    void call_isSignedByTheCli_verifiedByTheGateway_answeredByTheUpstream() throws Exception {
        URI server = URI.create("http://127.0.0.1:" + gateway.port());
        Path sessionFile = directory.resolve("session.json");
        try (OpaquePopClient client = OpaquePopClient.builder(server)
                .ksfPolicy(KsfPolicy.insecureFloor(1024, 1))
                .build()) {
            client.register("alice", PASSWORD);
            client.login("alice", PASSWORD).save(sessionFile);
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.commandLine()
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(
                        "call",
                        "GET",
                        "/hello?x=1",
                        "--session-file",
                        sessionFile.toString(),
                        "--server",
                        server.toString(),
                        "--insecure-allow-weak-ksf");

        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString()).contains("{\"hello\":\"alice\"}");
        assertThat(reached.get()).isEqualTo(1);
    }
}
