package dev.opaquepop.server;

import dev.opaquepop.opaque.ServerSetup;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * One test run's share of the machine's PostgreSQL and Redis: a schema {@code opaque_pop_test_<random>} and a
 * key prefix {@code opaque-pop-test:<random>:}, both removed by {@link #close()}, and the server setup every
 * instance of this run shares. Also the tests' direct view into both, to count rows and to inspect or tamper
 * with stored values.
 */
final class Namespace implements AutoCloseable {
    final String schema;
    final String prefix;
    final String setup;

    private final RedisClient redisClient;
    private final StatefulRedisConnection<String, byte[]> redisConnection;

    Namespace() {
        SecureRandom random = new SecureRandom();
        byte[] id = new byte[8];
        random.nextBytes(id);
        String hex = HexFormat.of().formatHex(id);
        this.schema = "opaque_pop_test_" + hex;
        this.prefix = "opaque-pop-test:" + hex + ":";
        this.setup = ServerSetups.encode(ServerSetup.generate(random));
        RedisURI uri = RedisURI.create(SharedInfrastructure.REDIS_URL);
        uri.setTimeout(Duration.ofSeconds(5));
        this.redisClient = RedisClient.create(uri);
        this.redisConnection = redisClient.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
    }

    /** The database URL of this namespace: the shared database, this schema. */
    String dbUrl() {
        return dbUrl(SharedInfrastructure.DB_URL);
    }

    String dbUrl(String base) {
        return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    /** Points a server at this namespace with its shared setup. */
    void configure(ServerConfig.Builder builder) {
        configure(builder, SharedInfrastructure.DB_URL, SharedInfrastructure.REDIS_URL);
    }

    /** Points a server at this namespace through other addresses (proxies) for PostgreSQL and Redis. */
    void configure(ServerConfig.Builder builder, String dbBaseUrl, String redisUrl) {
        builder.dbUrl(dbUrl(dbBaseUrl))
                .dbUser(SharedInfrastructure.DB_USER)
                .dbPassword(SharedInfrastructure.DB_PASSWORD)
                .redisUrl(redisUrl)
                .redisKeyPrefix(prefix)
                .setupValue(setup);
    }

    /** A count from this schema, e.g. {@code SELECT count(*) FROM transfers WHERE nonce = ?}. */
    long count(String sql, String... parameters) throws SQLException {
        try (Connection connection = SharedInfrastructure.connect(dbUrl());
                PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setString(i + 1, parameters[i]);
            }
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    /** Direct Redis access (string keys, byte values). */
    RedisCommands<String, byte[]> redis() {
        return redisConnection.sync();
    }

    /** Every key of this namespace matching {@code pattern} (after the prefix). */
    List<String> keys(String pattern) {
        List<String> keys = new ArrayList<>();
        ScanArgs match = ScanArgs.Builder.matches(prefix + pattern).limit(500);
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            KeyScanCursor<String> page = redis().scan(cursor, match);
            keys.addAll(page.getKeys());
            cursor = page;
        } while (!cursor.isFinished());
        return keys;
    }

    @Override
    public void close() throws SQLException {
        try {
            List<String> keys = keys("*");
            if (!keys.isEmpty()) {
                redis().del(keys.toArray(String[]::new));
            }
        } finally {
            redisConnection.close();
            redisClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            // The schema name is generated above from hex digits only.
            try (Connection connection = SharedInfrastructure.connect(SharedInfrastructure.DB_URL);
                    Statement statement = connection.createStatement()) {
                statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }
}
