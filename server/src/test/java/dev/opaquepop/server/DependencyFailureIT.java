package dev.opaquepop.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opaquepop.server.Requests.LoggedIn;
import dev.opaquepop.server.store.StoreException;
import dev.opaquepop.server.store.redis.RedisConnection;
import dev.opaquepop.server.store.redis.RedisNonceStore;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL or Redis failing under a running instance, produced with a {@link TcpProxy} between them (the
 * machine's services are never touched): every affected request is a clean 503 with Retry-After within a bound
 * set by the configured timeouts (never a 500, never a hang), readiness says which dependency is down, what does
 * not need the failed dependency keeps working, and once it is back the same instance serves again.
 */
class DependencyFailureIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    /** Redis: one command timeout. PostgreSQL: a borrow (validation included) and one statement: 2 timeouts. */
    private static final Duration BOUND = TIMEOUT.multipliedBy(3);

    private static final Duration RECOVERY = Duration.ofSeconds(20);
    private static final byte[] PASSWORD = "correct horse battery staple".getBytes(UTF_8);
    private static final String TRANSFER = "{\"to\":\"bob\",\"amount\":\"1.00\"}";

    @TempDir
    Path data;

    private Namespace namespace;
    private TcpProxy postgres;
    private TcpProxy redis;
    private TestServer server;
    private LoggedIn session;
    private final List<Integer> statuses = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        SharedInfrastructure.assumeAvailable();
        namespace = SharedInfrastructure.newNamespace();
        postgres = TcpProxy.toDatabase();
        redis = TcpProxy.toRedis();
        server = TestServer.start(data, b -> {
            namespace.configure(
                    b, postgres.through(SharedInfrastructure.DB_URL), redis.through(SharedInfrastructure.REDIS_URL));
            b.dbTimeout(TIMEOUT).redisTimeout(TIMEOUT).dbPoolSize(4);
        });
        Requests.register(server.uri(), "alice", PASSWORD);
        session = Requests.login(server.uri(), server.uri(), "alice", PASSWORD);
    }

    @AfterEach
    void stop() throws Exception {
        try {
            if (server != null) {
                server.close();
            }
            for (TcpProxy proxy : new TcpProxy[] {postgres, redis}) {
                if (proxy != null) {
                    proxy.close();
                }
            }
        } finally {
            if (namespace != null) {
                namespace.close();
            }
        }
        assertThat(statuses).as("no request may ever be answered 500").doesNotContain(500);
    }

    @Test
    void redisDown_answers503_rateLimitedRoutesToo_andTheInstanceRecovers() throws Exception {
        redis.cut();

        assertUnavailableInTime(() -> me());
        assertUnavailableInTime(() -> transfer());
        assertUnavailableInTime(() -> loginStart("alice"));
        assertUnavailableInTime(() -> Requests.postJson(
                server.uri(),
                "/login/finish",
                "{\"login_id\":\"x\",\"ke3\":\"" + Base64.getUrlEncoder().encodeToString(new byte[64]) + "\"}"));
        // Registration is counted per client address in Redis: without it, refused rather than unlimited.
        assertUnavailableInTime(() -> registerStart("bob"));
        assertReadiness(503, "down", "up");

        redis.restore();
        awaitRecovery(this::me);
        Requests.register(server.uri(), "bob", PASSWORD);
        assertThat(record(transfer()).statusCode()).isEqualTo(200);
        assertThat(Requests.login(server.uri(), server.uri(), "bob", PASSWORD)).isNotNull();
        assertReadiness(200, "up", "up");
    }

    /** A partition: nothing answers and nothing is reset; the old connection stays silent for good. */
    @Test
    void redisUnresponsive_answers503WithinTheTimeout_andTheInstanceRecovers() throws Exception {
        redis.blackhole();

        for (int i = 0; i < 3; i++) {
            assertUnavailableInTime(() -> me());
        }
        assertUnavailableInTime(() -> transfer());
        // The rate limits wait on Redis through Bucket4j: bounded by the same timeout.
        assertUnavailableInTime(() -> loginStart("alice"));
        assertUnavailableInTime(() -> registerStart("bob"));
        assertReadiness(503, "down", "up");

        redis.restore();
        awaitRecovery(this::me);
        assertThat(record(transfer()).statusCode()).isEqualTo(200);
        assertReadiness(200, "up", "up");
    }

    @Test
    void postgresDown_answers503_sessionsStillWork_andTheInstanceRecovers() throws Exception {
        postgres.cut();

        assertUnavailableInTime(() -> transfer());
        assertUnavailableInTime(() -> transfers());
        assertUnavailableInTime(() -> loginStart("alice"));
        assertUnavailableInTime(() -> Requests.postJson(
                server.uri(),
                "/register/start",
                "{\"username\":\"carol\",\"registration_request\":\"" + registrationRequest() + "\"}"));
        assertReadiness(503, "up", "down");
        // Signed reads that need only the session (Redis) keep working.
        assertThat(record(me()).statusCode()).isEqualTo(200);

        postgres.restore();
        awaitRecovery(this::transfers);
        assertThat(record(transfer()).statusCode()).isEqualTo(200);
        Requests.register(server.uri(), "carol", PASSWORD);
        assertReadiness(200, "up", "up");
    }

    @Test
    void postgresUnresponsive_answers503WithinTheTimeout_andTheInstanceRecovers() throws Exception {
        postgres.blackhole();

        for (int i = 0; i < 3; i++) {
            assertUnavailableInTime(() -> transfer());
        }
        assertUnavailableInTime(() -> loginStart("alice"));
        assertReadiness(503, "up", "down");

        postgres.restore();
        awaitRecovery(this::transfers);
        assertThat(record(transfer()).statusCode()).isEqualTo(200);
        assertReadiness(200, "up", "up");
    }

    /** Fail closed: a nonce is never accepted unchecked, and a failure is not mistaken for a replay either. */
    @Test
    void nonceClaimWhileRedisIsDown_throwsRatherThanAccepting() throws Exception {
        try (RedisConnection connection =
                RedisConnection.open(redis.through(SharedInfrastructure.REDIS_URL), TIMEOUT, "proxied redis")) {
            RedisNonceStore nonces = new RedisNonceStore(connection, namespace.prefix);
            assertThat(nonces.claim(session.sessionId(), "first-nonce-0000", Duration.ofSeconds(60)))
                    .isTrue();
            redis.cut();
            assertThatThrownBy(() -> nonces.claim(session.sessionId(), "second-nonce-000", Duration.ofSeconds(60)))
                    .isInstanceOf(StoreException.class);
            redis.blackhole();
            assertThatThrownBy(() -> nonces.claim(session.sessionId(), "third-nonce-0000", Duration.ofSeconds(60)))
                    .isInstanceOf(StoreException.class);
        }
    }

    // ---- helpers

    private HttpResponse<String> me() throws Exception {
        return Requests.signed(server.uri(), session, "GET", "/api/me", "");
    }

    private HttpResponse<String> transfer() throws Exception {
        return Requests.signed(server.uri(), session, "POST", "/api/transfer", TRANSFER);
    }

    private HttpResponse<String> transfers() throws Exception {
        return Requests.signed(server.uri(), session, "GET", "/api/transfers", "");
    }

    private HttpResponse<String> loginStart(String username) throws Exception {
        String ke1 = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(Requests.opaque().startLogin(PASSWORD).ke1().encode());
        return Requests.postJson(
                server.uri(), "/login/start", "{\"username\":\"" + username + "\",\"ke1\":\"" + ke1 + "\"}");
    }

    private HttpResponse<String> registerStart(String username) throws Exception {
        return Requests.postJson(
                server.uri(),
                "/register/start",
                "{\"username\":\"" + username + "\",\"registration_request\":\"" + registrationRequest() + "\"}");
    }

    private static String registrationRequest() throws Exception {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(
                        Requests.opaque().startRegistration(PASSWORD).request().encode());
    }

    private HttpResponse<String> record(HttpResponse<String> response) {
        statuses.add(response.statusCode());
        return response;
    }

    private void assertUnavailableInTime(Callable<HttpResponse<String>> request) throws Exception {
        long started = System.nanoTime();
        HttpResponse<String> response = record(request.call());
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        System.out.printf("DependencyFailureIT: 503 after %d ms%n", took.toMillis());
        Requests.assertUnavailable(response);
        assertThat(took).as("time to the 503").isLessThan(BOUND);
    }

    /** /healthz/ready's answer and each dependency's state; liveness stays 200 throughout. */
    private void assertReadiness(int status, String sessions, String database) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        HttpResponse<String> ready;
        do {
            // Readiness is cached for a second: wait out a stale answer.
            ready = record(Requests.get(server.uri(), "/healthz/ready"));
        } while (ready.statusCode() != status && System.nanoTime() < deadline && pause());
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(status);
        JsonNode checks = Requests.json(ready).get("checks");
        assertThat(checks.at("/sessions/status").asText()).isEqualTo(sessions);
        assertThat(checks.at("/database/status").asText()).isEqualTo(database);
        if (status == 503) {
            assertThat(ready.headers().firstValue("Retry-After")).isPresent();
        }
        assertThat(record(Requests.get(server.uri(), "/healthz/live")).statusCode())
                .isEqualTo(200);
    }

    /** Polls until the request succeeds; every answer on the way must be a 200 or a clean 503. */
    private void awaitRecovery(Callable<HttpResponse<String>> request) throws Exception {
        long started = System.nanoTime();
        while (true) {
            HttpResponse<String> response = record(request.call());
            if (response.statusCode() == 200) {
                System.out.printf(
                        "DependencyFailureIT: served again %d ms after the dependency came back%n",
                        Duration.ofNanos(System.nanoTime() - started).toMillis());
                return;
            }
            Requests.assertUnavailable(response);
            assertThat(Duration.ofNanos(System.nanoTime() - started))
                    .as("recovery")
                    .isLessThan(RECOVERY);
            pause();
        }
    }

    private static boolean pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return true;
    }
}
