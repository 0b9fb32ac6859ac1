package dev.opaquepop.samples.notes;

import static org.assertj.core.api.Assertions.fail;

import dev.opaquepop.opaque.ServerSetup;
import dev.opaquepop.server.ServerSetups;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.StatefulRedisConnection;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The suite in the scale-out deployment: the notes and opaque-pop's users in the application's PostgreSQL
 * DataSource (each in a schema of its own), sessions, pending logins, nonces and limits in Redis. Uses the machine's
 * PostgreSQL (127.0.0.1:5432, database test, user postgres) and Redis (127.0.0.1:6379), or those named by {@code
 * OPAQUE_POP_TEST_DB_URL} / {@code _USER} / {@code _PASSWORD} and {@code OPAQUE_POP_TEST_REDIS_URL}; skipped with
 * a message when they are not there, failed instead when {@code CI=true}. The schemas and keys of the run are
 * removed afterwards.
 */
class NotesPostgresRedisIT extends NotesSuite {
    private static final String DB_URL = env("OPAQUE_POP_TEST_DB_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    private static final String DB_USER = env("OPAQUE_POP_TEST_DB_USER", "postgres");
    private static final String DB_PASSWORD = env("OPAQUE_POP_TEST_DB_PASSWORD", "");
    private static final String REDIS_URL = env("OPAQUE_POP_TEST_REDIS_URL", "redis://127.0.0.1:6379");
    private static final String RUN = HexFormat.of().formatHex(new SecureRandom().generateSeed(6));
    private static final String NOTES_SCHEMA = "notes_test_" + RUN;
    private static final String OPAQUE_POP_SCHEMA = "opaque_pop_test_" + RUN;
    private static final String KEY_PREFIX = "opaque-pop-test:" + RUN + ":";

    /** Before the application context is built: without PostgreSQL or Redis it could not start. */
    @BeforeAll
    static void requireServices() {
        String missing = probe();
        if (missing == null) {
            return;
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(missing + "; CI=true, so the PostgreSQL + Redis tests must run");
        }
        Assumptions.abort(missing + ": skipping the PostgreSQL + Redis tests (start both, or point"
                + " OPAQUE_POP_TEST_DB_URL / OPAQUE_POP_TEST_REDIS_URL at others; with CI=true this is a failure)");
    }

    @DynamicPropertySource
    static void storage(DynamicPropertyRegistry properties) {
        properties.add(
                "spring.datasource.url",
                () -> DB_URL + (DB_URL.contains("?") ? "&" : "?") + "currentSchema=" + NOTES_SCHEMA);
        properties.add("spring.datasource.username", () -> DB_USER);
        properties.add("spring.datasource.password", () -> DB_PASSWORD);
        properties.add("spring.datasource.hikari.maximum-pool-size", () -> "4");
        properties.add("spring.flyway.schemas", () -> NOTES_SCHEMA);
        properties.add("opaque-pop.db-schema", () -> OPAQUE_POP_SCHEMA);
        properties.add("opaque-pop.redis-url", () -> REDIS_URL);
        properties.add("opaque-pop.redis-key-prefix", () -> KEY_PREFIX);
        properties.add("opaque-pop.server-setup", () -> ServerSetups.encode(ServerSetup.generate(new SecureRandom())));
        properties.add("opaque-pop.register-limit-address", () -> "1000/30s");
    }

    @AfterAll
    static void removeRun() throws SQLException {
        if (probe() != null) {
            return;
        }
        try (Connection connection = openDatabase();
                Statement statement = connection.createStatement()) {
            // Both names are built above from hex digits only.
            statement.execute("DROP SCHEMA IF EXISTS " + NOTES_SCHEMA + " CASCADE");
            statement.execute("DROP SCHEMA IF EXISTS " + OPAQUE_POP_SCHEMA + " CASCADE");
        }
        RedisClient client = RedisClient.create(RedisURI.create(REDIS_URL));
        try (StatefulRedisConnection<String, String> redis = client.connect()) {
            List<String> keys = new ArrayList<>();
            ScanIterator.scan(redis.sync(), ScanArgs.Builder.matches(KEY_PREFIX + "*"))
                    .forEachRemaining(keys::add);
            if (!keys.isEmpty()) {
                redis.sync().del(keys.toArray(String[]::new));
            }
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    /**
     * Why PostgreSQL or Redis cannot be used, or {@code null} when both answer; asked three times with generous
     * timeouts, since the first Redis client of a JVM on a loaded machine can outlast a short one.
     */
    private static String probe() {
        String why = probeOnce();
        for (int attempt = 2; attempt <= 3 && why != null; attempt++) {
            try {
                Thread.sleep(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return why;
            }
            why = probeOnce();
        }
        return why;
    }

    private static String probeOnce() {
        try (Connection connection = openDatabase()) {
            connection.isValid(10);
        } catch (SQLException e) {
            return "PostgreSQL at " + DB_URL + " (user " + DB_USER + ") is not reachable: " + e.getMessage();
        }
        RedisURI uri = RedisURI.create(REDIS_URL);
        uri.setTimeout(Duration.ofSeconds(10));
        RedisClient client = RedisClient.create(uri);
        try (StatefulRedisConnection<String, String> redis = client.connect()) {
            redis.sync().ping();
            return null;
        } catch (RuntimeException e) {
            return "Redis at " + REDIS_URL + " is not reachable: " + e.getMessage();
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    private static Connection openDatabase() throws SQLException {
        DriverManager.setLoginTimeout(10);
        return DriverManager.getConnection(DB_URL, DB_USER, DB_PASSWORD);
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
