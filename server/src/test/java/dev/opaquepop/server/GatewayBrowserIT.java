package dev.opaquepop.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.opaquepop.opaque.Argon2idKsf;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The browser package in headless Chromium through the gateway (docs/gateway.md, "the browser client through the
 * gateway"): the upstream serves js's page on public paths, so page and API share the gateway's origin; the page
 * registers and logs in with the gateway, and its signed {@code fetch} reaches the upstream with the user and a
 * valid assertion, while a replay and an unsigned call do not ({@code js/test/e2e/gateway.e2e.test.mjs}). Needs
 * node, npm and Chromium, as {@link BrowserIT}.
 */
class GatewayBrowserIT {
    @TempDir
    Path data;

    @BeforeEach
    void requireTools() {
        BrowserTools.requireNodeAndChromium();
    }

    @Test
    void signedFetch_fromChromium_reachesTheUpstreamThroughTheGateway() throws Exception {
        try (RecordingUpstream upstream = new RecordingUpstream(BrowserTools.JS.resolve("dist/web"));
                // The protocol's own Argon2id: the page accepts nothing cheaper.
                TestServer gateway = TestServer.start(
                        data,
                        b -> b.clientKsf(Argon2idKsf.DEFAULT)
                                .upstream(upstream.uri().toString())
                                .publicPaths("/,/web/*"))) {
            BrowserTools.run(
                    "e2e-gateway",
                    BrowserTools.JS,
                    Map.of(
                            "OPAQUE_POP_GATEWAY_URL", gateway.uri().toString(),
                            "OPAQUE_POP_USER", "dana",
                            "OPAQUE_POP_E2E_ARTIFACTS", BrowserTools.ARTIFACTS.toString()),
                    List.of("node", "--test", "--test-concurrency=1", "test/e2e/gateway.e2e.test.mjs"));

            List<RecordingUpstream.Received> calls = upstream.received().stream()
                    .filter(received -> received.target().startsWith("/notes"))
                    .toList();
            // The POST and the GET; not the replayed POST, not the unsigned GET.
            assertThat(calls)
                    .extracting(RecordingUpstream.Received::target)
                    .containsExactly("/notes?from=browser", "/notes");
            assertThat(new String(calls.get(0).body(), UTF_8)).isEqualTo("{\"note\":\"hello\"}");
            for (RecordingUpstream.Received call : calls) {
                assertThat(call.headers().get("X-Forwarded-User")).containsExactly("dana");
                assertThat(call.headers().containsKey("Authorization")).isFalse();
                JWTClaimsSet claims =
                        GatewayTest.verifiedAssertion(gateway.uri(), call.header("X-Opaque-Pop-Assertion"));
                assertThat(claims.getSubject()).isEqualTo("dana");
                assertThat(claims.getStringClaim("htm")).isEqualTo(call.method());
                assertThat(claims.getStringClaim("htu")).isEqualTo(call.target());
            }
            // The page's own requests were public: forwarded, without identity.
            RecordingUpstream.Received page = upstream.received().get(0);
            assertThat(page.target()).isEqualTo("/");
            assertThat(page.headers().containsKey("X-Forwarded-User")).isFalse();
        }
    }
}
