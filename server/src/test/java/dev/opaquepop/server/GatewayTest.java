package dev.opaquepop.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.opaquepop.client.ClientSession;
import dev.opaquepop.client.OpaquePopClient;
import dev.opaquepop.client.OpaquePopClientException;
import dev.opaquepop.pop.PopSigner;
import dev.opaquepop.pop.SignedRequest;
import dev.opaquepop.testfixtures.FreePort;
import dev.opaquepop.testfixtures.RawHttp;
import dev.opaquepop.testfixtures.SelfSignedKeystore;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway ({@code --upstream}) between real HTTP clients and a real upstream server that records what reaches
 * it: signed calls arrive with the user and a valid assertion and without PoP credentials; every refused request
 * never arrives; bodies cross intact both ways; an upstream down or slow is 502 or 504 while logins go on; and
 * malformed framing never reaches the upstream's connection.
 */
class GatewayTest {
    private static final byte[] PASSWORD = "correct horse battery staple".getBytes(UTF_8);

    @TempDir
    Path data;

    private RecordingUpstream upstream;
    private TestServer gateway;

    @BeforeEach
    void start() throws Exception {
        upstream = new RecordingUpstream();
        gateway = TestServer.start(
                data,
                b -> b.upstream(upstream.uri().toString())
                        .publicPaths("/static/**,/favicon.ico")
                        .upstreamTimeout(Duration.ofSeconds(2))
                        .maxBodyBytes(16 * 1024 * 1024));
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    private Requests.LoggedIn login(String user) throws Exception {
        Requests.register(gateway.uri(), user, PASSWORD);
        return Requests.login(gateway.uri(), gateway.uri(), user, PASSWORD);
    }

    @Test
    void signedCall_arrivesWithUserAndValidAssertion_withoutPopHeaders() throws Exception {
        Requests.LoggedIn alice = login("alice");
        HttpResponse<String> answer =
                Requests.signed(gateway.uri(), alice, "POST", "/orders?id=7&x=%2F", "{\"item\":\"book\"}");

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(answer.body()).contains("\"upstream\":\"ok\"");
        // The upstream's own headers come back, hop-by-hop ones do not; the gateway's API headers are not added.
        assertThat(answer.headers().allValues("Set-Cookie")).containsExactly("a=1", "b=2");
        assertThat(answer.headers().firstValue("X-Upstream-Private")).isEmpty();
        assertThat(answer.headers().firstValue("Content-Security-Policy")).isEmpty();

        assertThat(upstream.received()).hasSize(1);
        RecordingUpstream.Received received = upstream.received().get(0);
        assertThat(received.method()).isEqualTo("POST");
        assertThat(received.target()).isEqualTo("/orders?id=7&x=%2F");
        assertThat(new String(received.body(), UTF_8)).isEqualTo("{\"item\":\"book\"}");
        assertThat(received.headers().get("X-Forwarded-User")).containsExactly("alice");
        assertThat(received.header("X-Forwarded-For")).isEqualTo("127.0.0.1");
        assertThat(received.header("X-Forwarded-Proto")).isEqualTo("http");
        assertThat(received.header("X-Forwarded-Host")).isEqualTo("127.0.0.1:" + gateway.port());
        for (String pop : List.of("Authorization", "X-TS", "X-NONCE", "X-POP")) {
            assertThat(received.headers().containsKey(pop)).as(pop).isFalse();
        }

        JWTClaimsSet claims = verifiedAssertion(received.header("X-Opaque-Pop-Assertion"));
        assertThat(claims.getSubject()).isEqualTo("alice");
        assertThat(claims.getAudience()).containsExactly(upstream.uri().toString());
        assertThat(claims.getIssuer()).isEqualTo("opaque-pop-gateway");
        assertThat(claims.getStringClaim("htm")).isEqualTo("POST");
        assertThat(claims.getStringClaim("htu")).isEqualTo("/orders?id=7&x=%2F");
        assertThat(claims.getJWTID()).hasSize(22);
        Instant issued = claims.getIssueTime().toInstant();
        assertThat(Duration.between(issued, claims.getExpirationTime().toInstant()))
                .isEqualTo(Duration.ofSeconds(60));
        assertThat(issued)
                .isBetween(Instant.now().minusSeconds(60), Instant.now().plusSeconds(1));
    }

    private JWTClaimsSet verifiedAssertion(String assertion) throws Exception {
        return verifiedAssertion(gateway.uri(), assertion);
    }

    /** Verifies the JWS with Nimbus against the key set the gateway serves; fails on any other key or a flip. */
    static JWTClaimsSet verifiedAssertion(URI gateway, String assertion) throws Exception {
        HttpResponse<String> jwks = Requests.get(gateway, "/.well-known/jwks.json");
        assertThat(jwks.statusCode()).isEqualTo(200);
        assertThat(jwks.body()).doesNotContain("\"d\"");
        OctetKeyPair key = (OctetKeyPair) JWKSet.parse(jwks.body()).getKeys().get(0);
        SignedJWT jwt = SignedJWT.parse(assertion);
        assertThat(jwt.getHeader().getKeyID()).isEqualTo(key.getKeyID());
        assertThat(jwt.verify(new Ed25519Verifier(key))).isTrue();
        // The same assertion with one claim changed does not verify.
        String[] parts = assertion.split("\\.", -1);
        String flipped = parts[0] + "." + parts[1].substring(0, parts[1].length() - 2)
                + (parts[1].endsWith("A") ? "B" : "A") + parts[1].charAt(parts[1].length() - 1) + "." + parts[2];
        assertThat(SignedJWT.parse(flipped).verify(new Ed25519Verifier(key))).isFalse();
        return jwt.getJWTClaimsSet();
    }

    @Test
    void attacks_neverReachTheUpstream() throws Exception {
        Requests.LoggedIn alice = login("alice");
        Requests.LoggedIn other = Requests.login(gateway.uri(), gateway.uri(), "alice", PASSWORD);
        String body = "{\"to\":\"mallory\",\"amount\":\"100.00\"}";

        // Unsigned.
        Requests.assertProblem(Requests.postJson(gateway.uri(), "/transfer", body), 401, "missing_credentials");
        // Replay: the first copy arrives, the second does not.
        SignedRequest signed = Requests.sign(alice, "POST", "/transfer", body);
        assertThat(Requests.send(gateway.uri(), signed, "POST", "/transfer", body)
                        .statusCode())
                .isEqualTo(200);
        Requests.assertProblem(Requests.send(gateway.uri(), signed, "POST", "/transfer", body), 401, "replayed_nonce");
        // Tampered body.
        SignedRequest forBody = Requests.sign(alice, "POST", "/transfer", body);
        Requests.assertProblem(
                Requests.send(gateway.uri(), forBody, "POST", "/transfer", body.replace("100", "900")),
                401,
                "invalid_signature");
        // Stolen session id: signed with another session's key.
        Requests.assertProblem(
                Requests.signed(
                        gateway.uri(), new Requests.LoggedIn(alice.sessionId(), other.popKey()), "GET", "/me", ""),
                401,
                "invalid_signature");
        // Stale: signed five minutes ago.
        SignedRequest stale = new PopSigner(Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-5)), Requests.RANDOM)
                .sign(alice.sessionId(), alice.popKey(), "GET", "/me", new byte[0]);
        Requests.assertProblem(Requests.send(gateway.uri(), stale, "GET", "/me", ""), 401, "stale_timestamp");
        // A public-looking path that is not one.
        Requests.assertProblem(Requests.get(gateway.uri(), "/staticfiles/x.js"), 401, "missing_credentials");
        // A signed GET asking the upstream to run it as a DELETE (frameworks honour X-HTTP-Method-Override).
        HttpRequest.Builder override =
                HttpRequest.newBuilder(gateway.uri().resolve("/me")).header("X-HTTP-Method-Override", "DELETE");
        Requests.sign(alice, "GET", "/me", "").headers().forEach(override::header);
        Requests.assertProblem(
                HttpClient.newHttpClient().send(override.build(), HttpResponse.BodyHandlers.ofString()),
                400,
                "method_override");

        assertThat(upstream.targets()).containsExactly("/transfer");
    }

    @Test
    void clientSentIdentityHeaders_areReplaced() throws Exception {
        Requests.LoggedIn alice = login("alice");
        SignedRequest signed = Requests.sign(alice, "GET", "/me", "");
        StringBuilder request = new StringBuilder("GET /me HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for (String line : List.of(
                "X-Forwarded-User: admin",
                "X-Opaque-Pop-Assertion: forged",
                "X-Forwarded-For: 10.9.9.9",
                "Forwarded: for=10.9.9.9",
                "Connection: X-Secret-Hop",
                "X-Secret-Hop: not for upstream",
                "X-Custom: kept")) {
            request.append(line).append("\r\n");
        }
        signed.headers()
                .forEach((name, value) ->
                        request.append(name).append(": ").append(value).append("\r\n"));
        try (RawHttp raw = new RawHttp(gateway.port())) {
            raw.send(request.append("\r\n").toString());
            RawHttp.Response answer = raw.read();
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        }

        RecordingUpstream.Received received = upstream.received().get(0);
        assertThat(received.headers().get("X-Forwarded-User")).containsExactly("alice");
        assertThat(received.headers().get("X-Opaque-Pop-Assertion")).hasSize(1);
        assertThat(verifiedAssertion(received.header("X-Opaque-Pop-Assertion")).getSubject())
                .isEqualTo("alice");
        assertThat(received.headers().get("X-Forwarded-For")).containsExactly("127.0.0.1");
        assertThat(received.headers().containsKey("Forwarded")).isFalse();
        assertThat(received.headers().containsKey("X-secret-hop")).isFalse();
        assertThat(received.header("X-Custom")).isEqualTo("kept");
    }

    @Test
    void publicPaths_goWithoutIdentity_localPathsStayLocal() throws Exception {
        HttpResponse<String> asset = Requests.get(gateway.uri(), "/static/app.js?v=2");
        assertThat(asset.statusCode()).isEqualTo(200);
        RecordingUpstream.Received received = upstream.received().get(0);
        assertThat(received.target()).isEqualTo("/static/app.js?v=2");
        assertThat(received.headers().containsKey("X-Forwarded-User")).isFalse();
        assertThat(received.headers().containsKey("X-Opaque-Pop-Assertion")).isFalse();
        // Jetty refuses encoded dot segments, so no public prefix can be walked out of.
        assertThat(Requests.get(gateway.uri(), "/static/%2e%2e/secret").statusCode())
                .isEqualTo(400);

        // The protocol's endpoints, health and metrics are the gateway's own.
        Requests.LoggedIn alice = login("alice");
        assertThat(Requests.signed(gateway.uri(), alice, "GET", "/api/sessions", "")
                        .statusCode())
                .isEqualTo(200);
        assertThat(Requests.get(gateway.uri(), "/healthz").statusCode()).isEqualTo(200);
        assertThat(Requests.get(gateway.uri(), "/metrics").body()).contains("route=\"upstream\"");
        assertThat(upstream.targets()).containsExactly("/static/app.js?v=2");
    }

    @Test
    void largeBodies_crossIntactBothWays_throughTheSdk() throws Exception {
        try (OpaquePopClient client = OpaquePopClient.builder(gateway.uri())
                .ksfPolicy(TestServer.CLIENT_POLICY)
                .build()) {
            client.register("alice", PASSWORD);
            ClientSession session = client.login("alice", PASSWORD);
            byte[] upload = new byte[10 * 1024 * 1024];
            Requests.RANDOM.nextBytes(upload);
            HttpResponse<byte[]> sent = client.send(session, "PUT", "/upload", upload);
            assertThat(sent.statusCode()).isEqualTo(200);
            byte[] arrived = upstream.received().get(0).body();
            assertThat(MessageDigest.isEqual(arrived, upload)).isTrue();

            HttpResponse<byte[]> big = client.send(session, "GET", "/big", null);
            assertThat(big.statusCode()).isEqualTo(200);
            assertThat(Arrays.equals(big.body(), RecordingUpstream.bigAnswer())).isTrue();
            assertThat(big.headers().firstValueAsLong("Content-Length")).hasValue(RecordingUpstream.BIG_ANSWER_BYTES);
        }
    }

    @Test
    void clientHangingUpMidAnswer_releasesTheUpstreamConnectionAtOnce() throws Exception {
        // Only closing the exchange can release the connection before the wait below ends.
        restartWithPatientGateway();
        Requests.LoggedIn alice = login("alice");
        try (Socket client = signedRawGet(alice, "/endless")) {
            InputStream in = client.getInputStream();
            byte[] buffer = new byte[64 * 1024];
            long read = 0;
            while (read < 1024 * 1024) {
                int n = in.read(buffer);
                assertThat(n).as("the answer streams").isPositive();
                read += n;
            }
            // A reset, not a polite close: the client is gone.
            client.setSoLinger(true, 0);
        }
        // The gateway closes its side of the exchange: the upstream's next write fails instead of blocking for good.
        long sent = upstream.abandoned().get(30, TimeUnit.SECONDS);
        assertThat(sent).isGreaterThan(1024 * 1024);
        assertThat(Requests.signed(gateway.uri(), alice, "GET", "/after", "").statusCode())
                .isEqualTo(200);
    }

    @Test
    void overHttp2_answersCrossWhole_andOneCutShortIsAResetStream(@TempDir Path tls) throws Exception {
        SelfSignedKeystore keys = SelfSignedKeystore.create(tls);
        restartGateway(b -> b.upstream(upstream.uri().toString())
                .upstreamTimeout(Duration.ofSeconds(2))
                .tlsKeystore(keys.keystore())
                .tlsKeystorePassword(keys.password()));
        HttpClient http2 = HttpClient.newBuilder()
                .sslContext(keys.clientContext())
                .version(HttpClient.Version.HTTP_2)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        try (OpaquePopClient client = OpaquePopClient.builder(URI.create("https://localhost:" + gateway.port()))
                .httpClient(http2)
                .requestTimeout(Duration.ofSeconds(25))
                .ksfPolicy(TestServer.CLIENT_POLICY)
                .build()) {
            client.register("alice", PASSWORD);
            ClientSession session = client.login("alice", PASSWORD);
            HttpResponse<byte[]> big = client.send(session, "GET", "/big", null);
            assertThat(big.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(Arrays.equals(big.body(), RecordingUpstream.bigAnswer())).isTrue();
            // Ten bytes of a promised thousand, then silence: the stream is reset after the upstream timeout, long
            // before the client's own request timeout (which would end it with an HttpTimeoutException instead).
            assertThatThrownBy(() -> client.send(session, "GET", "/stall", null))
                    .isInstanceOf(OpaquePopClientException.class)
                    .satisfies(e -> assertThat(causes(e)).noneMatch(HttpTimeoutException.class::isInstance));
            assertThat(client.send(session, "GET", "/after", null).statusCode()).isEqualTo(200);
        }
    }

    private static List<Throwable> causes(Throwable e) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = e; t != null && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }

    @Test
    void head_isAnsweredWithoutABody_andTheConnectionGoesOn() throws Exception {
        Requests.LoggedIn alice = login("alice");
        try (Socket client = signedRaw(alice, "HEAD", "/big")) {
            InputStream in = client.getInputStream();
            RawHttp.Response head = RawHttp.read(in, true);
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.body()).isEmpty();
            // The same connection carries the next request: the HEAD answer ended where its head did.
            sendSigned(client, alice, "GET", "/after");
            assertThat(RawHttp.read(in, false).status()).isEqualTo(200);
        }
        assertThat(upstream.received().get(0).method()).isEqualTo("HEAD");
    }

    @Test
    void eventStreams_reachTheClientAsTheUpstreamSendsThem() throws Exception {
        restartWithPatientGateway();
        Requests.LoggedIn alice = login("alice");
        try (Socket client = signedRawGet(alice, "/events")) {
            InputStream in = client.getInputStream();
            StringBuilder seen = new StringBuilder();
            // The first event arrives while the upstream still holds the stream open (a buffering gateway would
            // hold it back until the end, and this read would time out after 30 s).
            while (!seen.toString().contains("data: one\n\n")) {
                int b = in.read();
                assertThat(b).as("the stream goes on").isNotNegative();
                seen.append((char) b);
            }
            assertThat(seen.toString()).startsWith("HTTP/1.1 200").doesNotContain("data: two");
            upstream.sendMoreEvents();
            while (!seen.toString().endsWith("\r\n0\r\n\r\n")) {
                int b = in.read();
                assertThat(b).as("the stream ends with its last chunk").isNotNegative();
                seen.append((char) b);
            }
            assertThat(seen.toString()).contains("data: two\n\n").contains("Content-Type: text/event-stream");
        }
    }

    @Test
    void upstreamStallingMidAnswer_isCutOffAfterTheUpstreamTimeout() throws Exception {
        Requests.LoggedIn alice = login("alice");
        try (Socket client = signedRawGet(alice, "/stall")) {
            String answer = new String(client.getInputStream().readAllBytes(), UTF_8);
            // The head, with the length the upstream announced, and the ten bytes it sent; then the connection closes
            // short of the 1000 promised, so the answer cannot pass for complete, and the client is not kept waiting
            // for the rest (its own read timeout, 30 s, would fail this test first).
            assertThat(answer).startsWith("HTTP/1.1 200").contains("\r\nContent-Length: 1000\r\n");
            assertThat(answer).endsWith("\r\n\r\n0123456789");
        }
        assertThat(Requests.signed(gateway.uri(), alice, "GET", "/after", "").statusCode())
                .isEqualTo(200);
    }

    /** A gateway whose upstream timeout (10 min) no test waits for: what happens sooner is not the timeout's doing. */
    private void restartWithPatientGateway() throws IOException {
        restartGateway(b -> b.upstream(upstream.uri().toString()).upstreamTimeout(Duration.ofMinutes(10)));
    }

    /** Replaces the gateway of {@link #start} by one with {@code options}, on the same data directory. */
    private void restartGateway(Consumer<ServerConfig.Builder> options) throws IOException {
        gateway.close();
        gateway = TestServer.start(data, options);
    }

    /** Sends a signed GET on a raw connection, for tests that must read or drop the answer byte by byte. */
    private Socket signedRawGet(Requests.LoggedIn session, String target) throws Exception {
        return signedRaw(session, "GET", target);
    }

    private Socket signedRaw(Requests.LoggedIn session, String method, String target) throws Exception {
        Socket client = new Socket(InetAddress.getLoopbackAddress(), gateway.port());
        client.setSoTimeout(30_000);
        sendSigned(client, session, method, target);
        return client;
    }

    private static void sendSigned(Socket client, Requests.LoggedIn session, String method, String target)
            throws Exception {
        SignedRequest signed = Requests.sign(session, method, target, "");
        StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        signed.headers()
                .forEach((name, value) ->
                        head.append(name).append(": ").append(value).append("\r\n"));
        client.getOutputStream().write(head.append("\r\n").toString().getBytes(UTF_8));
        client.getOutputStream().flush();
    }

    @Test
    void slowUpstream_is504_downUpstream_is502_andLoginsGoOn() throws Exception {
        Requests.LoggedIn alice = login("alice");
        Requests.assertProblem(Requests.signed(gateway.uri(), alice, "GET", "/slow", ""), 504, "upstream_timeout");
        assertThat(Requests.get(gateway.uri(), "/metrics").body())
                .contains("opaque_pop_gateway_upstream_failures_total{reason=\"timeout\"} 1.0");

        int closedPort = FreePort.pick();
        restartGateway(b -> b.upstream("http://127.0.0.1:" + closedPort));
        Requests.LoggedIn again = Requests.login(gateway.uri(), gateway.uri(), "alice", PASSWORD);
        HttpResponse<String> down = Requests.signed(gateway.uri(), again, "GET", "/anything", "");
        Requests.assertProblem(down, 502, "upstream_unreachable");
        assertThat(Requests.get(gateway.uri(), "/metrics").body())
                .contains("opaque_pop_gateway_upstream_failures_total{reason=\"unreachable\"} 1.0");
        // The gateway's own endpoints do not depend on the upstream.
        assertThat(Requests.login(gateway.uri(), gateway.uri(), "alice", PASSWORD)
                        .sessionId())
                .hasSize(43);
    }

    @Test
    void smugglingAttempts_areRefused_andTheUpstreamSeesOnlyWhatWasSigned() throws Exception {
        Requests.LoggedIn alice = login("alice");
        String smuggled = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
        Map<String, String> attempts = Map.of(
                "both lengths",
                "POST /public-not HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "0\r\n\r\n" + smuggled,
                "duplicate length",
                "POST /static/x HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nContent-Length: 40\r\n\r\n" + smuggled,
                "obs-fold",
                "GET /static/x HTTP/1.1\r\nHost: a\r\nX-Folded: a\r\n b\r\n\r\n" + smuggled,
                "chunked public body",
                "POST /static/x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
        for (Map.Entry<String, String> attempt : attempts.entrySet()) {
            try (RawHttp raw = new RawHttp(gateway.port())) {
                raw.send(attempt.getValue());
                RawHttp.Response response = raw.read();
                if (attempt.getKey().equals("chunked public body")) {
                    assertThat(response.status()).as(attempt.getKey()).isEqualTo(200);
                } else {
                    assertThat(response.status()).as(attempt.getKey()).isEqualTo(400);
                }
            }
        }
        // Signed calls after them arrive whole and in order, on the pooled upstream connection.
        for (int i = 0; i < 3; i++) {
            assertThat(Requests.signed(gateway.uri(), alice, "POST", "/after/" + i, "{\"n\":" + i + "}")
                            .statusCode())
                    .isEqualTo(200);
        }
        assertThat(upstream.targets()).containsExactly("/static/x", "/after/0", "/after/1", "/after/2");
        RecordingUpstream.Received chunked = upstream.received().get(0);
        assertThat(new String(chunked.body(), UTF_8)).isEqualTo("abc");
        assertThat(chunked.header("Content-Length")).isEqualTo("3");
        assertThat(chunked.headers().containsKey("Transfer-Encoding")).isFalse();
        assertThat(new String(upstream.received().get(3).body(), UTF_8)).isEqualTo("{\"n\":2}");
    }
}
