package dev.opaquepop.server;

import dev.opaquepop.opaque.ServerSetup;
import dev.opaquepop.server.store.SessionIds;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
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
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * One test run's share of the machine's PostgreSQL and Redis: a schema {@code opaque_pop_test_<random>} and a
 * key prefix {@code opaque-pop-test:<random>:}, both removed by {@link #close()}, and the server setup every
 * instance of this run shares. Also the tests' direct view into both, to count rows and to inspect or tamper
 * with stored values. Its Redis is the machine's one, or a Redis Cluster ({@link #inCluster}).
 */
public final class Namespace implements AutoCloseable {
    final String schema;
    final String prefix;
    final String setup;

    private final String redisUrl;
    private final boolean cluster;
    private final AbstractRedisClient redisClient;
    private final StatefulConnection<String, byte[]> redisConnection;
    private final RedisClusterCommands<String, byte[]> redisCommands;

    Namespace() {
        this(SharedInfrastructure.REDIS_URL, false);
    }

    /** A namespace whose ephemeral data lives in the cluster with these seeds (see {@link LocalRedisCluster}). */
    static Namespace inCluster(String seeds) {
        return new Namespace(seeds, true);
    }

    private Namespace(String redisUrl, boolean cluster) {
        this.redisUrl = redisUrl;
        this.cluster = cluster;
        SecureRandom random = new SecureRandom();
        byte[] id = new byte[8];
        random.nextBytes(id);
        String hex = HexFormat.of().formatHex(id);
        this.schema = "opaque_pop_test_" + hex;
        this.prefix = "opaque-pop-test:" + hex + ":";
        this.setup = ServerSetups.encode(ServerSetup.generate(random));
        RedisCodec<String, byte[]> codec = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);
        if (cluster) {
            RedisClusterClient client = RedisClusterClient.create(
                    Arrays.stream(redisUrl.split(",")).map(Namespace::uri).toList());
            StatefulRedisClusterConnection<String, byte[]> connection = client.connect(codec);
            this.redisClient = client;
            this.redisConnection = connection;
            this.redisCommands = connection.sync();
        } else {
            RedisClient client = RedisClient.create(uri(redisUrl));
            StatefulRedisConnection<String, byte[]> connection = client.connect(codec);
            this.redisClient = client;
            this.redisConnection = connection;
            this.redisCommands = connection.sync();
        }
    }

    private static RedisURI uri(String url) {
        RedisURI uri = RedisURI.create(url);
        uri.setTimeout(Duration.ofSeconds(5));
        return uri;
    }

    /** The database URL of this namespace: the shared database, this schema. */
    public String dbUrl() {
        return dbUrl(SharedInfrastructure.DB_URL);
    }

    String dbUrl(String base) {
        return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    /** Points a server at this namespace with its shared setup. */
    void configure(ServerConfig.Builder builder) {
        configure(builder, SharedInfrastructure.DB_URL, redisUrl);
    }

    /** Points a server at this namespace through other addresses (proxies) for PostgreSQL and Redis. */
    void configure(ServerConfig.Builder builder, String dbBaseUrl, String redisUrl) {
        builder.dbUrl(dbUrl(dbBaseUrl))
                .dbUser(SharedInfrastructure.DB_USER)
                .dbPassword(SharedInfrastructure.DB_PASSWORD)
                .redisUrl(redisUrl)
                .redisCluster(cluster)
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

    /**
     * Direct Redis access (string keys, byte values). In a cluster each command goes to the primary of its key's
     * slot, and a scan visits every primary.
     */
    RedisClusterCommands<String, byte[]> redis() {
        return redisCommands;
    }

    /**
     * Stands in for a live session's key (a Redis nonce claim checks it exists), for tests of the nonce store
     * alone; expires in ten minutes.
     */
    void liveSession(String sessionId) {
        redisCommands.set(
                prefix + "{s:" + SessionIds.hash(sessionId) + "}:session",
                new byte[] {'x'},
                SetArgs.Builder.px(600_000));
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
            // A cluster is thrown away with its keys (and may hold a dead node a scan cannot visit).
            List<String> keys = cluster ? List.of() : keys("*");
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
