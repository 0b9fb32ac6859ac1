package dev.opaquepop.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.opaquepop.pop.NonceStore;
import dev.opaquepop.server.limit.CallLimitedException;
import dev.opaquepop.server.limit.CallLimits;
import dev.opaquepop.server.limit.LimitSpec;
import dev.opaquepop.server.limit.LimitStorage;
import dev.opaquepop.server.limit.RateLimitedException;
import dev.opaquepop.server.limit.RateLimits;
import dev.opaquepop.server.store.memory.MemoryLimitStorage;
import dev.opaquepop.server.store.memory.MemoryNonceStore;
import dev.opaquepop.server.store.redis.RedisLimitStorage;
import dev.opaquepop.server.store.redis.RedisNonceStore;
import dev.opaquepop.testfixtures.HandMovedTime;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The limits on signed calls (issue 12 §2): per session a rate and a nonce quota, counted with the nonce claim;
 * per user a rate. The same scenario on the in-memory stores and on the real Redis, on hand-moved time.
 */
class SignedCallLimitsIT {
    /** On a second and on a 10-second period boundary, so the windows are predictable. */
    private static final Instant START = Instant.ofEpochSecond(1_800_000_000L);

    private static final CallLimits LIMITS = new CallLimits(3, 4, 5, Duration.ofSeconds(10));
    private static final Duration TTL = Duration.ofSeconds(66);
    private static final String SESSION = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    private static final String OTHER = "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";

    private final HandMovedTime time = new HandMovedTime(START);

    @Test
    void inMemory_sessionRateAndNonceQuota() {
        sessionScenario(new MemoryNonceStore(1000, LIMITS, 100, time.clock(), time::nanos));
    }

    @Test
    void inRedis_sessionRateAndNonceQuota() throws Exception {
        SharedInfrastructure.withRedis((namespace, redis) -> {
            namespace.liveSession(SESSION);
            namespace.liveSession(OTHER);
            sessionScenario(new RedisNonceStore(redis, namespace.prefix, LIMITS, time.clock()));
            assertThat(namespace.keys("*").stream().map(k -> namespace.redis().pttl(k)))
                    .as("every key expires")
                    .allSatisfy(ttl -> assertThat(ttl).isPositive());
        });
    }

    @Test
    void inMemory_userRate() throws Exception {
        userScenario(new MemoryLimitStorage(100, time.clock(), Ticker.systemTicker()));
    }

    @Test
    void inRedis_userRate() throws Exception {
        SharedInfrastructure.withRedis((namespace, redis) -> userScenario(new RedisLimitStorage(
                redis,
                namespace.prefix,
                ServerSetups.decode(namespace.setup, "test setup"),
                time.clock(),
                Duration.ofSeconds(5))));
    }

    /**
     * Over HTTP: 429 {@code rate_limited} problem+json with {@code Retry-After}, for the session's rate and for the
     * user's (two sessions together); the next second admits again. The server's clock stands still but where the
     * test moves it, so every call falls in a known second (a wide PoP window keeps the client's real-time stamps
     * passing however slowly the machine runs).
     */
    @Test
    void overHttp_429WithRetryAfter_perSessionAndPerUser(@TempDir Path data) throws Exception {
        HandMovedTime now = new HandMovedTime(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        try (TestServer server = TestServer.start(
                data,
                b -> b.clock(now.clock())
                        .popWindow(Duration.ofMinutes(5))
                        .callLimitSession(2)
                        .callLimitUser(3))) {
            byte[] password = "correct horse".getBytes(StandardCharsets.UTF_8);
            Requests.register(server.uri(), "carol", password);
            Requests.LoggedIn first = Requests.login(server.uri(), server.uri(), "carol", password);
            Requests.LoggedIn second = Requests.login(server.uri(), server.uri(), "carol", password);

            assertThat(me(server, first).statusCode()).isEqualTo(200);
            assertThat(me(server, first).statusCode()).isEqualTo(200);
            assertLimited(me(server, first)); // the session's third in this second
            assertThat(me(server, second).statusCode()).isEqualTo(200);
            assertLimited(me(server, second)); // the user's fourth in this second

            now.advance(Duration.ofSeconds(1));
            assertThat(me(server, first).statusCode()).isEqualTo(200);
            assertThat(Requests.get(server.uri(), "/metrics").body())
                    .contains("opaque_pop_rate_limited_total{limit=\"call_session\"} 1.0")
                    .contains("opaque_pop_rate_limited_total{limit=\"call_user\"} 1.0");
        }
    }

    private static HttpResponse<String> me(TestServer server, Requests.LoggedIn session) throws Exception {
        return Requests.signed(server.uri(), session, "GET", "/api/me", "");
    }

    private static void assertLimited(HttpResponse<String> response) throws Exception {
        BadInputTest.assertProblem(response, 429, "rate_limited");
        assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
    }

    @Test
    void off_countsNothing() {
        NonceStore nonces = new MemoryNonceStore(1000, CallLimits.off(), 100, time.clock(), time::nanos);
        for (int i = 0; i < 100; i++) {
            assertThat(nonces.claim(SESSION, nonce(i), TTL)).isTrue();
        }
    }

    /** 3 calls a second and 5 nonces per 10 s for each session; replays and refused calls count for nothing. */
    private void sessionScenario(NonceStore nonces) {
        assertThat(nonces.claim(SESSION, nonce(1), TTL)).isTrue();
        assertThat(nonces.claim(SESSION, nonce(2), TTL)).isTrue();
        assertThat(nonces.claim(SESSION, nonce(1), TTL)).as("a replay").isFalse();
        assertThat(nonces.claim(SESSION, nonce(3), TTL)).isTrue();
        time.advance(Duration.ofMillis(250));
        CallLimitedException overRate =
                catchThrowableOfType(CallLimitedException.class, () -> nonces.claim(SESSION, nonce(4), TTL));
        assertThat(overRate).as("a fourth call in the same second").isNotNull();
        assertThat(overRate.refusal().limit()).isEqualTo(CallLimits.CALL_SESSION);
        assertThat(overRate.refusal().retryAfter()).isEqualTo(Duration.ofMillis(750));
        assertThat(nonces.claim(SESSION, nonce(2), TTL))
                .as("a replay is a replay even over the limit")
                .isFalse();
        assertThat(nonces.claim(OTHER, nonce(4), TTL))
                .as("another session has its own counts")
                .isTrue();

        time.advance(Duration.ofMillis(750)); // the next second
        assertThat(nonces.claim(SESSION, nonce(4), TTL))
                .as("the refused call's nonce was not kept")
                .isTrue();
        assertThat(nonces.claim(SESSION, nonce(5), TTL)).isTrue();
        CallLimitedException overQuota =
                catchThrowableOfType(CallLimitedException.class, () -> nonces.claim(SESSION, nonce(6), TTL));
        assertThat(overQuota).as("a sixth nonce in the same period").isNotNull();
        assertThat(overQuota.refusal().limit()).isEqualTo(CallLimits.NONCE_QUOTA);
        assertThat(overQuota.refusal().retryAfterSeconds()).isEqualTo(9);
        time.advance(Duration.ofSeconds(5));
        assertThatThrownBy(() -> nonces.claim(SESSION, nonce(6), TTL)).isInstanceOf(CallLimitedException.class);

        time.set(Duration.ofSeconds(10)); // the next period
        assertThat(nonces.claim(SESSION, nonce(6), TTL)).isTrue();
        assertThat(nonces.claim(SESSION, nonce(1), TTL))
                .as("older nonces are still kept: the quota counts, it never forgets")
                .isFalse();
    }

    /** 4 calls a second per user, whichever session makes them. */
    private void userScenario(LimitStorage storage) throws Exception {
        RateLimits limits = RateLimits.of(
                storage,
                LimitSpec.parse("--test", "5/1s"),
                LimitSpec.parse("--test", "5/1s"),
                LimitSpec.parse("--test", "5/1s"),
                LimitSpec.parse("--test", "5/1s"),
                Duration.ZERO,
                LIMITS);
        for (int i = 0; i < 4; i++) {
            limits.signedCall("alice");
        }
        time.advance(Duration.ofMillis(400));
        RateLimitedException refused =
                catchThrowableOfType(RateLimitedException.class, () -> limits.signedCall("alice"));
        assertThat(refused).as("a fifth call in the same second").isNotNull();
        assertThat(refused.limit()).isEqualTo(CallLimits.CALL_USER);
        assertThat(refused.retryAfter()).isEqualTo(Duration.ofMillis(600));
        assertThat(refused.retryAfterSeconds()).isEqualTo(1);
        limits.signedCall("bob");
        time.advance(Duration.ofMillis(600));
        limits.signedCall("alice");
    }

    private static String nonce(int i) {
        return "nonce-" + "0".repeat(16) + i;
    }
}
