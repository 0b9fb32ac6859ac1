package dev.opaquepop.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opaquepop.opaque.SecretBytes;
import dev.opaquepop.pop.LoginPurpose;
import dev.opaquepop.pop.PopKey;
import dev.opaquepop.server.limit.CallLimits;
import dev.opaquepop.server.limit.KnownAddresses;
import dev.opaquepop.server.limit.LimitSpec;
import dev.opaquepop.server.limit.TokenBuckets;
import dev.opaquepop.server.store.PendingLogin;
import dev.opaquepop.server.store.PendingLoginLimitException;
import dev.opaquepop.server.store.RecordTag;
import dev.opaquepop.server.store.Session;
import dev.opaquepop.server.store.SessionEndedException;
import dev.opaquepop.server.store.SessionSummary;
import dev.opaquepop.server.store.redis.RedisConnection;
import dev.opaquepop.server.store.redis.RedisLimitStorage;
import dev.opaquepop.server.store.redis.RedisNonceStore;
import dev.opaquepop.server.store.redis.RedisPendingLoginStore;
import dev.opaquepop.server.store.redis.RedisSessionStore;
import dev.opaquepop.server.store.redis.Sealer;
import dev.opaquepop.testfixtures.Race;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The Redis stores' contracts, hammered directly (no HTTP in between to spread the racers out): a nonce is
 * claimed once and a pending login taken once however many threads try at the same instant, the per-user caps
 * hold under races, and every key expires. Run against each kind of Redis by a subclass: {@link RedisStoresIT}
 * (one server) and {@link ClusterRedisStoresIT} (a Redis Cluster, where every command and script must name keys
 * of one hash slot).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RedisStoresSuite {
    private static final Clock CLOCK = Clock.systemUTC();

    private final RedisUnderTest target;
    private Namespace namespace;
    private RedisConnection redis;
    private Sealer sealer;

    RedisStoresSuite(RedisUnderTest target) {
        this.target = target;
    }

    @BeforeAll
    void open() throws Exception {
        if (!target.available()) {
            return;
        }
        namespace = target.openNamespace();
        redis = target.connect(Duration.ofSeconds(5));
        sealer = Sealer.fromSetup(ServerSetups.decode(namespace.setup, "test setup"), Requests.RANDOM);
    }

    @BeforeEach
    void requireSharedInfrastructure() {
        target.assumeAvailable();
    }

    @AfterAll
    void close() throws Exception {
        try {
            if (redis != null) {
                redis.close();
            }
            if (namespace != null) {
                namespace.close();
            }
        } finally {
            target.close();
        }
    }

    @Test
    void nonceClaimedByManyThreadsAtOnce_isWonExactlyOnce() throws Exception {
        RedisSessionStore sessions = new RedisSessionStore(redis, namespace.prefix, sealer, CLOCK, Duration.ZERO);
        RedisNonceStore nonces = new RedisNonceStore(redis, namespace.prefix);
        Session session = session("racer", CLOCK.instant());
        sessions.create(session, 16);
        String sessionId = session.sessionId();
        for (int round = 0; round < 100; round++) {
            String nonce = "nonce-round-" + String.format("%05d", round);
            List<Boolean> wins = Race.run(32, i -> () -> nonces.claim(sessionId, nonce, Duration.ofSeconds(60)));
            assertThat(wins.stream().filter(won -> won)).as("round %d", round).hasSize(1);
        }
        Session other = session("racer", CLOCK.instant());
        sessions.create(other, 16);
        assertThat(nonces.claim(other.sessionId(), "nonce-round-00000", Duration.ofSeconds(60)))
                .as("the same nonce in another session")
                .isTrue();
    }

    @Test
    void pendingLoginTakenByManyThreadsAtOnce_isHandedOutExactlyOnce() throws Exception {
        RedisPendingLoginStore logins = new RedisPendingLoginStore(redis, namespace.prefix, sealer, CLOCK);
        for (int round = 0; round < 100; round++) {
            String loginId = randomId();
            logins.put(loginId, pendingLogin(), 1000);
            List<Optional<PendingLogin>> taken = Race.run(16, i -> () -> logins.take(loginId));
            assertThat(taken.stream().filter(Optional::isPresent))
                    .as("round %d", round)
                    .hasSize(1);
        }
    }

    @Test
    void roundTrips_andEveryKeyExpires() throws Exception {
        RedisSessionStore sessions = new RedisSessionStore(redis, namespace.prefix, sealer, CLOCK, Duration.ZERO);
        RedisPendingLoginStore logins = new RedisPendingLoginStore(redis, namespace.prefix, sealer, CLOCK);
        RedisNonceStore nonces = new RedisNonceStore(redis, namespace.prefix);

        byte[] key = new byte[32];
        Requests.RANDOM.nextBytes(key);
        Instant now = CLOCK.instant();
        Session session = Session.created(
                randomId(),
                "alice",
                PopKey.fromBytes(key),
                now,
                Duration.ofMinutes(15),
                Duration.ofHours(1),
                "192.0.2.1",
                RecordTag.NONE,
                LoginPurpose.SIGN_IN);
        sessions.create(session, 16);
        Session found = sessions.find(session.sessionId()).orElseThrow();
        assertThat(found.username()).isEqualTo("alice");
        assertThat(found.createdAt()).isEqualTo(session.createdAt());
        assertThat(found.expiresAt()).isEqualTo(session.expiresAt());
        assertThat(found.idleExpiresAt()).isEqualTo(session.idleExpiresAt());
        assertThat(found.clientAddress()).isEqualTo("192.0.2.1");
        assertThat(found.popKey().secret().revealBytes()).isEqualTo(key);

        String loginId = randomId();
        PendingLogin login = pendingLogin();
        byte[] state = login.state().revealBytes();
        logins.put(loginId, login, 8);
        PendingLogin taken = logins.take(loginId).orElseThrow();
        assertThat(taken.username()).isEqualTo("bob");
        assertThat(taken.state().revealBytes()).isEqualTo(state);
        assertThat(logins.take(loginId)).isEmpty();
        logins.put(randomId(), pendingLogin(), 8);
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
        // The idle deadline (15 min) comes before the absolute one (1 h): the key lives until it, plus 5 min grace.
        assertThat(sessionTtl).isBetween(800_000L, 900_000L + 300_000L);

        assertThat(sessions.remove("alice", session.idHash())).isTrue();
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
            List<Boolean> taken = Race.run(32, i -> () -> buckets.take(subject).taken());
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

    /** Of 32 login/starts of one username at the same instant on a cap of 8, exactly 8 are admitted. */
    @Test
    void pendingLoginCap_racingStarts_admitExactlyTheCap() throws Exception {
        RedisPendingLoginStore logins = new RedisPendingLoginStore(redis, namespace.prefix, sealer, CLOCK);
        for (int round = 0; round < 20; round++) {
            String user = "racer-" + round;
            List<Boolean> admitted = Race.run(32, i -> () -> {
                try {
                    logins.put(randomId(), pendingLogin(user), 8);
                    return true;
                } catch (PendingLoginLimitException e) {
                    assertThat(e.retryAt()).isAfter(CLOCK.instant());
                    return false;
                }
            });
            assertThat(admitted.stream().filter(ok -> ok)).as("round %d", round).hasSize(8);
        }
    }

    /** Over the per-user cap the oldest sessions end; members of sessions that vanished are not counted. */
    @Test
    void sessionCap_endsTheOldest_andIgnoresVanishedSessions() throws Exception {
        RedisSessionStore sessions = new RedisSessionStore(redis, namespace.prefix, sealer, CLOCK, Duration.ZERO);
        String user = "capped";
        Instant start = CLOCK.instant();
        List<Session> created = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Session session = session(user, start.plusSeconds(i));
            assertThat(sessions.create(session, 3)).isEqualTo(i < 3 ? 0 : 1);
            created.add(session);
        }
        assertThat(sessions.find(created.get(0).sessionId())).as("the oldest").isEmpty();
        assertThat(sessions.list(user))
                .extracting(SessionSummary::idHash)
                .containsExactlyInAnyOrder(
                        created.get(1).idHash(),
                        created.get(2).idHash(),
                        created.get(3).idHash());

        // A session that expired on its own (its key gone) leaves a member behind; it must not cost a live one.
        namespace.redis().del(namespace.prefix + "{s:" + created.get(1).idHash() + "}:session");
        assertThat(sessions.create(session(user, start.plusSeconds(10)), 3)).isZero();
        assertThat(sessions.find(created.get(2).sessionId())).isPresent();

        assertThat(sessions.removeAll(user, created.get(3).idHash())).isEqualTo(2);
        assertThat(sessions.list(user))
                .extracting(SessionSummary::idHash)
                .containsExactly(created.get(3).idHash());
        assertThat(sessions.remove(user, created.get(3).idHash())).isTrue();
        assertThat(sessions.remove(user, created.get(3).idHash())).isFalse();
        assertThat(sessions.list(user)).isEmpty();
    }

    /**
     * Signed calls may read a session from the instance's cache: a session ended through another instance (here:
     * another store object, and a key deleted behind both) is still found there, and refused by the claim, which
     * checks the session's key in the same script, with or without call limits. The instance's own ending drops
     * its cache entry at once.
     */
    @Test
    void cachedSession_endedElsewhere_isRefusedAtTheClaim() {
        RedisSessionStore here = new RedisSessionStore(redis, namespace.prefix, sealer, CLOCK, Duration.ofMinutes(1));
        RedisSessionStore there = new RedisSessionStore(redis, namespace.prefix, sealer, CLOCK, Duration.ZERO);
        RedisNonceStore plain = new RedisNonceStore(redis, namespace.prefix);
        RedisNonceStore counted = new RedisNonceStore(
                redis, namespace.prefix, new CallLimits(1000, 2000, 100_000, Duration.ofSeconds(66)), CLOCK);
        Session session = session("cached", CLOCK.instant());
        here.create(session, 16);
        assertThat(here.findForCall(session.sessionId())).isPresent();
        assertThat(plain.claim(session.sessionId(), "cached-nonce-00001", Duration.ofSeconds(60)))
                .isTrue();
        assertThat(counted.claim(session.sessionId(), "cached-nonce-00002", Duration.ofSeconds(60)))
                .isTrue();

        assertThat(there.remove("cached", session.idHash())).isTrue();
        assertThat(here.findForCall(session.sessionId()))
                .as("still cached here")
                .isPresent();
        for (RedisNonceStore nonces : List.of(plain, counted)) {
            assertThatThrownBy(() -> nonces.claim(session.sessionId(), "cached-nonce-00003", Duration.ofSeconds(60)))
                    .isInstanceOf(SessionEndedException.class);
        }
        assertThat(namespace.keys("*cached-nonce-00003")).as("nothing claimed").isEmpty();

        Session mine = session("cached", CLOCK.instant());
        here.create(mine, 16);
        assertThat(here.findForCall(mine.sessionId())).isPresent();
        here.remove("cached", mine.idHash());
        assertThat(here.findForCall(mine.sessionId()))
                .as("ended here: not cached")
                .isEmpty();
    }

    /** A recorded use never brings back a session that ended meanwhile. */
    @Test
    void updateOfAnEndedSession_doesNotResurrectIt() {
        RedisSessionStore sessions = new RedisSessionStore(redis, namespace.prefix, sealer, CLOCK, Duration.ZERO);
        Session session = session("updater", CLOCK.instant());
        sessions.create(session, 16);
        Session used = session.usedAt(CLOCK.instant().plusSeconds(30), "192.0.2.7", Duration.ofMinutes(15));
        sessions.update(used);
        assertThat(sessions.find(session.sessionId()).orElseThrow().lastUsedAt())
                .isEqualTo(used.lastUsedAt());
        sessions.remove("updater", session.idHash());
        sessions.update(used);
        assertThat(sessions.find(session.sessionId())).isEmpty();
    }

    private static Session session(String user, Instant createdAt) {
        byte[] key = new byte[32];
        Requests.RANDOM.nextBytes(key);
        return Session.created(
                randomId(),
                user,
                PopKey.fromBytes(key),
                createdAt,
                Duration.ofMinutes(15),
                Duration.ofHours(1),
                "192.0.2.1",
                RecordTag.NONE,
                LoginPurpose.SIGN_IN);
    }

    private static PendingLogin pendingLogin() {
        return pendingLogin("bob");
    }

    private static PendingLogin pendingLogin(String user) {
        byte[] state = new byte[128];
        Requests.RANDOM.nextBytes(state);
        return new PendingLogin(
                user, RecordTag.NONE, SecretBytes.copyOf(state), CLOCK.instant().plusSeconds(60));
    }

    private static String randomId() {
        byte[] id = new byte[32];
        Requests.RANDOM.nextBytes(id);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(id);
    }
}
