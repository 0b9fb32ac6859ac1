package dev.opaquepop.server;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.opaquepop.opaque.ServerSetup;
import dev.opaquepop.pop.NonceStore;
import dev.opaquepop.server.limit.LimitStorage;
import dev.opaquepop.server.service.SessionPolicy;
import dev.opaquepop.server.store.PendingLoginStore;
import dev.opaquepop.server.store.SessionStore;
import dev.opaquepop.server.store.StoreException;
import dev.opaquepop.server.store.UserStore;
import dev.opaquepop.server.store.jdbc.ConnectionSource;
import dev.opaquepop.server.store.jdbc.JdbcUserStore;
import dev.opaquepop.server.store.memory.MemoryLimitStorage;
import dev.opaquepop.server.store.memory.MemoryNonceStore;
import dev.opaquepop.server.store.memory.MemoryPendingLoginStore;
import dev.opaquepop.server.store.memory.MemorySessionStore;
import dev.opaquepop.server.store.postgres.PostgresDatabase;
import dev.opaquepop.server.store.redis.RedisConnection;
import dev.opaquepop.server.store.redis.RedisLimitStorage;
import dev.opaquepop.server.store.redis.RedisNonceStore;
import dev.opaquepop.server.store.redis.RedisPendingLoginStore;
import dev.opaquepop.server.store.redis.RedisSessionStore;
import dev.opaquepop.server.store.redis.Sealer;
import dev.opaquepop.server.store.sqlite.SqliteDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The stores, chosen from the configuration:
 *
 * <ul>
 *   <li>durable (users, and an application's tables beside them): SQLite in the data directory, or PostgreSQL with {@code --db-url};
 *   <li>ephemeral (sessions, pending logins, nonces, rate-limit buckets): bounded memory caches, or Redis with
 *       {@code --redis-url}.
 * </ul>
 *
 * Several instances behind one name need both shared: then no request depends on which instance served the one
 * before it.
 */
final class StorageBackend implements AutoCloseable {
    /**
     * An application's own PostgreSQL pool and the schema of it that is ours.
     *
     * @param display how to name it in messages (no credentials)
     */
    record ExternalDatabase(javax.sql.DataSource dataSource, String schema, String display) {}

    final UserStore users;
    /** The durable store's database, for an application's tables beside the users (see {@link ProtocolCore#database}). */
    final ConnectionSource database;

    final SessionStore sessions;
    final PendingLoginStore pendingLogins;
    final NonceStore nonces;
    final LimitStorage limits;
    final List<Readiness.Dependency> dependencies;
    /** Whether any user is registered: a setup generated now would lock them out. */
    final BooleanSupplier hasUsers;
    /** For the start-up log line: where each kind of data lives, without credentials. */
    final String description;

    private final List<AutoCloseable> resources;

    private StorageBackend(
            UserStore users,
            ConnectionSource database,
            SessionStore sessions,
            PendingLoginStore pendingLogins,
            NonceStore nonces,
            LimitStorage limits,
            List<Readiness.Dependency> dependencies,
            BooleanSupplier hasUsers,
            String description,
            List<AutoCloseable> resources) {
        this.users = users;
        this.database = database;
        this.sessions = sessions;
        this.pendingLogins = pendingLogins;
        this.nonces = nonces;
        this.limits = limits;
        this.dependencies = List.copyOf(dependencies);
        this.hasUsers = hasUsers;
        this.description = description;
        this.resources = resources;
    }

    /**
     * Opens the stores: connects, migrates, and fails at once when a dependency cannot be reached.
     *
     * @param sealer what seals values in Redis; unused (may be {@code null}) without {@code --redis-url}
     * @param external an application's PostgreSQL pool to use instead of {@code --db-url}, or {@code null}
     *
     * @throws dev.opaquepop.server.store.StoreException naming the dependency (without credentials)
     */
    static StorageBackend open(CoreConfig config, ServerSetup setup, Sealer sealer, ExternalDatabase external) {
        List<AutoCloseable> resources = new ArrayList<>();
        List<Readiness.Dependency> dependencies = new ArrayList<>();
        boolean opened = false;
        try {
            UserStore users;
            ConnectionSource connections;
            String database;
            if (external != null) {
                PostgresDatabase postgres = PostgresDatabase.over(
                        external.dataSource(),
                        external.schema(),
                        config.storage().dbTimeout(),
                        external.display());
                resources.add(postgres);
                connections = postgres;
                users = new JdbcUserStore(postgres);
                dependencies.add(new Readiness.Dependency("database", "postgresql", postgres::probe));
                database = external.display() + " schema=" + external.schema();
            } else if (config.storage().usesPostgres()) {
                String display = Redaction.url(config.storage().dbUrl());
                PostgresDatabase postgres = PostgresDatabase.open(
                        config.storage().dbUrl(),
                        config.storage().dbUser(),
                        config.storage().dbPassword(),
                        config.storage().dbPoolSize(),
                        config.storage().dbTimeout(),
                        display);
                resources.add(postgres);
                connections = postgres;
                users = new JdbcUserStore(postgres);
                dependencies.add(new Readiness.Dependency("database", "postgresql", postgres::probe));
                database = display;
            } else {
                SqliteDatabase sqlite = SqliteDatabase.open(config.storage().dataDirectory());
                resources.add(sqlite);
                connections = sqlite;
                users = new JdbcUserStore(sqlite);
                dependencies.add(new Readiness.Dependency("database", "sqlite", sqlite::probe));
                database = "sqlite:" + config.storage().dataDirectory().toAbsolutePath();
            }

            SessionStore sessions;
            PendingLoginStore pendingLogins;
            NonceStore nonces;
            LimitStorage limits;
            String ephemeral;
            if (config.storage().usesRedis()) {
                StorageConfig storage = config.storage();
                String display;
                RedisConnection redis;
                if (storage.redisCluster()) {
                    display = "cluster " + Redaction.urls(storage.redisUrl());
                    List<String> seeds = Arrays.stream(storage.redisUrl().split(",", -1))
                            .map(String::strip)
                            .toList();
                    redis = RedisConnection.openCluster(seeds, storage.redisTimeout(), display);
                } else {
                    display = Redaction.url(storage.redisUrl());
                    redis = RedisConnection.open(storage.redisUrl(), storage.redisTimeout(), display);
                }
                resources.add(redis);
                String prefix = config.storage().redisKeyPrefix();
                // Signed calls read sessions through a per-instance cache no older than the resolution at which
                // uses are recorded anyway; the nonce claim checks each one still exists (RedisNonceStore).
                sessions = new RedisSessionStore(redis, prefix, sealer, config.clock(), SessionPolicy.USE_RESOLUTION);
                pendingLogins = new RedisPendingLoginStore(redis, prefix, sealer, config.clock());
                nonces = new RedisNonceStore(redis, prefix, config.limits().callLimits(), config.clock());
                limits = new RedisLimitStorage(
                        redis, prefix, setup, config.clock(), config.storage().redisTimeout());
                dependencies.add(new Readiness.Dependency(
                        "sessions", storage.redisCluster() ? "redis-cluster" : "redis", redis::probe));
                ephemeral = display + " prefix=" + prefix;
            } else {
                Ticker ticker = Ticker.systemTicker();
                sessions = new MemorySessionStore(config.sessions().maxSessions(), config.clock(), ticker);
                pendingLogins = new MemoryPendingLoginStore(
                        config.sessions().maxPendingLogins(), config.sessions().loginTtl(), config.clock(), ticker);
                nonces = new MemoryNonceStore(
                        config.sessions().nonceCapacity(),
                        config.limits().callLimits(),
                        config.sessions().maxSessions(),
                        config.clock(),
                        ticker);
                limits = new MemoryLimitStorage(config.limits().maxRateLimitBuckets(), config.clock(), ticker);
                dependencies.add(new Readiness.Dependency("sessions", "memory", null));
                ephemeral = "memory";
            }
            opened = true;
            return new StorageBackend(
                    users,
                    connections,
                    sessions,
                    pendingLogins,
                    nonces,
                    limits,
                    dependencies,
                    () -> hasUsers(connections),
                    "database=" + database + " sessions=" + ephemeral,
                    resources);
        } finally {
            if (!opened) {
                closeAll(resources);
            }
        }
    }

    private static boolean hasUsers(ConnectionSource database) {
        try (Connection connection = database.connect();
                PreparedStatement statement = connection.prepareStatement("SELECT 1 FROM users LIMIT 1");
                ResultSet rows = statement.executeQuery()) {
            return rows.next();
        } catch (SQLException e) {
            throw new StoreException(database.name() + ": cannot count users", e);
        }
    }

    /** The longest a readiness probe may take: the slowest dependency's timeout, plus a little. */
    static Duration probeDeadline(CoreConfig config) {
        Duration slowest =
                config.storage().dbTimeout().compareTo(config.storage().redisTimeout()) > 0
                        ? config.storage().dbTimeout()
                        : config.storage().redisTimeout();
        return slowest.plusMillis(500);
    }

    @Override
    public void close() {
        closeAll(resources);
    }

    private static void closeAll(List<AutoCloseable> resources) {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                // Closing at shutdown: nothing left to do about a failure but go on closing the rest.
                org.slf4j.LoggerFactory.getLogger(StorageBackend.class)
                        .warn("closing {} failed: {}", resources.get(i), e.getMessage());
            }
        }
    }
}
