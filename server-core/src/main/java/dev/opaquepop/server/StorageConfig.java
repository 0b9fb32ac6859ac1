package dev.opaquepop.server;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Where state lives and the secrets that open it: the data directory and server setup, PostgreSQL for users (else
 * SQLite in the data directory), Redis for sessions, pending logins, nonces and limits (else this instance's
 * memory) and the keys that seal Redis values. Values that may carry credentials (the setup, both URLs, the
 * password, the sealing keys) have package-private accessors and appear in {@link #toString()} only redacted.
 */
final class StorageConfig {
    private final Path dataDirectory;
    private final String setupValue;
    private final Path setupFile;
    private final Path sealKeyFile;
    private final String sealKeysValue;
    private final String dbUrl;
    private final String dbUser;
    private final String dbPassword;
    private final int dbPoolSize;
    private final Duration dbTimeout;
    private final String redisUrl;
    private final boolean redisCluster;
    private final Duration redisTimeout;
    private final String redisKeyPrefix;

    StorageConfig(CoreConfig.Builder b) {
        this.dataDirectory = b.dataDirectory;
        this.setupValue = b.setupValue;
        this.setupFile = b.setupFile;
        this.sealKeyFile = b.sealKeyFile;
        this.sealKeysValue = b.sealKeysValue;
        this.dbUrl = b.dbUrl;
        this.dbUser = b.dbUser;
        this.dbPassword = b.dbPassword;
        this.dbPoolSize = b.dbPoolSize;
        this.dbTimeout = b.dbTimeout;
        this.redisUrl = b.redisUrl;
        this.redisCluster = b.redisCluster;
        this.redisTimeout = b.redisTimeout;
        this.redisKeyPrefix = b.redisKeyPrefix;
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    /** The base64url server setup given by value (environment), or {@code null}. Secret: never log it. */
    String setupValue() {
        return setupValue;
    }

    /** The setup file given explicitly, or {@code null} for the default beside the data directory. */
    public Path setupFile() {
        return setupFile;
    }

    /** The file of Redis sealing keys ({@code --seal-key-file}), or {@code null}. */
    public Path sealKeyFile() {
        return sealKeyFile;
    }

    /** The Redis sealing keys given by value ({@code OPAQUE_POP_SEAL_KEYS}), or {@code null}. Secret. */
    String sealKeysValue() {
        return sealKeysValue;
    }

    /** The PostgreSQL JDBC URL, or {@code null} for embedded SQLite. May hold credentials: never log it. */
    String dbUrl() {
        return dbUrl;
    }

    /** The database user, or {@code null} to take it from the URL. */
    String dbUser() {
        return dbUser;
    }

    /** The database password, or {@code null}. Secret: never log it. */
    String dbPassword() {
        return dbPassword;
    }

    /** The most connections one instance holds to PostgreSQL. */
    public int dbPoolSize() {
        return dbPoolSize;
    }

    /** How long a request waits for a pooled connection, to connect, and for one statement. */
    public Duration dbTimeout() {
        return dbTimeout;
    }

    /** The Redis URI, or {@code null} for in-memory sessions. May hold a password: never log it. */
    String redisUrl() {
        return redisUrl;
    }

    /**
     * True with {@code --redis-cluster}: {@link #redisUrl()} is a comma-separated list of seed nodes of a Redis
     * Cluster.
     */
    public boolean redisCluster() {
        return redisCluster;
    }

    /** How long a request waits for one Redis command, and for a connection to Redis. */
    public Duration redisTimeout() {
        return redisTimeout;
    }

    /** Every Redis key starts with this, so deployments (and test runs) can share one Redis. */
    public String redisKeyPrefix() {
        return redisKeyPrefix;
    }

    /** True when users (and an application's tables beside them) live in PostgreSQL rather than the data directory. */
    public boolean usesPostgres() {
        return dbUrl != null;
    }

    /** True when sessions, pending logins and nonces live in Redis rather than this instance's memory. */
    public boolean usesRedis() {
        return redisUrl != null;
    }

    @Override
    public String toString() {
        return "data=" + dataDirectory + ", setup="
                + (setupValue != null ? "environment" : setupFile != null ? setupFile : "default file")
                + ", database=" + (dbUrl == null ? "sqlite" : Redaction.url(dbUrl))
                + (dbUrl == null ? "" : ", dbPoolSize=" + dbPoolSize + ", dbTimeout=" + dbTimeout)
                + ", sessions="
                + (redisUrl == null
                        ? "memory"
                        : redisCluster ? "cluster " + Redaction.urls(redisUrl) : Redaction.url(redisUrl))
                + (redisUrl == null
                        ? ""
                        : ", redisTimeout=" + redisTimeout + ", redisKeyPrefix=" + redisKeyPrefix + ", sealKeys="
                                + (sealKeysValue != null
                                        ? "environment"
                                        : sealKeyFile != null ? sealKeyFile : "derived from the setup"));
    }
}
