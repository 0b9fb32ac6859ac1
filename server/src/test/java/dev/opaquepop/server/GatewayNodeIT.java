package dev.opaquepop.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opaquepop.testfixtures.FreePort;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Node upstream of docs/gateway.md, run as the doc shows it: the {@code js} block that starts with {@code //
 * upstream.mjs} is cut out of the doc (so the doc and what is tested cannot drift), {@code jose} is installed with
 * {@code npm ci} from {@code src/test/node-upstream/package-lock.json}, and the script verifies the gateway's
 * assertions. Needs node and npm (skipped without them, failed with {@code CI=true}).
 */
class GatewayNodeIT {
    static final Path DOC = Path.of("..", "docs", "gateway.md").toAbsolutePath().normalize();
    private static final Path PACKAGE = Path.of("src", "test", "node-upstream").toAbsolutePath();
    private static final Path WORK = Path.of("target", "node-upstream").toAbsolutePath();
    private static final byte[] PASSWORD = "correct horse battery staple".getBytes(UTF_8);

    @TempDir
    Path data;

    private BrowserTools.Peer node;
    private TestServer gateway;

    /** The Node snippet of docs/gateway.md, exactly as printed there. */
    static String snippet() throws Exception {
        String doc = Files.readString(DOC, UTF_8);
        int start = doc.indexOf("```js\n// upstream.mjs");
        assertThat(start)
                .as("docs/gateway.md has a js block starting with // upstream.mjs")
                .isNotNegative();
        int end = doc.indexOf("\n```\n", start);
        return doc.substring(start + "```js\n".length(), end + 1);
    }

    @BeforeEach
    void start() throws Exception {
        BrowserTools.requireNodeAndNpm();
        Files.createDirectories(WORK);
        for (String file : List.of("package.json", "package-lock.json")) {
            Files.copy(PACKAGE.resolve(file), WORK.resolve(file), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        Files.writeString(WORK.resolve("upstream.mjs"), snippet(), UTF_8);
        // The snippet fetches the key set at its first request, from the port the gateway is then started on.
        int gatewayPort = FreePort.pick();
        node = BrowserTools.Peer.start(
                WORK,
                Map.of("GATEWAY", "http://127.0.0.1:" + gatewayPort, "PORT", Integer.toString(FreePort.pick())),
                "node-upstream",
                List.of("node", "upstream.mjs"));
        gateway = TestServer.start(data, b -> b.port(gatewayPort).upstream(node.url()));
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (node != null) {
            node.close();
        }
    }

    @Test
    void nodeUpstream_fromTheDoc_verifiesTheAssertion_withJose() throws Exception {
        Requests.register(gateway.uri(), "alice", PASSWORD);
        Requests.LoggedIn alice = Requests.login(gateway.uri(), gateway.uri(), "alice", PASSWORD);

        HttpResponse<String> get = Requests.signed(gateway.uri(), alice, "GET", "/hello?lang=en", "");
        assertThat(get.statusCode()).as(get.body()).isEqualTo(200);
        assertThat(Requests.json(get).path("hello").asText()).isEqualTo("alice");
        HttpResponse<String> post = Requests.signed(gateway.uri(), alice, "POST", "/notes", "{\"n\":1}");
        assertThat(post.statusCode()).as(post.body()).isEqualTo(200);
        assertThat(Requests.json(post).path("hello").asText()).isEqualTo("alice");

        // Unsigned through the gateway: the gateway's own problem+json.
        JsonNode unsigned = Requests.json(Requests.get(gateway.uri(), "/hello"));
        assertThat(unsigned.path("code").asText()).isEqualTo("missing_credentials");

        // Straight to the upstream, past the gateway: a forged user header, or an unsigned token, gets 401.
        URI upstream = URI.create(node.url());
        String unsignedToken = b64("{\"alg\":\"none\"}") + "."
                + b64("{\"iss\":\"opaque-pop-gateway\",\"aud\":\"" + node.url()
                        + "\",\"sub\":\"alice\",\"htm\":\"GET\",\"htu\":\"/hello\",\"iat\":1,\"exp\":4102444800,"
                        + "\"jti\":\"x\"}")
                + ".";
        try (HttpClient http = HttpClient.newHttpClient()) {
            for (Map.Entry<String, String> forged : List.of(
                    Map.entry("X-Forwarded-User", "alice"), Map.entry("X-Opaque-Pop-Assertion", unsignedToken))) {
                HttpResponse<String> direct = http.send(
                        HttpRequest.newBuilder(upstream.resolve("/hello"))
                                .header(forged.getKey(), forged.getValue())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(direct.statusCode()).as(forged.getKey()).isEqualTo(401);
            }
        }
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(UTF_8));
    }
}
