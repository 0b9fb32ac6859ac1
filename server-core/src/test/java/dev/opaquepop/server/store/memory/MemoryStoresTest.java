package dev.opaquepop.server.store.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.opaquepop.opaque.SecretBytes;
import dev.opaquepop.pop.LoginPurpose;
import dev.opaquepop.pop.PopKey;
import dev.opaquepop.server.store.CapacityExceededException;
import dev.opaquepop.server.store.PendingLogin;
import dev.opaquepop.server.store.PendingLoginLimitException;
import dev.opaquepop.server.store.RecordTag;
import dev.opaquepop.server.store.Session;
import dev.opaquepop.server.store.SessionSummary;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The memory stores' per-user contracts: the same as the Redis stores' (RedisStoresIT), without Redis. */
class MemoryStoresTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

    @Test
    void pendingLoginCap_countsUnfinishedLogins_andFreesAPlaceOnTake() throws Exception {
        MemoryPendingLoginStore logins =
                new MemoryPendingLoginStore(1000, Duration.ofSeconds(60), CLOCK, Ticker.systemTicker());
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String id = randomId();
            logins.put(id, pendingLogin("bob"), 3);
            ids.add(id);
        }
        assertThatThrownBy(() -> logins.put(randomId(), pendingLogin("bob"), 3))
                .isInstanceOfSatisfying(
                        PendingLoginLimitException.class,
                        e -> assertThat(e.retryAt()).isEqualTo(CLOCK.instant().plusSeconds(60)));
        logins.put(randomId(), pendingLogin("carol"), 3);
        assertThat(logins.take(ids.get(0))).isPresent();
        logins.put(randomId(), pendingLogin("bob"), 3);
        assertThatThrownBy(() -> logins.put(randomId(), pendingLogin("bob"), 3))
                .isInstanceOf(PendingLoginLimitException.class);
    }

    /**
     * A full store refuses new logins rather than dropping pending ones: a login/start flood (each source under its
     * own limit) must not evict a real user's login between its start and its finish.
     */
    @Test
    void fullPendingLoginStore_refusesNewLogins_andKeepsThePendingOnes() throws Exception {
        MemoryPendingLoginStore logins =
                new MemoryPendingLoginStore(3, Duration.ofSeconds(60), CLOCK, Ticker.systemTicker());
        String real = randomId();
        logins.put(real, pendingLogin("alice"), 8);
        logins.put(randomId(), pendingLogin("flood-1"), 8);
        logins.put(randomId(), pendingLogin("flood-2"), 8);
        for (int i = 3; i < 50; i++) {
            String user = "flood-" + i;
            assertThatThrownBy(() -> logins.put(randomId(), pendingLogin(user), 8))
                    .isInstanceOf(CapacityExceededException.class);
        }
        assertThat(logins.take(real)).as("the real user's login, at its finish").isPresent();
        logins.put(randomId(), pendingLogin("bob"), 8); // a finished login frees its place
    }

    @Test
    void pendingLoginCap_racingStarts_admitExactlyTheCap() throws Exception {
        MemoryPendingLoginStore logins =
                new MemoryPendingLoginStore(100_000, Duration.ofSeconds(60), CLOCK, Ticker.systemTicker());
        for (int round = 0; round < 50; round++) {
            String user = "racer-" + round;
            CyclicBarrier barrier = new CyclicBarrier(32);
            List<Future<Boolean>> admitted = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(32)) {
                for (int i = 0; i < 32; i++) {
                    admitted.add(pool.submit(() -> {
                        barrier.await();
                        try {
                            logins.put(randomId(), pendingLogin(user), 8);
                            return true;
                        } catch (PendingLoginLimitException e) {
                            return false;
                        }
                    }));
                }
                int count = 0;
                for (Future<Boolean> future : admitted) {
                    count += future.get() ? 1 : 0;
                }
                assertThat(count).as("round %d", round).isEqualTo(8);
            }
        }
    }

    @Test
    void sessionCap_endsTheOldest_listAndRemoveWorkPerUser() {
        MemorySessionStore sessions = new MemorySessionStore(1000, CLOCK, Ticker.systemTicker());
        List<Session> created = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Session session = session("capped", CLOCK.instant().plusSeconds(i));
            assertThat(sessions.create(session, 3)).isEqualTo(i < 3 ? 0 : 1);
            created.add(session);
        }
        Session other = session("other", CLOCK.instant());
        sessions.create(other, 3);
        assertThat(sessions.find(created.get(0).sessionId())).isEmpty();
        assertThat(sessions.list("capped"))
                .extracting(SessionSummary::idHash)
                .containsExactlyInAnyOrder(
                        created.get(1).idHash(),
                        created.get(2).idHash(),
                        created.get(3).idHash());
        assertThat(sessions.remove("capped", other.idHash()))
                .as("another user's session")
                .isFalse();
        assertThat(sessions.find(other.sessionId())).isPresent();
        assertThat(sessions.removeAll("capped", created.get(3).idHash())).isEqualTo(2);
        assertThat(sessions.list("capped"))
                .extracting(SessionSummary::idHash)
                .containsExactly(created.get(3).idHash());

        Session used = created.get(3).usedAt(CLOCK.instant().plusSeconds(30), "192.0.2.9", Duration.ofMinutes(15));
        sessions.update(used);
        assertThat(sessions.find(used.sessionId()).orElseThrow().clientAddress())
                .isEqualTo("192.0.2.9");
        assertThat(sessions.remove("capped", used.idHash())).isTrue();
        sessions.update(used);
        assertThat(sessions.find(used.sessionId()))
                .as("an update never resurrects")
                .isEmpty();
        assertThat(sessions.list("capped")).isEmpty();
    }

    private static Session session(String user, Instant createdAt) {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
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

    private static PendingLogin pendingLogin(String user) {
        byte[] state = new byte[128];
        RANDOM.nextBytes(state);
        return new PendingLogin(
                user, RecordTag.NONE, SecretBytes.copyOf(state), CLOCK.instant().plusSeconds(60));
    }

    private static String randomId() {
        byte[] id = new byte[32];
        RANDOM.nextBytes(id);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(id);
    }
}
