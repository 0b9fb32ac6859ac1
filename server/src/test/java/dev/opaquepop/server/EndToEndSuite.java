package dev.opaquepop.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.time.temporal.ChronoUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.opaquepop.client.ClientSession;
import dev.opaquepop.client.OpaquePopClient;
import dev.opaquepop.client.OpaquePopClientException;
import dev.opaquepop.client.SessionInfo;
import dev.opaquepop.demo.DemoBankClient;
import dev.opaquepop.demo.TransferReceipt;
import dev.opaquepop.opaque.ClientLogin;
import dev.opaquepop.opaque.ClientLoginResult;
import dev.opaquepop.opaque.Identities;
import dev.opaquepop.opaque.Ke2;
import dev.opaquepop.opaque.OpaqueClient;
import dev.opaquepop.opaque.OpaqueConfig;
import dev.opaquepop.pop.LoginPurpose;
import dev.opaquepop.pop.PopKey;
import dev.opaquepop.pop.PopSigner;
import dev.opaquepop.pop.SignedRequest;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole system through real HTTP on a loopback port: the client SDK against the server, and hand-made
 * requests for every way a PoP check can fail. One suite, run against each storage deployment by a subclass:
 * {@link EndToEndTest} (embedded: SQLite and memory) and {@link PostgresRedisEndToEndTest}.
 */
abstract class EndToEndSuite {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final byte[] PASSWORD = "correct horse battery staple".getBytes(UTF_8);

    @TempDir
    Path data;

    private final MutableClock clock = new MutableClock(Instant.now());
    private TestServer server;
    private OpaquePopClient client;
    private DemoBankClient bank;

    /** Prepares the deployment's storage before the test's first server starts. */
    abstract void openStorage() throws Exception;

    /** Points a server at the deployment's storage; every server of one test shares it. */
    abstract void configureStorage(ServerConfig.Builder builder);

    abstract void closeStorage() throws Exception;

    @BeforeEach
    void start() throws Exception {
        openStorage();
        server = startServer();
        connect();
    }

    /** A client (and the demo bank's client over it) of the test's current server. */
    private void connect() {
        client = OpaquePopClient.builder(server.uri())
                .ksfPolicy(TestServer.CLIENT_POLICY)
                .clock(clock)
                .build();
        bank = new DemoBankClient(client);
    }

    /** A server of this deployment; every one started in a test shares its storage (and setup). */
    private TestServer startServer() throws Exception {
        return startServer(b -> {});
    }

    private TestServer startServer(Consumer<ServerConfig.Builder> customize) throws Exception {
        return TestServer.start(data, b -> {
            configureStorage(b);
            b.clock(clock);
            customize.accept(b);
        });
    }

    /** Replaces the test's server by one configured otherwise (same storage). */
    private void restart(Consumer<ServerConfig.Builder> customize) throws Exception {
        client.close();
        server.close();
        server = startServer(customize);
        connect();
    }

    @AfterEach
    void stop() throws Exception {
        try {
            if (client != null) {
                client.close();
            }
            if (server != null) {
                server.close();
            }
        } finally {
            closeStorage();
        }
    }

    @Test
    void wholeFlow_registerLoginTransferListLogout() throws Exception {
        client.register("alice", PASSWORD);
        ClientSession session = client.login("alice", PASSWORD);
        assertThat(session.sessionId()).hasSize(43);
        assertThat(bank.me(session).username()).isEqualTo("alice");

        TransferReceipt first = bank.transfer(session, "bob", "12.5");
        TransferReceipt second = bank.transfer(session, "carol", "0.01");
        assertThat(first.from()).isEqualTo("alice");
        assertThat(first.amount()).isEqualTo("12.50");
        assertThat(bank.transfers(session))
                .extracting(TransferReceipt::transferId)
                .containsExactly(first.transferId(), second.transferId());

        client.logout(session);
        assertThatThrownBy(() -> bank.me(session)).isInstanceOfSatisfying(OpaquePopClientException.class, e -> {
            assertThat(e.status()).isEqualTo(401);
            assertThat(e.code()).isEqualTo("unknown_session");
        });
    }

    @Test
    void duplicateRegistration_is409() throws Exception {
        client.register("alice", PASSWORD);
        assertThatThrownBy(() -> client.register("alice", "other".getBytes(UTF_8)))
                .isInstanceOfSatisfying(OpaquePopClientException.class, e -> {
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.code()).isEqualTo("username_taken");
                });
        // The first record is intact.
        assertThat(bank.me(client.login("alice", PASSWORD)).username()).isEqualTo("alice");
    }

    @Test
    void racingRegistrations_exactlyOneWins_andTheRecordIsTheWinners() throws Exception {
        // Twelve registrations and eleven failed logins from one address at once: beyond the default limits.
        restart(b -> b.registerLimitAddress("100/1s").loginLimitUser("100/1s"));
        int racers = 12;
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Boolean>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(racers)) {
            for (int i = 0; i < racers; i++) {
                byte[] password = ("password-" + i).getBytes(UTF_8);
                results.add(pool.submit(() -> {
                    go.await();
                    try {
                        client.register("racer", password);
                        return true;
                    } catch (OpaquePopClientException e) {
                        assertThat(e.status()).isEqualTo(409);
                        return false;
                    }
                }));
            }
            go.countDown();
            int winner = -1;
            for (int i = 0; i < racers; i++) {
                if (results.get(i).get()) {
                    assertThat(winner).as("a second registration succeeded").isEqualTo(-1);
                    winner = i;
                }
            }
            assertThat(winner).as("one registration succeeded").isNotEqualTo(-1);
            assertThat(client.login("racer", ("password-" + winner).getBytes(UTF_8))
                            .username())
                    .isEqualTo("racer");
            for (int i = 0; i < racers; i++) {
                byte[] password = ("password-" + i).getBytes(UTF_8);
                if (i != winner) {
                    // A login the client gives up on stays pending until it lapses: let each lapse before the next,
                    // or the per-username cap on pending logins would answer instead.
                    clock.advance(Duration.ofSeconds(61));
                    assertThatThrownBy(() -> client.login("racer", password))
                            .isInstanceOfSatisfying(
                                    OpaquePopClientException.class,
                                    e -> assertThat(e.code()).isEqualTo("login_failed"));
                }
            }
        }
    }

    @Test
    void wrongPassword_failsLogin() throws Exception {
        client.register("alice", PASSWORD);
        assertThatThrownBy(() -> client.login("alice", "wrong".getBytes(UTF_8)))
                .isInstanceOfSatisfying(
                        OpaquePopClientException.class,
                        e -> assertThat(e.code()).isEqualTo("login_failed"));
    }

    /** An unknown user gets a 200 with a KE2 of the real shape, then the same 401 as a wrong KE3 of a real user. */
    @Test
    void unknownUser_getsFakeKe2_andFailsLikeAWrongPassword() throws Exception {
        client.register("alice", PASSWORD);
        JsonNode known = loginStart("alice");
        JsonNode unknown = loginStart("nobody");
        assertThat(fieldNames(unknown)).isEqualTo(fieldNames(known));
        assertThat(Base64.getUrlDecoder().decode(unknown.get("ke2").asText())).hasSize(320);

        byte[] badKe3 = new byte[64];
        new SecureRandom().nextBytes(badKe3);
        HttpResponse<String> knownFinish = loginFinish(known.get("login_id").asText(), badKe3);
        HttpResponse<String> unknownFinish = loginFinish(unknown.get("login_id").asText(), badKe3);
        assertThat(knownFinish.statusCode()).isEqualTo(401);
        assertThat(unknownFinish.statusCode()).isEqualTo(401);
        assertThat(unknownFinish.body()).isEqualTo(knownFinish.body());
        assertThat(JSON.readTree(unknownFinish.body()).get("code").asText()).isEqualTo("login_failed");

        // And through the SDK: its OPAQUE client rejects the fake KE2 itself.
        assertThatThrownBy(() -> client.login("nobody", PASSWORD))
                .isInstanceOfSatisfying(
                        OpaquePopClientException.class,
                        e -> assertThat(e.code()).isEqualTo("login_failed"));
    }

    @Test
    void loginId_isSingleUse() throws Exception {
        client.register("alice", PASSWORD);
        JsonNode started = loginStart("alice");
        String loginId = started.get("login_id").asText();
        assertThat(loginFinish(loginId, new byte[64]).statusCode()).isEqualTo(401);
        assertThat(loginFinish(loginId, new byte[64]).statusCode()).isEqualTo(401);
    }

    // ---- every PoP failure code, produced by the situation it names

    @Test
    void pop_missingCredentials() throws Exception {
        HttpResponse<String> response =
                HTTP.send(HttpRequest.newBuilder(server.uri("/api/me")).build(), HttpResponse.BodyHandlers.ofString());
        assertPopFailure(response, "missing_credentials");
    }

    @Test
    void pop_malformedCredentials() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(server.uri("/api/me"))
                .header("Authorization", "Bearer not-a-session-id")
                .header("X-TS", "12")
                .header("X-NONCE", "abcdefghijklmnopqrstuvwxyz")
                .header("X-POP", "AAAA")
                .build();
        assertPopFailure(HTTP.send(request, HttpResponse.BodyHandlers.ofString()), "malformed_credentials");
    }

    @Test
    void pop_unknownSession() throws Exception {
        String sessionId = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]);
        PopKey key = PopKey.fromBytes(new byte[32]);
        assertPopFailure(signedGet(sessionId, key, "/api/me", clock), "unknown_session");
    }

    @Test
    void pop_expiredSession() throws Exception {
        ClientSession session = registeredSession();
        clock.advance(Duration.ofHours(1).plusSeconds(1));
        assertPopFailure(signedGet(session.sessionId(), session.popKey(), "/api/me", clock), "expired_session");
    }

    @Test
    void pop_staleTimestamp() throws Exception {
        ClientSession session = registeredSession();
        Clock behind = Clock.fixed(clock.instant().minusSeconds(31), ZoneOffset.UTC);
        assertPopFailure(signedGet(session.sessionId(), session.popKey(), "/api/me", behind), "stale_timestamp");
        Clock ahead = Clock.fixed(clock.instant().plusSeconds(31), ZoneOffset.UTC);
        assertPopFailure(signedGet(session.sessionId(), session.popKey(), "/api/me", ahead), "stale_timestamp");
    }

    /** A stolen bearer id is worthless without the PoP key. */
    @Test
    void pop_stolenBearerIdWithoutKey_isInvalidSignature() throws Exception {
        ClientSession session = registeredSession();
        byte[] guess = new byte[32];
        new SecureRandom().nextBytes(guess);
        assertPopFailure(
                signedGet(session.sessionId(), PopKey.fromBytes(guess), "/api/me", clock), "invalid_signature");
    }

    @Test
    void pop_tamperedBody_isInvalidSignature() throws Exception {
        ClientSession session = registeredSession();
        byte[] signedBody = "{\"to\":\"bob\",\"amount\":\"1.00\"}".getBytes(UTF_8);
        byte[] sentBody = "{\"to\":\"eve\",\"amount\":\"1.00\"}".getBytes(UTF_8);
        SignedRequest signed = new PopSigner(clock, new SecureRandom())
                .sign(session.sessionId(), session.popKey(), "POST", "/api/transfer", signedBody);
        HttpResponse<String> response = send(signed, "POST", "/api/transfer", sentBody);
        assertPopFailure(response, "invalid_signature");
        assertThat(bank.transfers(session)).isEmpty();
    }

    @Test
    void pop_tamperedQuery_isInvalidSignature() throws Exception {
        ClientSession session = registeredSession();
        SignedRequest signed = new PopSigner(clock, new SecureRandom())
                .sign(session.sessionId(), session.popKey(), "GET", "/api/transfers?limit=1", new byte[0]);
        assertPopFailure(send(signed, "GET", "/api/transfers?limit=2", new byte[0]), "invalid_signature");
    }

    @Test
    void pop_exactReplay_isReplayedNonce() throws Exception {
        ClientSession session = registeredSession();
        byte[] body = "{\"to\":\"bob\",\"amount\":\"5\"}".getBytes(UTF_8);
        SignedRequest signed = new PopSigner(clock, new SecureRandom())
                .sign(session.sessionId(), session.popKey(), "POST", "/api/transfer", body);
        assertThat(send(signed, "POST", "/api/transfer", body).statusCode()).isEqualTo(200);
        assertPopFailure(send(signed, "POST", "/api/transfer", body), "replayed_nonce");
        assertThat(bank.transfers(session)).hasSize(1);
    }

    /** A read has no database constraint behind it: the nonce cache alone refuses the replay. */
    @Test
    void pop_exactReplayOfARead_isReplayedNonce() throws Exception {
        ClientSession session = registeredSession();
        SignedRequest signed = new PopSigner(clock, new SecureRandom())
                .sign(session.sessionId(), session.popKey(), "GET", "/api/me", new byte[0]);
        assertThat(send(signed, "GET", "/api/me", new byte[0]).statusCode()).isEqualTo(200);
        assertPopFailure(send(signed, "GET", "/api/me", new byte[0]), "replayed_nonce");
    }

    /** One signed transfer sent from many threads at once books exactly once. */
    @Test
    void concurrentReplays_bookExactlyOnce() throws Exception {
        ClientSession session = registeredSession();
        byte[] body = "{\"to\":\"bob\",\"amount\":\"7.25\"}".getBytes(UTF_8);
        SignedRequest signed = new PopSigner(clock, new SecureRandom())
                .sign(session.sessionId(), session.popKey(), "POST", "/api/transfer", body);
        int copies = 64;
        CountDownLatch go = new CountDownLatch(1);
        List<Future<HttpResponse<String>>> responses = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < copies; i++) {
                Callable<HttpResponse<String>> replay = () -> {
                    go.await();
                    return send(signed, "POST", "/api/transfer", body);
                };
                responses.add(pool.submit(replay));
            }
            go.countDown();
            int ok = 0;
            for (Future<HttpResponse<String>> response : responses) {
                HttpResponse<String> answer = response.get();
                if (answer.statusCode() == 200) {
                    ok++;
                } else {
                    assertPopFailure(answer, "replayed_nonce");
                }
            }
            assertThat(ok).isEqualTo(1);
        }
        assertThat(bank.transfers(session)).hasSize(1);
    }

    @Test
    void invalidTransfer_is400AndBooksNothing() throws Exception {
        ClientSession session = registeredSession();
        for (String amount : List.of("0", "-1", "1.234", "1e3", "abc", "01.00", "0.00")) {
            assertThatThrownBy(() -> bank.transfer(session, "bob", amount))
                    .isInstanceOfSatisfying(
                            OpaquePopClientException.class,
                            e -> assertThat(e.status()).as(amount).isEqualTo(400));
        }
        assertThat(bank.transfers(session)).isEmpty();
    }

    /** Transfers are committed before the 200; users and the setup survive a restart. */
    @Test
    void restart_keepsTransfersAndUsersCanStillLogIn() throws Exception {
        ClientSession session = registeredSession();
        TransferReceipt booked = bank.transfer(session, "bob", "3.00");
        server.close();
        client.close();
        server = startServer();
        connect();

        ClientSession again = client.login("alice", PASSWORD);
        assertThat(bank.transfers(again))
                .extracting(TransferReceipt::transferId)
                .containsExactly(booked.transferId());
    }

    @Test
    void wellKnown_advertisesKeyAndParameters() throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(server.uri("/.well-known/opaque-pop")).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("protocol").asText()).isEqualTo("opaque-pop-v1");
        assertThat(Base64.getUrlDecoder().decode(body.get("server_public_key").asText()))
                .hasSize(32);
        assertThat(body.at("/opaque/ksf/memory_kib").asInt()).isEqualTo(TestServer.TEST_KSF.memoryKib());
        assertThat(body.at("/pop/window_seconds").asInt()).isEqualTo(30);
    }

    @Test
    void openApiAndMetrics_areServed() throws Exception {
        HttpResponse<String> openApi = HTTP.send(
                HttpRequest.newBuilder(server.uri("/openapi.yaml")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(openApi.statusCode()).isEqualTo(200);
        assertThat(openApi.body()).contains("/api/transfer").contains("/login/finish");
        registeredSession();
        HttpResponse<String> metrics =
                HTTP.send(HttpRequest.newBuilder(server.uri("/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.body()).contains("opaque_pop_logins_total{outcome=\"succeeded\"} 1.0");
        assertThat(metrics.body()).containsPattern("(?m)^process_cpu_seconds_total [0-9.E]+$");
    }

    // ---- rate limits (defaults unless the test says otherwise)

    /**
     * Five login/starts of a name without a finish, then 429 with Retry-After 30, and byte for byte the same answer
     * (status, headers, body) whether the name is registered or not.
     */
    @Test
    void failedLogins_thenRateLimited_theSameForKnownAndUnknownUsernames() throws Exception {
        client.register("alice", PASSWORD);
        for (int i = 0; i < 5; i++) {
            assertThat(loginStartResponse("alice", Map.of()).statusCode()).isEqualTo(200);
            assertThat(loginStartResponse("nobody", Map.of()).statusCode()).isEqualTo(200);
        }
        HttpResponse<String> known = loginStartResponse("alice", Map.of());
        HttpResponse<String> unknown = loginStartResponse("nobody", Map.of());

        assertRateLimited(known, "30");
        assertThat(unknown.statusCode()).isEqualTo(known.statusCode());
        assertThat(unknown.body()).isEqualTo(known.body());
        assertThat(headersWithoutDate(unknown)).isEqualTo(headersWithoutDate(known));

        // The SDK reports it as such.
        assertThatThrownBy(() -> client.login("alice", PASSWORD))
                .isInstanceOfSatisfying(OpaquePopClientException.class, e -> {
                    assertThat(e.status()).isEqualTo(429);
                    assertThat(e.code()).isEqualTo("rate_limited");
                });
        HttpResponse<String> metrics =
                HTTP.send(HttpRequest.newBuilder(server.uri("/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.body()).contains("opaque_pop_rate_limited_total{limit=\"login_user\"} 3.0");
    }

    /** A wrong password counts like a start without a finish; the delay passes, and a success starts afresh. */
    @Test
    void afterTheDelay_theUserLogsIn_andSuccessResetsTheCount() throws Exception {
        client.register("alice", PASSWORD);
        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> client.login("alice", "wrong".getBytes(UTF_8)))
                    .isInstanceOfSatisfying(
                            OpaquePopClientException.class,
                            e -> assertThat(e.code()).isEqualTo("login_failed"));
        }
        assertRateLimited(loginStartResponse("alice", Map.of()), "30");

        // Past the delay, and past the login TTL: the client abandoned its five failed logins after KE2 (a wrong
        // password fails on the client), and they hold places under the per-username pending-login cap until then.
        clock.advance(Duration.ofSeconds(61));
        ClientSession session = client.login("alice", PASSWORD);
        assertThat(bank.me(session).username()).isEqualTo("alice");

        for (int i = 0; i < 5; i++) {
            HttpResponse<String> started = loginStartResponse("alice", Map.of());
            assertThat(started.statusCode())
                    .as("attempt %d: %s", i, started.body())
                    .isEqualTo(200);
        }
        assertRateLimited(loginStartResponse("alice", Map.of()), "30");
    }

    /** Fifty login/starts from one address, each for another name, then 429 for the address. */
    @Test
    void loginsPerAddress_areLimitedAcrossUsernames() throws Exception {
        for (int i = 0; i < 50; i++) {
            assertThat(loginStartResponse("spray" + i, Map.of()).statusCode()).isEqualTo(200);
        }
        assertRateLimited(loginStartResponse("spray50", Map.of()), "1");
        clock.advance(Duration.ofSeconds(1));
        assertThat(loginStartResponse("spray50", Map.of()).statusCode()).isEqualTo(200);
    }

    /** Each of register/start and register/finish takes a token: five registrations, then 429 for a while. */
    @Test
    void registrationsPerAddress_areLimited() throws Exception {
        for (int i = 0; i < 5; i++) {
            client.register("user" + i, PASSWORD);
        }
        assertRateLimited(registerStartResponse("user5"), "30");
        assertThatThrownBy(() -> client.register("user5", PASSWORD))
                .isInstanceOfSatisfying(
                        OpaquePopClientException.class,
                        e -> assertThat(e.status()).isEqualTo(429));
        clock.advance(Duration.ofMinutes(1));
        client.register("user5", PASSWORD);
        assertThat(client.login("user5", PASSWORD).username()).isEqualTo("user5");
    }

    /** Behind a trusted proxy each client is counted by X-Forwarded-For, and a spoofed left part changes nothing. */
    @Test
    void trustedProxy_clientsCountedByForwardedAddress_spoofedEntriesIgnored() throws Exception {
        restart(b -> b.trustedProxies("127.0.0.1/32, ::1/128").loginLimitAddress("2/1h"));
        Map<String, String> first = Map.of("X-Forwarded-For", "198.51.100.1");
        assertThat(loginStartResponse("a1", first).statusCode()).isEqualTo(200);
        assertThat(loginStartResponse("a2", first).statusCode()).isEqualTo(200);
        assertRateLimited(loginStartResponse("a3", first), "3600");
        // Another client behind the same proxy has its own count.
        assertThat(loginStartResponse("a3", Map.of("X-Forwarded-For", "198.51.100.2"))
                        .statusCode())
                .isEqualTo(200);
        // Prepending made-up hops does not make the first client someone else.
        assertRateLimited(loginStartResponse("a4", Map.of("X-Forwarded-For", "203.0.113.9, 198.51.100.1")), "3600");
        // Nor does a header that is not a list of addresses: then the proxy itself is the client.
        assertThat(loginStartResponse("a5", Map.of("X-Forwarded-For", "not-an-address"))
                        .statusCode())
                .isEqualTo(200);
    }

    /** Without trusted proxies X-Forwarded-For is ignored: a client cannot pose as many. */
    @Test
    void untrustedPeer_forwardedForIsIgnored() throws Exception {
        restart(b -> b.loginLimitAddress("2/1h"));
        assertThat(loginStartResponse("b1", Map.of("X-Forwarded-For", "198.51.100.1"))
                        .statusCode())
                .isEqualTo(200);
        assertThat(loginStartResponse("b2", Map.of("X-Forwarded-For", "198.51.100.2"))
                        .statusCode())
                .isEqualTo(200);
        assertRateLimited(loginStartResponse("b3", Map.of("X-Forwarded-For", "198.51.100.3")), "3600");
    }

    @Test
    void rateLimitOff_letsEveryAttemptThrough_andSaysSoAtStart() throws Exception {
        try (CapturedLogs logs = new CapturedLogs(ProtocolCore.class)) {
            restart(b -> b.rateLimit(false));
            assertThat(logs.lines()).anyMatch(line -> line.startsWith("WARN rate limits are off"));
        }
        client.register("alice", PASSWORD);
        // Sixty attempts from one address; alice's six stay under her cap of 8 unfinished logins (not a rate limit).
        for (int i = 0; i < 60; i++) {
            assertThat(loginStartResponse(i % 10 == 0 ? "alice" : "nobody" + i, Map.of())
                            .statusCode())
                    .isEqualTo(200);
        }
        for (int i = 0; i < 12; i++) {
            client.register("many" + i, PASSWORD);
        }
    }

    // ---- session lifecycle

    /** Each signed request moves the idle deadline; a session left alone for the idle timeout ends. */
    @Test
    void idleSession_expires_whileAUsedOneLivesOn() throws Exception {
        ClientSession used = registeredSession();
        ClientSession idle = client.login("alice", PASSWORD);
        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofMinutes(10));
            assertThat(bank.me(used).username()).isEqualTo("alice");
        }
        assertPopFailure(signedGet(idle.sessionId(), idle.popKey(), "/api/me", clock), "expired_session");
        clock.advance(Duration.ofMinutes(15));
        assertPopFailure(signedGet(used.sessionId(), used.popKey(), "/api/me", clock), "expired_session");
    }

    /** However busy, a session ends at its absolute lifetime (12 h by default). */
    @Test
    void absoluteLifetime_endsABusySession() throws Exception {
        ClientSession session = registeredSession();
        assertThat(session.expiresAt())
                .isEqualTo(clock.instant().plus(Duration.ofHours(12)).truncatedTo(SECONDS));
        for (int minutes = 10; minutes < 12 * 60; minutes += 10) {
            clock.advance(Duration.ofMinutes(10));
            assertThat(bank.me(session).username())
                    .as("after %d minutes", minutes)
                    .isEqualTo("alice");
        }
        clock.advance(Duration.ofMinutes(10));
        assertPopFailure(signedGet(session.sessionId(), session.popKey(), "/api/me", clock), "expired_session");
    }

    @Test
    void listing_showsCreatedLastUsedAddressAndCurrent_neverTheId() throws Exception {
        ClientSession first = registeredSession();
        Instant firstLogin = clock.instant();
        clock.advance(Duration.ofMinutes(1));
        ClientSession second = client.login("alice", PASSWORD);
        Instant secondLogin = clock.instant();
        clock.advance(Duration.ofMinutes(2));

        List<SessionInfo> sessions = client.sessions(first);
        assertThat(sessions).hasSize(2);
        SessionInfo mine = sessions.get(0);
        assertThat(mine.idPrefix()).isEqualTo(first.sessionId().substring(0, 8));
        assertThat(mine.current()).isTrue();
        assertThat(mine.createdAt()).isEqualTo(firstLogin.truncatedTo(SECONDS));
        assertThat(mine.lastUsedAt())
                .as("this very request")
                .isEqualTo(clock.instant().truncatedTo(SECONDS));
        assertThat(mine.clientAddress()).isEqualTo("127.0.0.1");
        SessionInfo other = sessions.get(1);
        assertThat(other.idPrefix()).isEqualTo(second.sessionId().substring(0, 8));
        assertThat(other.current()).isFalse();
        assertThat(other.createdAt()).isEqualTo(secondLogin.truncatedTo(SECONDS));
        assertThat(other.lastUsedAt()).isEqualTo(secondLogin.truncatedTo(SECONDS));
        assertThat(other.clientAddress()).isEqualTo("127.0.0.1");

        HttpResponse<String> raw = signedGet(first.sessionId(), first.popKey(), "/api/sessions", clock);
        assertThat(raw.body()).doesNotContain(first.sessionId()).doesNotContain(second.sessionId());
        assertThat(fieldNames(JSON.readTree(raw.body()).at("/sessions/0")))
                .containsExactly("id_prefix", "created_at", "last_used_at", "client_address", "current");

        // An idle-expired session drops out of the listing.
        clock.advance(Duration.ofMinutes(14));
        assertThat(client.sessions(first)).extracting(SessionInfo::current).containsExactly(true);
    }

    @Test
    void endingOneSession_makesItsNextCall401_andOnlyTheCallersCanBeEnded() throws Exception {
        ClientSession first = registeredSession();
        ClientSession second = client.login("alice", PASSWORD);
        client.register("mallory", PASSWORD);
        ClientSession mallory = client.login("mallory", PASSWORD);

        assertThatThrownBy(() -> client.endSession(mallory, second.sessionId().substring(0, 8)))
                .isInstanceOfSatisfying(OpaquePopClientException.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.code()).isEqualTo("session_not_found");
                });
        assertThat(bank.me(second).username()).isEqualTo("alice");

        client.endSession(first, second.sessionId().substring(0, 8));
        assertPopFailure(signedGet(second.sessionId(), second.popKey(), "/api/me", clock), "unknown_session");
        assertThat(bank.me(first).username()).isEqualTo("alice");
        assertThat(client.sessions(first)).hasSize(1);
        assertThatThrownBy(() -> client.endSession(first, second.sessionId().substring(0, 8)))
                .isInstanceOfSatisfying(
                        OpaquePopClientException.class,
                        e -> assertThat(e.code()).isEqualTo("session_not_found"));
        BadInputTest.assertProblem(
                send(
                        new PopSigner(clock, new SecureRandom())
                                .sign(first.sessionId(), first.popKey(), "DELETE", "/api/sessions/short", new byte[0]),
                        "DELETE",
                        "/api/sessions/short",
                        new byte[0]),
                400,
                "invalid_request");
        assertThat(bank.me(mallory).username()).isEqualTo("mallory");
    }

    @Test
    void logoutAll_endsEverySessionOfTheUser_only() throws Exception {
        ClientSession first = registeredSession();
        ClientSession second = client.login("alice", PASSWORD);
        client.register("bob", PASSWORD);
        ClientSession bob = client.login("bob", PASSWORD);

        client.logoutAll(first);
        for (ClientSession ended : List.of(first, second)) {
            assertPopFailure(signedGet(ended.sessionId(), ended.popKey(), "/api/me", clock), "unknown_session");
        }
        assertThat(bank.me(bob).username()).isEqualTo("bob");
        HttpResponse<String> bad = send(
                new PopSigner(clock, new SecureRandom())
                        .sign(bob.sessionId(), bob.popKey(), "POST", "/logout?all=yes", new byte[0]),
                "POST",
                "/logout?all=yes",
                new byte[0]);
        BadInputTest.assertProblem(bad, 400, "invalid_request");
        assertThat(bank.me(bob).username()).isEqualTo("bob");
    }

    @Test
    void passwordChange_replacesTheRecord_andEndsEveryOtherSession() throws Exception {
        ClientSession other = registeredSession();
        ClientSession caller = client.login("alice", PASSWORD, LoginPurpose.PASSWORD_CHANGE);
        TransferReceipt before = bank.transfer(caller, "bob", "1.00");
        byte[] newPassword = "a new password".getBytes(UTF_8);

        client.changePassword(caller, newPassword);

        assertThat(bank.me(caller).username()).as("the calling session stays").isEqualTo("alice");
        assertPopFailure(signedGet(other.sessionId(), other.popKey(), "/api/me", clock), "unknown_session");
        assertThatThrownBy(() -> client.login("alice", PASSWORD))
                .isInstanceOfSatisfying(
                        OpaquePopClientException.class,
                        e -> assertThat(e.code()).isEqualTo("login_failed"));
        ClientSession again = client.login("alice", newPassword);
        assertThat(bank.transfers(again))
                .extracting(TransferReceipt::transferId)
                .containsExactly(before.transferId());
    }

    /** A login whose KE2 came from the old record, finished after the change, gets no session. */
    @Test
    void loginStartedBeforeAPasswordChange_failsAtFinish() throws Exception {
        ClientSession caller = registeredSession(LoginPurpose.PASSWORD_CHANGE);
        PreparedLogin inFlight = prepareLogin("alice", PASSWORD);
        client.changePassword(caller, "a new password".getBytes(UTF_8));
        HttpResponse<String> finished = inFlight.finish();
        BadInputTest.assertProblem(finished, 401, "login_failed");
        assertThat(client.sessions(caller)).hasSize(1);
    }

    /** Two sessions changing the password at once: exactly one change applies, and only its password works. */
    @Test
    void racingPasswordChanges_exactlyOneWins_andTheRecordIsTheWinners() throws Exception {
        ClientSession first = registeredSession(LoginPurpose.PASSWORD_CHANGE);
        ClientSession second = client.login("alice", PASSWORD, LoginPurpose.PASSWORD_CHANGE);
        byte[][] passwords = {"first new password".getBytes(UTF_8), "second new password".getBytes(UTF_8)};
        ClientSession[] sessions = {first, second};
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Boolean>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            for (int i = 0; i < 2; i++) {
                int racer = i;
                results.add(pool.submit(() -> {
                    go.await();
                    try {
                        client.changePassword(sessions[racer], passwords[racer]);
                        return true;
                    } catch (OpaquePopClientException e) {
                        assertThat(e.status()).isEqualTo(401);
                        assertThat(e.code()).isIn("unknown_session", "reauthentication_required");
                        return false;
                    }
                }));
            }
            go.countDown();
            boolean firstWon = results.get(0).get();
            boolean secondWon = results.get(1).get();
            assertThat(firstWon ^ secondWon).as("exactly one change applies").isTrue();
            int winner = firstWon ? 0 : 1;
            assertThat(client.login("alice", passwords[winner]).username()).isEqualTo("alice");
            assertThatThrownBy(() -> client.login("alice", passwords[1 - winner]))
                    .isInstanceOf(OpaquePopClientException.class);
            assertThatThrownBy(() -> client.login("alice", PASSWORD)).isInstanceOf(OpaquePopClientException.class);
        }
    }

    @Test
    void staleLogin_isAskedToReauthenticate_forPasswordChangeAndDeletion() throws Exception {
        ClientSession forChange = registeredSession(LoginPurpose.PASSWORD_CHANGE);
        ClientSession session = client.login("alice", PASSWORD, LoginPurpose.ACCOUNT_DELETION);
        clock.advance(Duration.ofMinutes(5));
        for (ThrowingCall call : List.<ThrowingCall>of(
                () -> client.changePassword(forChange, "a new password".getBytes(UTF_8)),
                () -> client.deleteAccount(session))) {
            assertThatThrownBy(call::run).isInstanceOfSatisfying(OpaquePopClientException.class, e -> {
                assertThat(e.status()).isEqualTo(401);
                assertThat(e.code()).isEqualTo("reauthentication_required");
            });
        }
        HttpResponse<String> raw = send(
                new PopSigner(clock, new SecureRandom())
                        .sign(session.sessionId(), session.popKey(), "DELETE", "/api/account", new byte[0]),
                "DELETE",
                "/api/account",
                new byte[0]);
        assertPopFailure(raw, "reauthentication_required");
        // Nothing changed: the session still works and the password still logs in, freshly enough to proceed.
        assertThat(bank.me(session).username()).isEqualTo("alice");
        ClientSession fresh = client.login("alice", PASSWORD, LoginPurpose.PASSWORD_CHANGE);
        client.changePassword(fresh, "a new password".getBytes(UTF_8));
    }

    /**
     * A session alone, however young, never changes the password or deletes the account: that takes a login
     * performed for the operation (so a session file copied off the client is not enough), each for its own.
     */
    @Test
    void passwordChangeAndDeletion_needALoginPerformedForThem() throws Exception {
        ClientSession everyday = registeredSession();
        ClientSession forDeletion = client.login("alice", PASSWORD, LoginPurpose.ACCOUNT_DELETION);
        ClientSession forChange = client.login("alice", PASSWORD, LoginPurpose.PASSWORD_CHANGE);
        for (ThrowingCall call : List.<ThrowingCall>of(
                () -> client.changePassword(everyday, "a new password".getBytes(UTF_8)),
                () -> client.deleteAccount(everyday),
                () -> client.changePassword(forDeletion, "a new password".getBytes(UTF_8)),
                () -> client.deleteAccount(forChange))) {
            assertThatThrownBy(call::run).isInstanceOfSatisfying(OpaquePopClientException.class, e -> {
                assertThat(e.status()).isEqualTo(401);
                assertThat(e.code()).isEqualTo("reauthentication_required");
            });
        }
        // Nothing changed, and every one of them is still an ordinary session.
        for (ClientSession session : List.of(everyday, forDeletion, forChange)) {
            assertThat(bank.me(session).username()).isEqualTo("alice");
        }
        assertThat(client.login("alice", PASSWORD).username()).isEqualTo("alice");
    }

    /** The proof a login gives serves one password change: the same session cannot change it again. */
    @Test
    void aPasswordChangeLogin_servesOnce() throws Exception {
        ClientSession caller = registeredSession(LoginPurpose.PASSWORD_CHANGE);
        byte[] second = "a second new password".getBytes(UTF_8);
        client.changePassword(caller, "a new password".getBytes(UTF_8));

        assertThatThrownBy(() -> client.changePassword(caller, second))
                .isInstanceOfSatisfying(
                        OpaquePopClientException.class,
                        e -> assertThat(e.code()).isEqualTo("reauthentication_required"));
        assertThatThrownBy(() -> client.deleteAccount(caller))
                .isInstanceOfSatisfying(
                        OpaquePopClientException.class,
                        e -> assertThat(e.code()).isEqualTo("reauthentication_required"));
        assertThat(bank.me(caller).username())
                .as("still good for everyday calls")
                .isEqualTo("alice");
        assertThat(client.login("alice", "a new password".getBytes(UTF_8)).username())
                .isEqualTo("alice");
        assertThatThrownBy(() -> client.login("alice", second)).isInstanceOf(OpaquePopClientException.class);
    }

    /** An unknown purpose is a 400 that leaves the login to be finished properly. */
    @Test
    void loginFinish_withAnUnknownPurpose_is400_andTheLoginCanStillFinish() throws Exception {
        client.register("alice", PASSWORD);
        PreparedLogin login = prepareLogin("alice", PASSWORD);
        for (String purpose : List.of("\"admin\"", "1", "null")) {
            BadInputTest.assertProblem(login.finish(", \"purpose\": " + purpose), 400, "invalid_request");
        }
        assertThat(login.finish(", \"purpose\": \"password_change\"").statusCode())
                .isEqualTo(200);
    }

    @Test
    void accountDeletion_removesRecordSessionsAndTransfers_andTheNameCanRegisterAgain() throws Exception {
        ClientSession other = registeredSession();
        ClientSession caller = client.login("alice", PASSWORD, LoginPurpose.ACCOUNT_DELETION);
        bank.transfer(caller, "bob", "2.00");
        client.register("bob", PASSWORD);
        ClientSession bob = client.login("bob", PASSWORD);
        TransferReceipt toAlice = bank.transfer(bob, "alice", "3.00");
        PreparedLogin inFlight = prepareLogin("alice", PASSWORD);

        client.deleteAccount(caller);

        for (ClientSession ended : List.of(caller, other)) {
            assertPopFailure(signedGet(ended.sessionId(), ended.popKey(), "/api/me", clock), "unknown_session");
        }
        BadInputTest.assertProblem(inFlight.finish(), 401, "login_failed");
        assertThatThrownBy(() -> client.login("alice", PASSWORD))
                .isInstanceOfSatisfying(
                        OpaquePopClientException.class,
                        e -> assertThat(e.code()).isEqualTo("login_failed"));
        // Like any unknown user: a KE2 of the real shape.
        assertThat(Base64.getUrlDecoder().decode(loginStart("alice").get("ke2").asText()))
                .hasSize(320);

        byte[] newcomers = "someone else entirely".getBytes(UTF_8);
        client.register("alice", newcomers);
        ClientSession newcomer = client.login("alice", newcomers);
        assertThat(bank.transfers(newcomer)).as("no history inherited").isEmpty();
        assertThat(client.sessions(newcomer)).hasSize(1);
        assertThat(bank.transfers(bob))
                .extracting(TransferReceipt::transferId)
                .as("the sender keeps their history")
                .containsExactly(toAlice.transferId());
    }

    /** Malformed password-change bodies are 4xx problems, and change nothing. */
    @Test
    void passwordChange_badBodies_are400() throws Exception {
        ClientSession session = registeredSession(LoginPurpose.PASSWORD_CHANGE);
        String zeros = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]);
        String[][] cases = {
            {"/api/password/start", "{}", "invalid_request"},
            {"/api/password/start", "{\"registration_request\":\"***\"}", "invalid_request"},
            {"/api/password/start", "{\"registration_request\":\"" + zeros + "\"}", "invalid_message"},
            {"/api/password/finish", "[1]", "invalid_request"},
            {"/api/password/finish", "{\"registration_record\":\"" + zeros + "\"}", "invalid_message"},
        };
        for (String[] bad : cases) {
            byte[] body = bad[1].getBytes(UTF_8);
            SignedRequest signed = new PopSigner(clock, new SecureRandom())
                    .sign(session.sessionId(), session.popKey(), "POST", bad[0], body);
            BadInputTest.assertProblem(send(signed, "POST", bad[0], body), 400, bad[2]);
        }
        assertThat(client.login("alice", PASSWORD).username()).isEqualTo("alice");
    }

    /** Past 16 sessions a user's oldest ends. */
    @Test
    void perUserSessionCap_endsTheOldest() throws Exception {
        client.register("alice", PASSWORD);
        List<ClientSession> sessions = new ArrayList<>();
        for (int i = 0; i < 17; i++) {
            sessions.add(client.login("alice", PASSWORD));
            clock.advance(Duration.ofSeconds(1));
        }
        ClientSession oldest = sessions.get(0);
        assertPopFailure(signedGet(oldest.sessionId(), oldest.popKey(), "/api/me", clock), "unknown_session");
        for (ClientSession live : sessions.subList(1, 17)) {
            assertThat(bank.me(live).username()).isEqualTo("alice");
        }
        assertThat(client.sessions(sessions.get(16))).hasSize(16);
    }

    /**
     * At most 8 unfinished logins per username, counted for any username string: an unknown one is answered
     * exactly like a known one, and a place frees up when a login finishes or lapses.
     */
    @Test
    void perUsernamePendingLoginCap_isA429_alikeForKnownAndUnknownNames() throws Exception {
        // The cap is a resource bound of its own: without the guessing limits, which would answer 429 first.
        restart(b -> b.rateLimit(false));
        client.register("alice", PASSWORD);
        List<HttpResponse<String>> refusals = new ArrayList<>();
        List<String> aliceLogins = new ArrayList<>();
        for (String username : List.of("alice", "nobody")) {
            for (int i = 0; i < 8; i++) {
                HttpResponse<String> started = loginStartResponse(username);
                assertThat(started.statusCode()).isEqualTo(200);
                if (username.equals("alice")) {
                    aliceLogins.add(
                            JSON.readTree(started.body()).get("login_id").asText());
                }
            }
            HttpResponse<String> refused = loginStartResponse(username);
            BadInputTest.assertProblem(refused, 429, "too_many_pending_logins");
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("60");
            refusals.add(refused);
        }
        assertThat(refusals.get(1).body()).isEqualTo(refusals.get(0).body());
        assertThat(refusals.get(1).headers().map().keySet())
                .isEqualTo(refusals.get(0).headers().map().keySet());
        assertThat(loginStartResponse("carol").statusCode())
                .as("other names are not affected")
                .isEqualTo(200);

        // A finished login (even a failed one) frees its place at once.
        assertThat(loginFinish(aliceLogins.get(0), new byte[64]).statusCode()).isEqualTo(401);
        assertThat(loginStartResponse("alice").statusCode()).isEqualTo(200);
        assertThat(loginStartResponse("alice").statusCode()).isEqualTo(429);
        // Lapsed logins free theirs.
        clock.advance(Duration.ofSeconds(61));
        assertThat(loginStartResponse("nobody").statusCode()).isEqualTo(200);
        assertThat(client.login("alice", PASSWORD).username()).isEqualTo("alice");
    }

    // ---- helpers

    private static void assertRateLimited(HttpResponse<String> response, String retryAfter) throws Exception {
        BadInputTest.assertProblem(response, 429, "rate_limited");
        assertThat(response.headers().firstValue("Retry-After")).hasValue(retryAfter);
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
    }

    private static Map<String, List<String>> headersWithoutDate(HttpResponse<String> response) {
        Map<String, List<String>> headers =
                new java.util.TreeMap<>(response.headers().map());
        headers.remove("date");
        return headers;
    }

    private HttpResponse<String> loginStartResponse(String username, Map<String, String> headers) throws Exception {
        byte[] ke1 = new OpaqueClient(OpaqueConfig.defaults(), new SecureRandom())
                .startLogin(PASSWORD)
                .ke1()
                .encode();
        return postJson(
                "/login/start",
                JSON.createObjectNode()
                        .put("username", username)
                        .put("ke1", Base64.getUrlEncoder().withoutPadding().encodeToString(ke1))
                        .toString(),
                headers);
    }

    private HttpResponse<String> registerStartResponse(String username) throws Exception {
        byte[] request = new OpaqueClient(OpaqueConfig.defaults(), new SecureRandom())
                .startRegistration(PASSWORD)
                .request()
                .encode();
        return postJson(
                "/register/start",
                JSON.createObjectNode()
                        .put("username", username)
                        .put(
                                "registration_request",
                                Base64.getUrlEncoder().withoutPadding().encodeToString(request))
                        .toString(),
                Map.of());
    }

    private ClientSession registeredSession() throws Exception {
        return registeredSession(LoginPurpose.SIGN_IN);
    }

    private ClientSession registeredSession(LoginPurpose purpose) throws Exception {
        client.register("alice", PASSWORD);
        return client.login("alice", PASSWORD, purpose);
    }

    private JsonNode loginStart(String username) throws Exception {
        HttpResponse<String> response = loginStartResponse(username);
        assertThat(response.statusCode()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private HttpResponse<String> loginStartResponse(String username) throws Exception {
        byte[] ke1 = new OpaqueClient(OpaqueConfig.defaults(), new SecureRandom())
                .startLogin(PASSWORD)
                .ke1()
                .encode();
        return postJson(
                "/login/start",
                JSON.createObjectNode()
                        .put("username", username)
                        .put("ke1", Base64.getUrlEncoder().withoutPadding().encodeToString(ke1))
                        .toString());
    }

    /** A login taken as far as the client's KE3, to be finished later. */
    private PreparedLogin prepareLogin(String username, byte[] password) throws Exception {
        ClientLogin login = Requests.opaque().startLogin(password);
        HttpResponse<String> response = postJson(
                "/login/start",
                JSON.createObjectNode()
                        .put("username", username)
                        .put(
                                "ke1",
                                Base64.getUrlEncoder()
                                        .withoutPadding()
                                        .encodeToString(login.ke1().encode()))
                        .toString());
        JsonNode started = JSON.readTree(response.body());
        ClientLoginResult result = login.finish(
                Ke2.decode(Base64.getUrlDecoder().decode(started.get("ke2").asText())), Identities.none());
        return new PreparedLogin(started.get("login_id").asText(), result.ke3().encode());
    }

    private final class PreparedLogin {
        private final String loginId;
        private final byte[] ke3;

        PreparedLogin(String loginId, byte[] ke3) {
            this.loginId = loginId;
            this.ke3 = ke3;
        }

        HttpResponse<String> finish() throws Exception {
            return loginFinish(loginId, ke3);
        }

        /** The finish with {@code moreFields} (JSON members, each after a comma) after login_id and ke3. */
        HttpResponse<String> finish(String moreFields) throws Exception {
            String body = "{\"login_id\":\"" + loginId + "\",\"ke3\":\""
                    + Base64.getUrlEncoder().withoutPadding().encodeToString(ke3) + "\"" + moreFields + "}";
            return postJson("/login/finish", body);
        }
    }

    @FunctionalInterface
    private interface ThrowingCall {
        void run() throws Exception;
    }

    private HttpResponse<String> loginFinish(String loginId, byte[] ke3) throws Exception {
        return postJson(
                "/login/finish",
                JSON.createObjectNode()
                        .put("login_id", loginId)
                        .put("ke3", Base64.getUrlEncoder().withoutPadding().encodeToString(ke3))
                        .toString());
    }

    private HttpResponse<String> postJson(String path, String body) throws Exception {
        return postJson(path, body, Map.of());
    }

    private HttpResponse<String> postJson(String path, String body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> signedGet(String sessionId, PopKey key, String target, Clock signerClock)
            throws Exception {
        SignedRequest signed =
                new PopSigner(signerClock, new SecureRandom()).sign(sessionId, key, "GET", target, new byte[0]);
        return send(signed, "GET", target, new byte[0]);
    }

    private HttpResponse<String> send(SignedRequest signed, String method, String target, byte[] body)
            throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(server.uri(target))
                .method(
                        method,
                        body.length == 0
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
        signed.headers().forEach(builder::header);
        if (body.length > 0) {
            builder.header("Content-Type", "application/json");
        }
        return HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertPopFailure(HttpResponse<String> response, String code) throws Exception {
        BadInputTest.assertProblem(response, 401, code);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("PoP");
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** A clock tests move by hand; shared by the server and the client so expiry and signing agree. */
    static final class MutableClock extends Clock {
        private final AtomicReference<Instant> now;

        MutableClock(Instant start) {
            this.now = new AtomicReference<>(start);
        }

        void advance(Duration by) {
            now.updateAndGet(t -> t.plus(by));
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
