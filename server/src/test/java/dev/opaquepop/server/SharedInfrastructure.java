package dev.opaquepop.server;

import static org.assertj.core.api.Assertions.fail;

import dev.opaquepop.opaque.ServerSetup;
import dev.opaquepop.server.store.redis.RedisConnection;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.URI;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Assumptions;

/**
 * The real PostgreSQL and Redis the scale-out tests run against: those on this machine unless {@code
 * OPAQUE_POP_TEST_DB_URL} (with {@code OPAQUE_POP_TEST_DB_USER}, {@code OPAQUE_POP_TEST_DB_PASSWORD}) and {@code
 * OPAQUE_POP_TEST_REDIS_URL} name others. Each test run works in a {@link Namespace} of its own (a schema, a key
 * prefix), so parallel runs cannot collide.
 *
 * <p>When one of them is not reachable the tests that need it are skipped with a message saying so; in CI
 * ({@code CI=true}) they fail instead, since a skipped scale-out suite proves nothing.
 */
public final class SharedInfrastructure {
    static final String DB_URL = env("OPAQUE_POP_TEST_DB_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    public static final String DB_USER = env("OPAQUE_POP_TEST_DB_USER", "postgres");
    public static final String DB_PASSWORD = env("OPAQUE_POP_TEST_DB_PASSWORD", null);
    static final String REDIS_URL = env("OPAQUE_POP_TEST_REDIS_URL", "redis://127.0.0.1:6379");

    private static final int PROBE_ATTEMPTS = 3;
    private static final int PROBE_TIMEOUT_SECONDS = 10;

    private static volatile String unavailable;
    private static volatile boolean checked;

    private SharedInfrastructure() {}

    /** Whether PostgreSQL and Redis both answer; checked once per test run. */
    static boolean available() {
        if (!checked) {
            synchronized (SharedInfrastructure.class) {
                if (!checked) {
                    unavailable = probe();
                    checked = true;
                    if (unavailable != null) {
                        System.err.println("opaque-pop tests: " + unavailable + "; the PostgreSQL + Redis tests are "
                                + (ci() ? "failed (CI=true)" : "skipped") + ". Start both, or point"
                                + " OPAQUE_POP_TEST_DB_URL / OPAQUE_POP_TEST_REDIS_URL at others.");
                    }
                }
            }
        }
        return unavailable == null;
    }

    /**
     * Skips the calling test (fails it when {@code CI=true}) unless PostgreSQL and Redis both answer. Call it from
     * {@code @BeforeEach}: a skip in {@code @BeforeAll} is reported as no tests at all.
     */
    public static void assumeAvailable() {
        if (available()) {
            return;
        }
        if (ci()) {
            fail(unavailable + "; CI=true, so the PostgreSQL + Redis tests must run");
        }
        Assumptions.abort(unavailable + ": skipping the PostgreSQL + Redis tests (start both, or point"
                + " OPAQUE_POP_TEST_DB_URL / OPAQUE_POP_TEST_REDIS_URL at others; with CI=true this is a failure)");
    }

    private static boolean ci() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /**
     * Why PostgreSQL or Redis cannot be used, or {@code null} when both answer. Asked up to {@link #PROBE_ATTEMPTS}
     * times with generous timeouts: the first Redis client of a JVM loads Netty and Lettuce, which on a loaded
     * two-core machine can outlast a short timeout, and one slow answer must not fail every suite of the run.
     */
    private static String probe() {
        String why = null;
        for (int attempt = 1; attempt <= PROBE_ATTEMPTS; attempt++) {
            why = probeOnce();
            if (why == null) {
                return null;
            }
            if (attempt < PROBE_ATTEMPTS) {
                try {
                    Thread.sleep(1_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        return why + " (asked " + PROBE_ATTEMPTS + " times)";
    }

    private static String probeOnce() {
        try (Connection connection = connect(DB_URL)) {
            connection.isValid(PROBE_TIMEOUT_SECONDS);
        } catch (SQLException e) {
            return "PostgreSQL at " + DB_URL + " (user " + DB_USER + ") is not reachable: " + e.getMessage();
        }
        RedisURI uri = RedisURI.create(REDIS_URL);
        uri.setTimeout(Duration.ofSeconds(PROBE_TIMEOUT_SECONDS));
        RedisClient client = RedisClient.create(uri);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            connection.sync().ping();
        } catch (RuntimeException e) {
            return "Redis at " + REDIS_URL + " is not reachable: " + e.getMessage();
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
        return null;
    }

    static Connection connect(String url) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", DB_USER);
        if (DB_PASSWORD != null) {
            properties.setProperty("password", DB_PASSWORD);
        }
        properties.setProperty("connectTimeout", Integer.toString(PROBE_TIMEOUT_SECONDS));
        return DriverManager.getConnection(url, properties);
    }

    /** A fresh namespace: its own schema and key prefix, and its own server setup shared by its instances. */
    public static Namespace newNamespace() {
        return new Namespace();
    }

    /** A test body given a fresh namespace and a connection to the shared Redis, both closed after it. */
    interface RedisBody {
        void run(Namespace namespace, RedisConnection redis) throws Exception;
    }

    /** Runs {@code body} against the shared Redis (skipped, or failed on CI, when it is not there). */
    static void withRedis(RedisBody body) throws Exception {
        assumeAvailable();
        try (Namespace namespace = newNamespace();
                RedisConnection redis = RedisConnection.open(REDIS_URL, Duration.ofSeconds(5), "test redis")) {
            body.run(namespace, redis);
        }
    }

    /** A fresh server setup, base64url. */
    static String newSetup() {
        return ServerSetups.encode(ServerSetup.generate(new SecureRandom()));
    }

    /** The database URL's host and port. */
    static URI dbAddress() {
        return URI.create(DB_URL.substring("jdbc:".length()));
    }

    static URI redisAddress() {
        return URI.create(REDIS_URL);
    }

    /** {@code url} with its host and port replaced, e.g. to go through a proxy. */
    static String withAddress(String url, String host, int port) {
        String scheme = url.substring(0, url.indexOf("//") + 2);
        String rest = url.substring(scheme.length());
        int end = rest.length();
        for (char c : new char[] {'/', '?'}) {
            int at = rest.indexOf(c);
            if (at >= 0 && at < end) {
                end = at;
            }
        }
        String authority = rest.substring(0, end);
        int userInfo = authority.lastIndexOf('@');
        String credentials = userInfo < 0 ? "" : authority.substring(0, userInfo + 1);
        return scheme + credentials + host + ":" + port + rest.substring(end);
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
