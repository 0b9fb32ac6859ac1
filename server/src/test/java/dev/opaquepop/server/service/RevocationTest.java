package dev.opaquepop.server.service;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opaquepop.opaque.ClientRegistration;
import dev.opaquepop.opaque.Identities;
import dev.opaquepop.opaque.Ksf;
import dev.opaquepop.opaque.OpaqueClient;
import dev.opaquepop.opaque.OpaqueConfig;
import dev.opaquepop.opaque.OpaqueServer;
import dev.opaquepop.opaque.RegistrationRecord;
import dev.opaquepop.opaque.SecretBytes;
import dev.opaquepop.opaque.ServerSetup;
import dev.opaquepop.pop.IncomingRequest;
import dev.opaquepop.pop.LoginPurpose;
import dev.opaquepop.pop.PopFailure;
import dev.opaquepop.pop.PopKey;
import dev.opaquepop.pop.PopSigner;
import dev.opaquepop.pop.PopVerificationException;
import dev.opaquepop.pop.SignedRequest;
import dev.opaquepop.server.store.RecordTag;
import dev.opaquepop.server.store.Session;
import dev.opaquepop.server.store.SessionStore;
import dev.opaquepop.server.store.SessionSummary;
import dev.opaquepop.server.store.StoreException;
import dev.opaquepop.server.store.jdbc.JdbcUserStore;
import dev.opaquepop.server.store.memory.MemoryNonceStore;
import dev.opaquepop.server.store.memory.MemorySessionStore;
import dev.opaquepop.server.store.sqlite.SqliteDatabase;
import dev.opaquepop.testfixtures.HandMovedTime;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sessions follow the account's current registration (issue: a password change or deletion committed to the
 * database first and only then ended sessions; when that failed, the thief's session survived, and after a
 * deletion it acted on whoever registered the name next). Two instances share one database and one session store
 * that fails on demand, as Redis timing out would; each has its own account-state cache; time is moved by hand.
 */
class RevocationTest {
    private static final Instant START = Instant.parse("2026-12-04T00:00:00Z");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final SessionPolicy POLICY =
            new SessionPolicy(Duration.ofMinutes(15), Duration.ofHours(12), Duration.ofMinutes(5), 16, 8);

    @TempDir
    Path data;

    private final HandMovedTime time = new HandMovedTime(START);
    private final Clock clock = time.clock();
    private final OpaqueServer opaque = new OpaqueServer(cheap(), ServerSetup.generate(RANDOM), RANDOM);
    private final FailingSessionStore sessions =
            new FailingSessionStore(new MemorySessionStore(1000, clock, time::nanos));
    private final MemoryNonceStore nonces = new MemoryNonceStore(10_000, time::nanos);
    private SqliteDatabase database;
    private JdbcUserStore users;
    private Instance a;
    private Instance b;

    /** One server instance's services over the shared stores. */
    private record Instance(SessionService sessions, AccountService accounts) {}

    @BeforeEach
    void start() {
        database = SqliteDatabase.open(data);
        users = new JdbcUserStore(database);
        a = instance();
        b = instance();
    }

    @AfterEach
    void stop() {
        database.close();
    }

    @Test
    void passwordChange_whoseCleanupFails_stillEndsEveryOtherSessionOnEveryInstance() throws Exception {
        Alice alice = alice(LoginPurpose.PASSWORD_CHANGE);
        Session thief = alice.thief();
        Session caller = alice.caller();

        sessions.failing = true;
        assertThat(a.accounts().finishPasswordChange(caller, record("alice"))).isEqualTo(-1);
        sessions.failing = false;

        assertUnknown(a, thief);
        time.advance(AccountStates.CACHE_TTL); // what instance b read before the change expires
        assertUnknown(b, thief);
    }

    @Test
    void passwordChange_keepsTheCallersSession_andEndsTheOthers() throws Exception {
        Alice alice = alice(LoginPurpose.PASSWORD_CHANGE);
        Session thief = alice.thief();
        Session caller = alice.caller();

        assertThat(a.accounts().finishPasswordChange(caller, record("alice"))).isEqualTo(1);

        assertThat(a.sessions().authenticate(signed(caller), "192.0.2.1").username())
                .isEqualTo("alice");
        assertUnknown(b, thief);
    }

    @Test
    void deletion_whoseCleanupFails_leavesNoSessionForTheNextOwnerOfTheName() throws Exception {
        Alice alice = alice(LoginPurpose.ACCOUNT_DELETION);
        Session thief = alice.thief();
        Session caller = alice.caller();

        sessions.failing = true;
        assertThat(a.accounts().delete(caller)).isEqualTo(-1);
        sessions.failing = false;
        register("alice"); // someone else takes the name

        assertUnknown(a, thief);
        time.advance(AccountStates.CACHE_TTL);
        assertUnknown(b, thief);
        assertUnknown(b, caller);
    }

    @Test
    void aSessionWrittenBackIntoTheStore_afterItsRegistrationEnded_isRefused() throws Exception {
        Alice alice = alice(LoginPurpose.PASSWORD_CHANGE);
        Session thief = alice.thief();
        Session caller = alice.caller();
        a.accounts().finishPasswordChange(caller, record("alice"));

        // A writer to the session store (Redis) puts back the value it captured before the change.
        sessions.create(thief, 16);

        assertUnknown(a, thief);
    }

    /** Through a database outage an instance uses the last state it read; with none, it refuses (503). */
    @Test
    void aDatabaseOutage_keepsTheLastStateRead_andFailsClosedWithoutOne() throws Exception {
        RegistrationRecord first = register("alice");
        Session session = login("alice", first, LoginPurpose.SIGN_IN);
        a.sessions().authenticate(signed(session), "192.0.2.1");

        database.close();
        time.advance(AccountStates.CACHE_TTL);

        assertThat(a.sessions().authenticate(signed(session), "192.0.2.1").username())
                .isEqualTo("alice");
        assertThatThrownBy(() -> b.sessions().authenticate(signed(session), "192.0.2.1"))
                .isInstanceOf(StoreException.class);
    }

    /** Alice registered, with two sessions; instance b has seen the thief's at work. */
    private record Alice(Session thief, Session caller) {}

    /** Alice registered, with a session for everyday calls (stolen) and one whose login was for {@code operation}. */
    private Alice alice(LoginPurpose operation) throws Exception {
        RegistrationRecord first = register("alice");
        Alice alice = new Alice(login("alice", first, LoginPurpose.SIGN_IN), login("alice", first, operation));
        assertThat(b.sessions()
                        .authenticate(signed(alice.thief()), "198.51.100.7")
                        .username())
                .isEqualTo("alice");
        return alice;
    }

    private Instance instance() {
        AccountStates states = new AccountStates(users, time::nanos, 1000);
        SessionService service = new SessionService(sessions, states, nonces, clock, Duration.ofSeconds(30), POLICY);
        return new Instance(service, new AccountService(opaque, users, service));
    }

    private RegistrationRecord register(String username) throws Exception {
        RegistrationRecord record = record(username);
        assertThat(users.insert(username, record, clock.instant())).isTrue();
        return record;
    }

    /** A registration of {@code username} with a fresh password: what a client uploads. */
    private RegistrationRecord record(String username) throws Exception {
        OpaqueClient client = new OpaqueClient(cheap(), RANDOM);
        ClientRegistration registration = client.startRegistration(("pw-" + RANDOM.nextInt()).getBytes(UTF_8));
        return registration
                .finish(
                        opaque.registrationResponse(registration.request(), username.getBytes(UTF_8)),
                        Identities.none())
                .record();
    }

    /** A session as a login with {@code record}, performed for {@code purpose}, creates it. */
    private Session login(String username, RegistrationRecord record, LoginPurpose purpose) {
        byte[] id = new byte[32];
        RANDOM.nextBytes(id);
        byte[] key = new byte[64];
        RANDOM.nextBytes(key);
        Session session = Session.created(
                java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(id),
                username,
                PopKey.derive(SecretBytes.copyOf(key)),
                clock.instant(),
                POLICY.idleTimeout(),
                POLICY.lifetime(),
                "192.0.2.1",
                RecordTag.of(record),
                purpose);
        sessions.create(session, 16);
        return session;
    }

    private IncomingRequest signed(Session session) {
        SignedRequest signed =
                new PopSigner(clock, RANDOM).sign(session.sessionId(), session.popKey(), "GET", "/api/me", null);
        return IncomingRequest.of(
                "GET", "/api/me", signed.authorization(), signed.timestamp(), signed.nonce(), signed.pop(), null);
    }

    private void assertUnknown(Instance instance, Session session) {
        assertThatThrownBy(() -> instance.sessions().authenticate(signed(session), "198.51.100.7"))
                .isInstanceOfSatisfying(
                        PopVerificationException.class,
                        e -> assertThat(e.failure()).isEqualTo(PopFailure.UNKNOWN_SESSION));
    }

    private static OpaqueConfig cheap() {
        return OpaqueConfig.builder().ksf(Ksf.identityUnsafeForTestsOnly()).build();
    }

    /** A session store whose writes fail on demand, as Redis timing out would. */
    private static final class FailingSessionStore implements SessionStore {
        private final SessionStore delegate;
        volatile boolean failing;

        FailingSessionStore(SessionStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public int create(Session session, int maxPerUser) {
            fail();
            return delegate.create(session, maxPerUser);
        }

        @Override
        public Optional<Session> find(String sessionId) {
            return delegate.find(sessionId);
        }

        @Override
        public void update(Session session) {
            fail();
            delegate.update(session);
        }

        @Override
        public List<SessionSummary> list(String username) {
            return delegate.list(username);
        }

        @Override
        public boolean remove(String username, String idHash) {
            fail();
            return delegate.remove(username, idHash);
        }

        @Override
        public int removeAll(String username, String keepIdHash) {
            fail();
            return delegate.removeAll(username, keepIdHash);
        }

        private void fail() {
            if (failing) {
                throw new StoreException("session store: command timed out");
            }
        }
    }
}
