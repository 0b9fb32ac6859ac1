package dev.opaquepop.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opaquepop.opaque.Argon2idKsf;
import dev.opaquepop.opaque.Ksf;
import dev.opaquepop.pop.PopKey;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client against the in-process {@link FakeServer}: real OPAQUE, real PoP verification. */
class OpaquePopClientTest {
    private static final byte[] PASSWORD = "correct horse battery staple".getBytes(UTF_8);
    /** The fake server advertises a cheap Argon2id so that tests spend their time on the protocol. */
    static final KsfPolicy CHEAP = KsfPolicy.insecureFloor(FakeServer.MEMORY_KIB, 1);

    private FakeServer server;
    private OpaquePopClient client;

    @BeforeEach
    void start() throws IOException {
        server = new FakeServer();
        client = OpaquePopClient.builder(server.uri()).ksfPolicy(CHEAP).build();
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    @Test
    void signedGet_sentTwiceByTheHttpClient_isSignedAgainAndSucceeds() throws Exception {
        client.register("alice", PASSWORD);
        ClientSession session = client.login("alice", PASSWORD);
        me(session); // leaves a pooled keep-alive connection for the next request
        server.dropAnswers.set(1);

        assertThat(me(session)).isEqualTo("alice");
        // The JDK resent the unanswered GET as it was, the server refused that copy, the client signed anew.
        assertThat(server.replayedNonces.get()).isEqualTo(1);
        assertThat(client.resentAfterReplayedNonce()).isEqualTo(1);
    }

    @Test
    void signedPost_leftUnanswered_isNotResent() throws Exception {
        client.register("alice", PASSWORD);
        ClientSession session = client.login("alice", PASSWORD);
        me(session);
        server.dropAnswers.set(1);

        assertThatThrownBy(() -> client.call(session, "POST", "/api/transfer", transfer("bob", "1.00")))
                .isInstanceOfSatisfying(
                        OpaquePopClientException.class,
                        e -> assertThat(e.code()).isEqualTo(OpaquePopClientException.NETWORK_ERROR));
        // Booked once, by the unanswered request; the caller lists transfers before trying again.
        assertThat(json(client.call(session, "GET", "/api/transfers", null)).get("transfers"))
                .hasSize(1);
        assertThat(server.replayedNonces.get()).isZero();
        assertThat(client.resentAfterReplayedNonce()).isZero();
    }

    @Test
    void serverInfo_readsTheWellKnownDocument() throws Exception {
        ServerInfo info = client.serverInfo();
        assertThat(info.serverPublicKey()).isEqualTo(server.serverPublicKey());
        assertThat(info.ksf()).isEqualTo(Argon2idKsf.of(FakeServer.MEMORY_KIB, 1, 1));
        assertThat(info.context()).isEmpty();
        assertThat(info.popWindow()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void registerLoginAndCall() throws Exception {
        client.register("alice", PASSWORD);
        ClientSession session = client.login("alice", PASSWORD);
        assertThat(session.username()).isEqualTo("alice");
        assertThat(session.sessionId()).hasSize(43);
        assertThat(session.server()).isEqualTo(server.uri());
        assertThat(session.expiresAt()).isAfter(Instant.now());

        JsonNode me = json(client.call(session, "GET", "/api/me", null));
        assertThat(Json.text(me, "username")).isEqualTo("alice");
        assertThat(Json.integer(me, "session_expires_at"))
                .isEqualTo(session.expiresAt().getEpochSecond());

        JsonNode first = json(client.call(session, "POST", "/api/transfer", transfer("bob", "12.50")));
        assertThat(Json.text(first, "from")).isEqualTo("alice");
        assertThat(server.lastContentType).isEqualTo("application/json");
        client.call(session, "POST", "/api/transfer", transfer("carol", "3"));

        JsonNode transfers =
                json(client.call(session, "GET", "/api/transfers", null)).get("transfers");
        assertThat(transfers)
                .extracting(transfer -> transfer.get("to").textValue())
                .containsExactly("bob", "carol");
        assertThat(transfers.get(0).get("transfer_id")).isEqualTo(first.get("transfer_id"));
        assertThat(server.lastContentType).isNull();

        client.logout(session);
        assertThat(server.sessionCount()).isZero();
        assertThatThrownBy(() -> me(session)).isInstanceOfSatisfying(OpaquePopClientException.class, e -> {
            assertThat(e.status()).isEqualTo(401);
            assertThat(e.code()).isEqualTo("unknown_session");
            assertThat(e.title()).hasValue("The session is unknown.");
        });
    }

    @Test
    void register_takenUsername_carriesTheProblem() throws Exception {
        client.register("alice", PASSWORD);
        assertThatThrownBy(() -> client.register("alice", PASSWORD))
                .isInstanceOfSatisfying(OpaquePopClientException.class, e -> {
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.code()).isEqualTo("username_taken");
                    assertThat(e).hasMessage("HTTP 409 username_taken: The username is taken.");
                });
    }

    @Test
    void login_wrongPassword_loginFailed() throws Exception {
        client.register("alice", PASSWORD);
        assertThatThrownBy(() -> client.login("alice", "wrong".getBytes(UTF_8)))
                .isInstanceOfSatisfying(OpaquePopClientException.class, e -> {
                    assertThat(e.code()).isEqualTo("login_failed");
                    assertThat(e.getMessage()).doesNotContain("wrong").doesNotContain("correct");
                });
    }

    @Test
    void login_unknownUser_loginFailedLikeAWrongPassword() {
        assertThatThrownBy(() -> client.login("nobody", PASSWORD))
                .isInstanceOfSatisfying(
                        OpaquePopClientException.class,
                        e -> assertThat(e.code()).isEqualTo("login_failed"));
    }

    @Test
    void login_serverAuthenticatesAnotherKeyThanAdvertised_serverKeyMismatch() throws Exception {
        client.register("alice", PASSWORD);
        byte[] other = server.serverPublicKey();
        other[0] ^= 1;
        server.advertisedKey = other;
        try (OpaquePopClient fresh =
                OpaquePopClient.builder(server.uri()).ksfPolicy(CHEAP).build()) {
            assertThatThrownBy(() -> fresh.login("alice", PASSWORD))
                    .isInstanceOfSatisfying(
                            OpaquePopClientException.class,
                            e -> assertThat(e.code()).isEqualTo("server_key_mismatch"));
            assertThatThrownBy(() -> fresh.register("bob", PASSWORD))
                    .isInstanceOfSatisfying(
                            OpaquePopClientException.class,
                            e -> assertThat(e.code()).isEqualTo("server_key_mismatch"));
        }
        assertThat(server.sessionCount()).isZero();
    }

    @Test
    void ksfOverride_isUsedInsteadOfTheAdvertisedOne() throws Exception {
        List<String> steps = new CopyOnWriteArrayList<>();
        ProgressListener listener = new ProgressListener() {
            @Override
            public void stepStarted(String description) {
                steps.add("start " + description);
            }

            @Override
            public void stepFinished(String description, Duration elapsed) {
                steps.add("end " + description);
            }
        };
        try (OpaquePopClient fast = OpaquePopClient.builder(server.uri())
                .ksfPolicy(CHEAP)
                .ksfOverride(Ksf.identityUnsafeForTestsOnly())
                .progressListener(listener)
                .build()) {
            fast.register("dave", PASSWORD);
            fast.login("dave", PASSWORD);
            // Another KSF gives another randomized password: the advertised one cannot open the envelope.
            assertThatThrownBy(() -> client.login("dave", PASSWORD))
                    .isInstanceOfSatisfying(
                            OpaquePopClientException.class,
                            e -> assertThat(e.code()).isEqualTo("login_failed"));
        }
        assertThat(steps).hasSize(4).allSatisfy(step -> assertThat(step).contains("stretching password ("));
    }

    @Test
    void progressListener_hearsBeforeAndAfterTheArgon2idStep() throws Exception {
        List<String> steps = new CopyOnWriteArrayList<>();
        ProgressListener listener = new ProgressListener() {
            @Override
            public void stepStarted(String description) {
                steps.add("start " + description);
            }

            @Override
            public void stepFinished(String description, Duration elapsed) {
                assertThat(elapsed).isPositive();
                steps.add("end " + description);
            }
        };
        try (OpaquePopClient reporting = OpaquePopClient.builder(server.uri())
                .ksfPolicy(CHEAP)
                .progressListener(listener)
                .build()) {
            reporting.register("erin", PASSWORD);
        }
        assertThat(steps)
                .containsExactly(
                        "start stretching password (Argon2id m=1024 t=1 p=1)",
                        "end stretching password (Argon2id m=1024 t=1 p=1)");
    }

    @Test
    void send_signsTheExactTargetIncludingQueryAndNonAscii() throws Exception {
        client.register("alice", PASSWORD);
        ClientSession session = client.login("alice", PASSWORD);
        HttpResponse<byte[]> response = client.send(session, "get", "/api/echo/ä?q=a%20b&x=ü", null);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(server.lastTarget).isEqualTo("/api/echo/%C3%A4?q=a%20b&x=%C3%BC");

        HttpResponse<byte[]> emptyQuery = client.send(session, "GET", "/api/echo?", null);
        assertThat(emptyQuery.statusCode()).isEqualTo(200);
        assertThat(server.lastTarget).isEqualTo("/api/echo");
    }

    @Test
    void send_withBody_isJsonAndSigned() throws Exception {
        client.register("alice", PASSWORD);
        ClientSession session = client.login("alice", PASSWORD);
        byte[] body = "{\"hello\":\"wörld\"}".getBytes(UTF_8);
        HttpResponse<byte[]> response = client.send(session, "PUT", "/api/echo", body);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(server.lastContentType).isEqualTo("application/json");
        assertThat(Json.text(Json.readObject(response.body()), "body")).isEqualTo("{\"hello\":\"wörld\"}");
    }

    @Test
    void send_savedAndLoadedSession_stillSigns() throws Exception {
        client.register("alice", PASSWORD);
        ClientSession session = client.login("alice", PASSWORD);
        Path dir = Files.createTempDirectory("opaque-pop-test");
        Path file = dir.resolve("session.json");
        try {
            session.save(file);
            assertThat(me(ClientSession.load(file))).isEqualTo("alice");
        } finally {
            Files.deleteIfExists(file);
            Files.delete(dir);
        }
    }

    @Test
    void send_sessionOfAnotherServer_refusedBeforeAnythingIsSent() {
        ClientSession foreign = new ClientSession(
                "QEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaW1xdXl8",
                "alice",
                PopKey.fromBytes(new byte[32]),
                Instant.now().plusSeconds(60),
                URI.create("https://elsewhere.example"));
        assertThatThrownBy(() -> me(foreign)).isInstanceOf(IllegalArgumentException.class);
        assertThat(server.lastTarget).isNull();
    }

    @Test
    void send_tamperedKey_invalidSignature() throws Exception {
        client.register("alice", PASSWORD);
        ClientSession real = client.login("alice", PASSWORD);
        ClientSession forged = new ClientSession(
                real.sessionId(), "alice", PopKey.fromBytes(new byte[32]), real.expiresAt(), real.server());
        assertThatThrownBy(() -> me(forged)).isInstanceOfSatisfying(OpaquePopClientException.class, e -> {
            assertThat(e.status()).isEqualTo(401);
            assertThat(e.code()).isEqualTo("invalid_signature");
        });
    }

    @Test
    void call_serverRefusal_carriesTheProblem() throws Exception {
        client.register("alice", PASSWORD);
        ClientSession session = client.login("alice", PASSWORD);
        assertThatThrownBy(() -> client.call(session, "POST", "/api/transfer", transfer("bob", "0.00")))
                .isInstanceOfSatisfying(OpaquePopClientException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.code()).isEqualTo("invalid_request");
                });
    }

    @Test
    void errorWithoutProblemBody_httpError() throws Exception {
        client.register("alice", PASSWORD);
        ClientSession session = client.login("alice", PASSWORD);
        HttpResponse<byte[]> response = client.send(session, "GET", "/plain-error", null);
        OpaquePopClientException e = Responses.problem(response);
        assertThat(e.status()).isEqualTo(503);
        assertThat(e.code()).isEqualTo("http_error");
        assertThat(e.title()).isEmpty();
        assertThatThrownBy(() -> client.call(session, "GET", "/plain-error", null))
                .isInstanceOfSatisfying(OpaquePopClientException.class, thrown -> {
                    assertThat(thrown.status()).isEqualTo(503);
                    assertThat(thrown.code()).isEqualTo("http_error");
                });
    }

    @Test
    void noServer_networkError() throws Exception {
        client.register("alice", PASSWORD);
        ClientSession session = client.login("alice", PASSWORD);
        server.close();
        assertThatThrownBy(() -> me(session)).isInstanceOfSatisfying(OpaquePopClientException.class, e -> {
            assertThat(e.status()).isZero();
            assertThat(e.code()).isEqualTo("network_error");
        });
    }

    @Test
    void concurrentLogins_shareOneClient() throws Exception {
        client.register("alice", PASSWORD);
        List<ClientSession> sessions = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    ClientSession session = client.login("alice", PASSWORD);
                    me(session);
                    sessions.add(session);
                } catch (OpaquePopClientException e) {
                    throw new AssertionError(e);
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(sessions).hasSize(4).extracting(ClientSession::sessionId).doesNotHaveDuplicates();
    }

    @Test
    void builder_rejectsBadBaseUris() {
        for (String bad : List.of("ftp://x", "/relative", "http://user@host", "http://h/?q", "http://h/#f")) {
            assertThatThrownBy(() -> OpaquePopClient.builder(URI.create(bad)))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(OpaquePopClient.builder(URI.create("https://h:8080/app/"))
                        .build()
                        .baseUri())
                .isEqualTo(URI.create("https://h:8080/app"));
    }

    @Test
    void send_methodNotAsciiLetters_rejectedLocally() throws Exception {
        client.register("alice", PASSWORD);
        ClientSession session = client.login("alice", PASSWORD);
        for (String method : List.of("", "G ET", "GET\n", "po\u017Ft")) {
            assertThatThrownBy(() -> client.send(session, method, "/api/me", null))
                    .as(method)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    /** {@code GET /api/me} through the generic signed call: the session's user, as the fake server answers. */
    private String me(ClientSession session) throws OpaquePopClientException {
        try {
            return Json.text(json(client.call(session, "GET", "/api/me", null)), "username");
        } catch (Json.JsonFormatException e) {
            throw new AssertionError(e);
        }
    }

    private static JsonNode json(byte[] body) throws Json.JsonFormatException {
        return Json.readObject(body);
    }

    private static byte[] transfer(String to, String amount) {
        return Json.write(Map.of("to", to, "amount", amount));
    }

    @Test
    void usernames_emptyOrUnencodable_rejectedLocally() {
        assertThatThrownBy(() -> client.register("", PASSWORD)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> client.login("a\uD800", PASSWORD)).isInstanceOf(IllegalArgumentException.class);
    }
}
