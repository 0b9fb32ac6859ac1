package dev.opaquepop.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opaquepop.client.OpaquePopClient;
import dev.opaquepop.opaque.ClientLogin;
import dev.opaquepop.opaque.ClientLoginResult;
import dev.opaquepop.opaque.Identities;
import dev.opaquepop.opaque.Ke2;
import dev.opaquepop.pop.SignedRequest;
import dev.opaquepop.server.Requests.LoggedIn;
import dev.opaquepop.server.store.SessionIds;
import dev.opaquepop.testfixtures.Race;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two server instances sharing one PostgreSQL and one Redis, as behind a load balancer: every step of a flow may
 * reach either, and a replay may be sent to the instance that did not see the original. Nothing may depend on
 * which instance served what. One suite, run against each kind of Redis by a subclass: {@link ScaleOutIT} (one
 * server) and {@link ClusterScaleOutIT} (a Redis Cluster).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ScaleOutSuite {
    private static final byte[] PASSWORD = "correct horse battery staple".getBytes(UTF_8);
    private static final String TRANSFER = "{\"to\":\"bob\",\"amount\":\"7.25\"}";

    private final RedisUnderTest redis;
    private Namespace namespace;
    private TestServer a;
    private TestServer b;

    ScaleOutSuite(RedisUnderTest redis) {
        this.redis = redis;
    }

    @BeforeAll
    void start(@TempDir Path data) throws Exception {
        if (!redis.available()) {
            return;
        }
        namespace = redis.openNamespace();
        // Started at the same moment on a fresh schema: Flyway's lock must let exactly one of them migrate it.
        // The login limits are the defaults; registrations are many here (racers included), all from one address.
        Consumer<ServerConfig.Builder> configure =
                builder -> namespace.configure(builder.registerLimitAddress("1000/1s"));
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<TestServer> first = pool.submit(() -> TestServer.start(data.resolve("a"), configure));
            Future<TestServer> second = pool.submit(() -> TestServer.start(data.resolve("b"), configure));
            a = first.get();
            b = second.get();
        }
    }

    @BeforeEach
    void requireSharedInfrastructure() {
        redis.assumeAvailable();
    }

    @AfterAll
    void stop() throws Exception {
        try {
            for (TestServer server : new TestServer[] {a, b}) {
                if (server != null) {
                    server.close();
                }
            }
        } finally {
            try {
                if (namespace != null) {
                    namespace.close();
                }
            } finally {
                redis.close();
            }
        }
    }

    @Test
    void bothInstancesServeOneDeployment() throws Exception {
        JsonNode wellKnownA = Requests.json(Requests.get(a.uri(), "/.well-known/opaque-pop"));
        JsonNode wellKnownB = Requests.json(Requests.get(b.uri(), "/.well-known/opaque-pop"));
        assertThat(wellKnownB.get("server_public_key")).isEqualTo(wellKnownA.get("server_public_key"));
        for (TestServer server : new TestServer[] {a, b}) {
            HttpResponse<String> ready = Requests.get(server.uri(), "/healthz/ready");
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
            JsonNode checks = Requests.json(ready).get("checks");
            assertThat(checks.at("/database/backend").asText()).isEqualTo("postgresql");
            assertThat(checks.at("/database/status").asText()).isEqualTo("up");
            assertThat(checks.at("/sessions/backend").asText()).isEqualTo(redis.backend());
            assertThat(checks.at("/sessions/status").asText()).isEqualTo("up");
        }
    }

    /** Registration on A, login/start on A and login/finish on B, PoP requests alternating, logout on B. */
    @Test
    void oneSessionAcrossBothInstances() throws Exception {
        Requests.register(a.uri(), "split", PASSWORD);
        LoggedIn session = Requests.login(a.uri(), b.uri(), "split", PASSWORD);

        for (int i = 0; i < 10; i++) {
            URI to = (i % 2 == 0 ? a : b).uri();
            HttpResponse<String> me = Requests.signed(to, session, "GET", "/api/me", "");
            assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
            assertThat(Requests.json(me).get("username").asText()).isEqualTo("split");
            HttpResponse<String> transfer = Requests.signed(to, session, "POST", "/api/transfer", TRANSFER);
            assertThat(transfer.statusCode()).as(transfer.body()).isEqualTo(200);
        }
        for (TestServer server : new TestServer[] {a, b}) {
            HttpResponse<String> list = Requests.signed(server.uri(), session, "GET", "/api/transfers", "");
            assertThat(Requests.json(list).get("transfers")).hasSize(10);
        }

        HttpResponse<String> logout = Requests.signed(b.uri(), session, "POST", "/logout", "");
        assertThat(logout.statusCode()).isEqualTo(204);
        Requests.assertProblem(Requests.signed(a.uri(), session, "GET", "/api/me", ""), 401, "unknown_session");
        Requests.assertProblem(Requests.signed(b.uri(), session, "GET", "/api/me", ""), 401, "unknown_session");
    }

    @Test
    void replaySentToTheOtherInstance_isRefused() throws Exception {
        Requests.register(a.uri(), "other", PASSWORD);
        LoggedIn session = Requests.login(b.uri(), b.uri(), "other", PASSWORD);
        SignedRequest read = Requests.sign(session, "GET", "/api/me", "");
        assertThat(Requests.send(a.uri(), read, "GET", "/api/me", "").statusCode())
                .isEqualTo(200);
        Requests.assertProblem(Requests.send(b.uri(), read, "GET", "/api/me", ""), 401, "replayed_nonce");
    }

    /** The acceptance test: 200 copies of one signed transfer, spread over both instances at once. */
    @Test
    void oneSignedTransferReplayed200TimesAcrossBothInstances_booksExactlyOnce() throws Exception {
        Requests.register(a.uri(), "replayed", PASSWORD);
        LoggedIn session = Requests.login(a.uri(), b.uri(), "replayed", PASSWORD);
        SignedRequest signed = Requests.sign(session, "POST", "/api/transfer", TRANSFER);

        assertThat(sendConcurrently(200, signed, "POST", "/api/transfer", TRANSFER))
                .as("successful copies")
                .isEqualTo(1);
        assertThat(transferRows(session)).isEqualTo(1);
    }

    /** A read has no database constraint behind it: only the atomic nonce claim in Redis refuses the copies. */
    @Test
    void oneSignedReadReplayed200TimesAcrossBothInstances_isServedOnce() throws Exception {
        Requests.register(a.uri(), "reader", PASSWORD);
        LoggedIn session = Requests.login(a.uri(), b.uri(), "reader", PASSWORD);
        SignedRequest signed = Requests.sign(session, "GET", "/api/me", "");
        assertThat(sendConcurrently(200, signed, "GET", "/api/me", ""))
                .as("successful copies")
                .isEqualTo(1);
    }

    /** If Redis forgot a nonce (lost, restarted, failed over), the database still refuses a second booking. */
    @Test
    void replayAfterRedisLostTheNonce_isStoppedByTheDatabase() throws Exception {
        Requests.register(a.uri(), "forgotten", PASSWORD);
        LoggedIn session = Requests.login(a.uri(), a.uri(), "forgotten", PASSWORD);
        SignedRequest signed = Requests.sign(session, "POST", "/api/transfer", TRANSFER);
        assertThat(Requests.send(a.uri(), signed, "POST", "/api/transfer", TRANSFER)
                        .statusCode())
                .isEqualTo(200);

        List<String> nonces = namespace.keys("{s:" + SessionIds.hash(session.sessionId()) + "}:nonce:*");
        assertThat(nonces).hasSize(1);
        namespace.redis().del(nonces.toArray(String[]::new));

        Requests.assertProblem(
                Requests.send(b.uri(), signed, "POST", "/api/transfer", TRANSFER), 401, "replayed_nonce");
        assertThat(transferRows(session)).isEqualTo(1);
    }

    /** A KE3 sent to both instances at the same moment: one login, one session, every time. */
    @Test
    void ke3SubmittedToBothInstancesAtOnce_createsExactlyOneSession() throws Exception {
        for (int round = 0; round < 20; round++) {
            // A user per round: 20 sessions of one user would pass the per-user cap and end the oldest.
            String user = "twice-" + round;
            Requests.register(a.uri(), user, PASSWORD);
            ClientLogin login = Requests.opaque().startLogin(PASSWORD);
            JsonNode started = Requests.json(Requests.postJson(
                    (round % 2 == 0 ? a : b).uri(),
                    "/login/start",
                    Requests.JSON
                            .createObjectNode()
                            .put("username", user)
                            .put(
                                    "ke1",
                                    Base64.getUrlEncoder()
                                            .withoutPadding()
                                            .encodeToString(login.ke1().encode()))
                            .toString()));
            ClientLoginResult result = login.finish(
                    Ke2.decode(Base64.getUrlDecoder().decode(started.get("ke2").asText())), Identities.none());
            String loginId = started.get("login_id").asText();
            int sessionsBefore = namespace.keys("{s:*}:session").size();

            TestServer[] both = {a, b};
            List<HttpResponse<String>> answers =
                    Race.run(2, i -> () -> Requests.finishLogin(both[i].uri(), loginId, result));
            for (HttpResponse<String> answer : answers) {
                if (answer.statusCode() != 200) {
                    Requests.assertProblem(answer, 401, "login_failed");
                }
            }
            assertThat(answers)
                    .as("round %d: successful finishes", round)
                    .filteredOn(answer -> answer.statusCode() == 200)
                    .hasSize(1);
            assertThat(namespace.keys("{s:*}:session")).hasSize(sessionsBefore + 1);
        }
    }

    /**
     * The login limit is one count in Redis, not one per instance: five login/starts spread over both instances use
     * up the burst, and the next is refused on either (each instance alone has seen at most three).
     */
    @Test
    void loginLimitIsSharedByBothInstances() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertThat(loginStart((i % 2 == 0 ? a : b).uri(), "shared-limit").statusCode())
                    .isEqualTo(200);
        }
        for (TestServer server : new TestServer[] {b, a}) {
            HttpResponse<String> refused = loginStart(server.uri(), "shared-limit");
            Requests.assertProblem(refused, 429, "rate_limited");
            assertThat(Long.parseLong(
                            refused.headers().firstValue("Retry-After").orElseThrow()))
                    .isBetween(1L, 30L);
        }
        // Keys name the username only through an HMAC, and every one of them expires.
        List<String> keys = namespace.keys("rl:*");
        assertThat(keys).isNotEmpty().noneMatch(key -> key.contains("shared-limit"));
        for (String key : keys) {
            assertThat(namespace.redis().pttl(key)).as(key).isPositive();
        }
    }

    @Test
    void racingRegistrationsAcrossInstances_exactlyOneWins() throws Exception {
        List<Boolean> won = Race.run(12, i -> {
            URI to = (i % 2 == 0 ? a : b).uri();
            byte[] password = ("password-" + i).getBytes(UTF_8);
            return () -> {
                try (OpaquePopClient client = OpaquePopClient.builder(to)
                        .ksfPolicy(TestServer.CLIENT_POLICY)
                        .build()) {
                    return Requests.registerUnlessTaken(client, "racer", password);
                }
            };
        });
        assertThat(won).as("registrations that succeeded").containsOnlyOnce(true);
        assertThat(namespace.count("SELECT count(*) FROM users WHERE username = ?", "racer"))
                .isEqualTo(1);
    }

    /**
     * Sends {@code copies} of one signed request at once, alternating between the instances; every copy that is
     * not a 200 must be a {@code replayed_nonce}.
     *
     * @return how many copies were answered 200
     */
    private int sendConcurrently(int copies, SignedRequest signed, String method, String target, String body)
            throws Exception {
        List<HttpResponse<String>> answers =
                Race.run(copies, i -> () -> Requests.send((i % 2 == 0 ? a : b).uri(), signed, method, target, body));
        int ok = 0;
        for (HttpResponse<String> answer : answers) {
            if (answer.statusCode() == 200) {
                ok++;
            } else {
                Requests.assertProblem(answer, 401, "replayed_nonce");
            }
        }
        return ok;
    }

    private static HttpResponse<String> loginStart(URI server, String username) throws Exception {
        return Requests.postJson(
                server,
                "/login/start",
                Requests.JSON
                        .createObjectNode()
                        .put("username", username)
                        .put(
                                "ke1",
                                Base64.getUrlEncoder()
                                        .withoutPadding()
                                        .encodeToString(Requests.opaque()
                                                .startLogin(PASSWORD)
                                                .ke1()
                                                .encode()))
                        .toString());
    }

    private long transferRows(LoggedIn session) throws Exception {
        return namespace.count(
                "SELECT count(*) FROM transfers WHERE session_hash = ?", SessionIds.hash(session.sessionId()));
    }
}
