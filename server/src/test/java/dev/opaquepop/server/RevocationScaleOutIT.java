package dev.opaquepop.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opaquepop.client.ClientSession;
import dev.opaquepop.client.OpaquePopClient;
import dev.opaquepop.pop.LoginPurpose;
import dev.opaquepop.server.Requests.LoggedIn;
import dev.opaquepop.server.service.SessionService;
import dev.opaquepop.server.store.SessionIds;
import io.lettuce.core.SetArgs;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Revocation that cannot half-fail, across instances sharing PostgreSQL and Redis (issue 12 §1). A password change
 * or deletion commits to PostgreSQL, then ends the user's sessions in Redis. Here Redis goes away for the instance
 * making the change at exactly that moment: the proxy in front of its Redis is cut when its {@code UPDATE} (or
 * {@code DELETE}) reaches PostgreSQL, so the commit lands and the cleanup fails. The thief's session, left in Redis,
 * must still be refused on every instance: the one that made the change and the one that has been serving the
 * thief (after its account-state cache, {@code AccountStates.CACHE_TTL}, lapses).
 */
class RevocationScaleOutIT {
    private static final byte[] PASSWORD = "correct horse battery staple".getBytes(UTF_8);
    private static final byte[] NEW_PASSWORD = "a new password entirely".getBytes(UTF_8);
    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    /** Generous: the cache lapses after 1 s, and the instance whose Redis was cut reconnects within ~2 s. */
    private static final Duration SETTLE = Duration.ofSeconds(30);

    @TempDir
    Path data;

    private Namespace namespace;
    private TcpProxy postgres;
    private TcpProxy redis;
    private TestServer changer;
    private TestServer other;

    @BeforeEach
    void start() throws Exception {
        SharedInfrastructure.assumeAvailable();
        namespace = SharedInfrastructure.newNamespace();
        postgres = TcpProxy.toDatabase();
        redis = TcpProxy.toRedis();
        changer = TestServer.start(data.resolve("changer"), b -> {
            namespace.configure(
                    b, postgres.through(SharedInfrastructure.DB_URL), redis.through(SharedInfrastructure.REDIS_URL));
            b.dbTimeout(TIMEOUT).redisTimeout(TIMEOUT);
        });
        other = TestServer.start(data.resolve("other"), namespace::configure);
    }

    @AfterEach
    void stop() throws Exception {
        try {
            for (AutoCloseable closeable : new AutoCloseable[] {changer, other, postgres, redis}) {
                if (closeable != null) {
                    closeable.close();
                }
            }
        } finally {
            if (namespace != null) {
                namespace.close();
            }
        }
    }

    @Test
    void passwordChange_whoseCleanupLosesRedis_stillEndsTheThiefsSessionOnEveryInstance() throws Exception {
        Requests.register(changer.uri(), "alice", PASSWORD);
        LoggedIn thief = thiefServedByBothInstances();

        try (OpaquePopClient client = client();
                CapturedLogs logs = new CapturedLogs(SessionService.class)) {
            ClientSession caller = client.login("alice", PASSWORD, LoginPurpose.PASSWORD_CHANGE);
            postgres.onceClientSends("UPDATE users", redis::cut);
            client.changePassword(caller, NEW_PASSWORD);
            assertThat(logs.lines())
                    .as("the change committed, and its session cleanup failed")
                    .anyMatch(line -> line.startsWith("WARN password changed but its session cleanup failed"));
        }
        redis.restore();

        assertThat(namespace.keys("{s:" + SessionIds.hash(thief.sessionId()) + "}:session"))
                .as("the thief's session is still stored")
                .hasSize(1);
        awaitUnknownSession(other.uri(), thief);
        awaitUnknownSession(changer.uri(), thief);
        Requests.login(other.uri(), other.uri(), "alice", NEW_PASSWORD);
    }

    @Test
    void deletion_whoseCleanupLosesRedis_leavesNoSessionForTheNextOwnerOfTheName() throws Exception {
        Requests.register(changer.uri(), "alice", PASSWORD);
        LoggedIn thief = thiefServedByBothInstances();

        try (OpaquePopClient client = client();
                CapturedLogs logs = new CapturedLogs(SessionService.class)) {
            ClientSession caller = client.login("alice", PASSWORD, LoginPurpose.ACCOUNT_DELETION);
            postgres.onceClientSends("DELETE FROM users", redis::cut);
            client.deleteAccount(caller);
            assertThat(logs.lines())
                    .anyMatch(line -> line.startsWith("WARN account deleted but its session cleanup failed"));
        }
        redis.restore();
        // Someone else registers the name, through the instance that served the thief.
        Requests.register(other.uri(), "alice", NEW_PASSWORD);

        awaitUnknownSession(other.uri(), thief);
        awaitUnknownSession(changer.uri(), thief);
        LoggedIn newcomer = Requests.login(other.uri(), other.uri(), "alice", NEW_PASSWORD);
        HttpResponse<String> history = Requests.signed(other.uri(), newcomer, "GET", "/api/transfers", "");
        assertThat(Requests.json(history).get("transfers")).isEmpty();
    }

    /** A Redis writer that captured the thief's sealed session puts it back after the change: still refused. */
    @Test
    void aCapturedSessionWrittenBackIntoRedis_afterAPasswordChange_isRefusedEverywhere() throws Exception {
        Requests.register(changer.uri(), "alice", PASSWORD);
        LoggedIn thief = thiefServedByBothInstances();
        String key = namespace.prefix + "{s:" + SessionIds.hash(thief.sessionId()) + "}:session";
        byte[] captured = namespace.redis().get(key);
        assertThat(captured).isNotNull();

        try (OpaquePopClient client = client()) {
            client.changePassword(client.login("alice", PASSWORD, LoginPurpose.PASSWORD_CHANGE), NEW_PASSWORD);
        }
        awaitUnknownSession(other.uri(), thief);
        assertThat(namespace.redis().exists(key)).as("the cleanup ended it").isZero();

        namespace
                .redis()
                .set(key, captured, SetArgs.Builder.px(Duration.ofHours(1).toMillis()));
        for (TestServer instance : new TestServer[] {changer, other}) {
            Requests.assertProblem(
                    Requests.signed(instance.uri(), thief, "GET", "/api/me", ""), 401, "unknown_session");
        }
    }

    /** The thief's session, seen at work on both instances (so both have cached the account's state). */
    private LoggedIn thiefServedByBothInstances() throws Exception {
        LoggedIn thief = Requests.login(other.uri(), other.uri(), "alice", PASSWORD);
        for (TestServer instance : new TestServer[] {other, changer}) {
            HttpResponse<String> me = Requests.signed(instance.uri(), thief, "GET", "/api/me", "");
            assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
        }
        return thief;
    }

    private OpaquePopClient client() {
        return OpaquePopClient.builder(changer.uri())
                .ksfPolicy(TestServer.CLIENT_POLICY)
                .build();
    }

    /**
     * Waits until {@code server} refuses the session as unknown (it may serve it until its cache lapses, or answer
     * 503 while it reconnects to Redis), then checks that it keeps refusing it.
     */
    private static void awaitUnknownSession(URI server, LoggedIn session) throws Exception {
        Instant deadline = Instant.now().plus(SETTLE);
        HttpResponse<String> answer = Requests.signed(server, session, "GET", "/api/me", "");
        while (answer.statusCode() != 401 && Instant.now().isBefore(deadline)) {
            assertThat(answer.statusCode()).as(answer.body()).isIn(200, 503);
            Thread.sleep(100);
            answer = Requests.signed(server, session, "GET", "/api/me", "");
        }
        Requests.assertProblem(answer, 401, "unknown_session");
        Requests.assertProblem(Requests.signed(server, session, "GET", "/api/me", ""), 401, "unknown_session");
    }
}
