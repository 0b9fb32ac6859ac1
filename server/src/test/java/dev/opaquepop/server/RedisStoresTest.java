package dev.opaquepop.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opaquepop.opaque.SecretBytes;
import dev.opaquepop.pop.PopKey;
import dev.opaquepop.server.limit.KnownAddresses;
import dev.opaquepop.server.limit.LimitSpec;
import dev.opaquepop.server.limit.TokenBuckets;
import dev.opaquepop.server.store.PendingLogin;
import dev.opaquepop.server.store.Session;
import dev.opaquepop.server.store.redis.RedisConnection;
import dev.opaquepop.server.store.redis.RedisLimitStorage;
import dev.opaquepop.server.store.redis.RedisNonceStore;
import dev.opaquepop.server.store.redis.RedisPendingLoginStore;
import dev.opaquepop.server.store.redis.RedisSessionStore;
import dev.opaquepop.server.store.redis.Sealer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Redis stores' contracts, hammered directly (no HTTP in between to spread the racers out): a nonce is
 * claimed once and a pending login taken once however many threads try at the same instant, and every key
 * expires.
 */
class RedisStoresTest {
    private static final Clock CLOCK = Clock.systemUTC();

    private static Namespace namespace;
    private static RedisConnection redis;
    private static Sealer sealer;

    @BeforeAll
    static void open() {
        if (!SharedInfrastructure.available()) {
            return;
        }
        namespace = SharedInfrastructure.newNamespace();
        redis = RedisConnection.open(SharedInfrastructure.REDIS_URL, Duration.ofSeconds(5), "test redis");
        sealer = Sealer.fromSetup(ServerSetups.decode(namespace.setup, "test setup"), Requests.RANDOM);
    }

    @BeforeEach
    void requireSharedInfrastructure() {
        SharedInfrastructure.assumeAvailable();
    }

    @AfterAll
    static void close() throws Exception {
        if (redis != null) {
            redis.close();
        }
        if (namespace != null) {
            namespace.close();
        }
    }

    @Test
    void nonceClaimedByManyThreadsAtOnce_isWonExactlyOnce() throws Exception {
        RedisNonceStore nonces = new RedisNonceStore(redis, namespace.prefix);
        String sessionId = randomId();
        for (int round = 0; round < 100; round++) {
            String nonce = "nonce-round-" + String.format("%05d", round);
            List<Boolean> wins = race(32, () -> nonces.claim(sessionId, nonce, Duration.ofSeconds(60)));
            assertThat(wins.stream().filter(won -> won)).as("round %d", round).hasSize(1);
        }
        assertThat(nonces.claim(randomId(), "nonce-round-00000", Duration.ofSeconds(60)))
                .as("the same nonce in another session")
                .isTrue();
    }

    @Test
    void pendingLoginTakenByManyThreadsAtOnce_isHandedOutExactlyOnce() throws Exception {
        RedisPendingLoginStore logins = new RedisPendingLoginStore(redis, namespace.prefix, sealer, CLOCK);
        for (int round = 0; round < 100; round++) {
            String loginId = randomId();
            logins.put(loginId, pendingLogin());
            List<Optional<PendingLogin>> taken = race(16, () -> logins.take(loginId));
            assertThat(taken.stream().filter(Optional::isPresent))
                    .as("round %d", round)
                    .hasSize(1);
        }
    }

    @Test
    void roundTrips_andEveryKeyExpires() throws Exception {
        RedisSessionStore sessions = new RedisSessionStore(redis, namespace.prefix, sealer, CLOCK);
        RedisPendingLoginStore logins = new RedisPendingLoginStore(redis, namespace.prefix, sealer, CLOCK);
        RedisNonceStore nonces = new RedisNonceStore(redis, namespace.prefix);

        byte[] key = new byte[32];
        Requests.RANDOM.nextBytes(key);
        Instant now = CLOCK.instant();
        Session session = new Session(randomId(), "alice", PopKey.fromBytes(key), now, now.plusSeconds(3600));
        sessions.put(session);
        Session found = sessions.find(session.sessionId()).orElseThrow();
        assertThat(found.username()).isEqualTo("alice");
        assertThat(found.createdAt()).isEqualTo(session.createdAt());
        assertThat(found.expiresAt()).isEqualTo(session.expiresAt());
        assertThat(found.popKey().secret().revealBytes()).isEqualTo(key);

        String loginId = randomId();
        PendingLogin login = pendingLogin();
        byte[] state = login.state().revealBytes();
        logins.put(loginId, login);
        PendingLogin taken = logins.take(loginId).orElseThrow();
        assertThat(taken.username()).isEqualTo("bob");
        assertThat(taken.state().revealBytes()).isEqualTo(state);
        assertThat(logins.take(loginId)).isEmpty();
        logins.put(randomId(), pendingLogin());
        nonces.claim(session.sessionId(), "abcdefghijklmnop", Duration.ofSeconds(60));

        List<String> keys = namespace.keys("*");
        assertThat(keys).hasSizeGreaterThanOrEqualTo(3);
        for (String k : keys) {
            // -1 would be a key without expiry: none may live forever.
            assertThat(namespace.redis().pttl(k)).as(k).isPositive();
        }
        long sessionTtl = namespace
                .redis()
                .pttl(keys.stream()
                        .filter(k -> k.endsWith(":session"))
                        .findFirst()
                        .orElseThrow());
        assertThat(sessionTtl).isBetween(3_600_000L, 3_600_000L + 300_000L);

        sessions.remove(session.sessionId());
        assertThat(sessions.find(session.sessionId())).isEmpty();
    }

    /** Bucket4j's compare-and-swap on Redis: 32 threads at once on a bucket of 10 get exactly 10 tokens. */
    @Test
    void rateLimitBucketRacedByManyThreads_handsOutExactlyItsBurst() throws Exception {
        RedisLimitStorage storage = new RedisLimitStorage(
                redis,
                namespace.prefix,
                ServerSetups.decode(namespace.setup, "test setup"),
                CLOCK,
                Duration.ofSeconds(5));
        TokenBuckets buckets = storage.buckets("race", LimitSpec.parse("--test", "10/1h"));
        for (int round = 0; round < 20; round++) {
            String subject = "racer-" + round;
            List<Boolean> taken = race(32, () -> buckets.take(subject).taken());
            assertThat(taken.stream().filter(t -> t)).as("round %d", round).hasSize(10);
            TokenBuckets.Take refused = buckets.take(subject);
            assertThat(refused.taken()).isFalse();
            assertThat(refused.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofHours(1));
        }
        buckets.giveBack("racer-0");
        assertThat(buckets.take("racer-0").taken()).isTrue();
        assertThat(buckets.take("racer-0").taken()).isFalse();
        buckets.forget("racer-0");
        for (int i = 0; i < 10; i++) {
            assertThat(buckets.take("racer-0").taken()).isTrue();
        }

        KnownAddresses known = storage.knownAddresses(Duration.ofDays(1));
        assertThat(known.isKnown("racer-1", "198.51.100.7")).isFalse();
        known.remember("racer-1", "198.51.100.7");
        assertThat(known.isKnown("racer-1", "198.51.100.7")).isTrue();
        assertThat(known.isKnown("racer-2", "198.51.100.7")).isFalse();

        List<String> keys = namespace.keys("rl:*");
        assertThat(keys).hasSize(21).noneMatch(k -> k.contains("racer") || k.contains("198.51"));
        for (String k : keys) {
            assertThat(namespace.redis().pttl(k)).as(k).isPositive();
        }
    }

    /** Runs {@code task} on {@code threads} threads released at the same instant. */
    private static <T> List<T> race(int threads, Callable<T> task) throws Exception {
        CyclicBarrier barrier = new CyclicBarrier(threads);
        List<Future<T>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (int i = 0; i < threads; i++) {
                futures.add(pool.submit(() -> {
                    barrier.await();
                    return task.call();
                }));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get());
            }
            return results;
        }
    }

    private static PendingLogin pendingLogin() {
        byte[] state = new byte[128];
        Requests.RANDOM.nextBytes(state);
        return new PendingLogin(
                "bob", SecretBytes.copyOf(state), CLOCK.instant().plusSeconds(60));
    }

    private static String randomId() {
        byte[] id = new byte[32];
        Requests.RANDOM.nextBytes(id);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(id);
    }
}
