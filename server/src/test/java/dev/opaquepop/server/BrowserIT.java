package dev.opaquepop.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opaquepop.opaque.Argon2idKsf;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The browser package of {@code js/} (docs/browser.md): its unit tests, then headless Chromium end to end against
 * this server with the web page on, and against the opaque-ke peer server. Screenshots of every page state and
 * the logs are kept in {@code server/target/browser-e2e}. Needs node, npm and Chromium; without them skipped, or
 * failed with {@code CI=true}.
 */
class BrowserIT {
    @TempDir
    Path data;

    @BeforeEach
    void requireTools() {
        BrowserTools.requireNodeAndChromium();
    }

    @Test
    void unitTests_pass() throws Exception {
        BrowserTools.run("unit", BrowserTools.JS, Map.of(), List.of("npm", "test"));
    }

    @Test
    void chromium_withThisServer() throws Exception {
        // The protocol's own Argon2id, the client's floor: the page accepts nothing cheaper.
        try (TestServer server =
                TestServer.start(data, b -> b.clientKsf(Argon2idKsf.DEFAULT).web(true))) {
            BrowserTools.run(
                    "e2e-server",
                    BrowserTools.JS,
                    Map.of("OPAQUE_POP_URL", server.uri().toString(), "OPAQUE_POP_E2E_ARTIFACTS", artifacts()),
                    List.of("node", "--test", "--test-concurrency=1", "test/e2e/server.e2e.test.mjs"));
        }
    }

    @Test
    void chromium_withTheOpaqueKePeerServer() throws Exception {
        try (BrowserTools.Peer peer = BrowserTools.Peer.start()) {
            BrowserTools.run(
                    "e2e-peer",
                    BrowserTools.JS,
                    Map.of("OPAQUE_POP_PEER_URL", peer.url(), "OPAQUE_POP_E2E_ARTIFACTS", artifacts()),
                    List.of("node", "--test", "--test-concurrency=1", "test/e2e/peer.e2e.test.mjs"));
        }
    }

    @Test
    void thePage_isServedOnlyWithWebOn_underItsCsp() throws Exception {
        try (HttpClient http = HttpClient.newHttpClient();
                TestServer off = TestServer.start(data.resolve("off"));
                TestServer on = TestServer.start(data.resolve("on"), b -> b.web(true))) {
            HttpResponse<String> none = get(http, off.uri("/"));
            assertThat(none.statusCode()).isEqualTo(404);
            assertThat(get(http, off.uri("/web/app.js")).statusCode()).isEqualTo(404);

            HttpResponse<String> page = get(http, on.uri("/"));
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("<script type=\"module\" src=\"/web/app.js\"></script>");
            assertThat(page.headers().firstValue("Content-Security-Policy"))
                    .contains("default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self';"
                            + " connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none';"
                            + " frame-ancestors 'none'");
            assertThat(page.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
            assertThat(get(http, on.uri("/web/app.js")).headers().firstValue("Content-Type"))
                    .hasValueSatisfying(type -> assertThat(type).startsWith("text/javascript"));
            assertThat(get(http, on.uri("/web/other.js")).statusCode()).isEqualTo(404);
            // The API keeps its own, stricter policy.
            assertThat(get(http, on.uri("/.well-known/opaque-pop")).headers().firstValue("Content-Security-Policy"))
                    .contains("default-src 'none'; frame-ancestors 'none'");
        }
    }

    private static HttpResponse<String> get(HttpClient http, URI uri) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String artifacts() {
        return BrowserTools.ARTIFACTS.toString();
    }
}
