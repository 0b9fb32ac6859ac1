package dev.opaquepop.server;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.opaquepop.opaque.OpaqueConfig;
import dev.opaquepop.opaque.OpaqueServer;
import dev.opaquepop.server.limit.RateLimits;
import dev.opaquepop.server.service.AccountService;
import dev.opaquepop.server.service.AccountStates;
import dev.opaquepop.server.service.LoginService;
import dev.opaquepop.server.service.RegistrationService;
import dev.opaquepop.server.service.SessionPolicy;
import dev.opaquepop.server.service.SessionService;
import dev.opaquepop.server.store.jdbc.ConnectionSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The protocol core, open: storage connected and migrated, the server setup loaded (or created for a new
 * deployment), the services wired, and the {@code ProtocolApi} over them. Whatever serves HTTP opens one and
 * closes it at shutdown; {@code ProtocolApi.over} puts the protocol's HTTP face on it.
 */
public final class ProtocolCore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProtocolCore.class);

    private final Services services;
    private final StorageBackend storage;
    private final byte[] publicKey;
    private final String description;

    private ProtocolCore(Services services, StorageBackend storage, byte[] publicKey, String description) {
        this.services = services;
        this.storage = storage;
        this.publicKey = publicKey;
        this.description = description;
    }

    /** Where users and sessions live, where the setup came from, and the server's public key: for a start-up log. */
    public String description() {
        return description;
    }

    /** Opens the core with its own storage and a Prometheus registry of its own. */
    public static ProtocolCore open(CoreConfig config) throws IOException {
        return open(config, new Options());
    }

    /**
     * Opens storage, loads or creates the server setup, and wires the services.
     *
     * @throws IllegalArgumentException for an unusable setup or configuration
     * @throws dev.opaquepop.server.store.StoreException when PostgreSQL or Redis cannot be reached at start
     */
    public static ProtocolCore open(CoreConfig config, Options options) throws IOException {
        StorageConfig storageConfig = config.storage();
        boolean sharedDatabase = storageConfig.usesPostgres() || options.dataSource != null;
        CoreConfig.Builder.require(
                options.dataSource == null || storageConfig.setupValue() != null || storageConfig.setupFile() != null,
                "with an application's PostgreSQL database several instances share the users, so they must share"
                        + " one server setup: give it with OPAQUE_POP_SERVER_SETUP or a setup file (create one with"
                        + " 'opaque-pop setup'); a setup generated per instance would lock every user out");
        // With PostgreSQL the setup is explicit (the configuration insists) and nothing lives in the data directory.
        if (!sharedDatabase) {
            createDataDirectory(config);
        }
        ServerSetups.Loaded loaded = ServerSetups.load(config);
        SealingKeys.Loaded sealing = storageConfig.usesRedis() ? SealingKeys.load(config, loaded.setup()) : null;
        StorageBackend.ExternalDatabase external = options.dataSource == null
                ? null
                : new StorageBackend.ExternalDatabase(options.dataSource, options.schema, "the application's database");
        StorageBackend storage =
                StorageBackend.open(config, loaded.setup(), sealing == null ? null : sealing.sealer(), external);
        boolean opened = false;
        try {
            requireNoUsersForANewSetup(loaded, storage);
            ServerSetups.create(loaded);
            byte[] publicKey = loaded.setup().publicKey();
            Services services = services(config, options, loaded, storage, publicKey);
            warnAboutInstanceLocalState(sharedDatabase, storageConfig.usesRedis());
            if (!config.limits().rateLimit()) {
                LOG.warn("rate limits are off (--rate-limit off): nothing slows down online password guessing, mass"
                        + " registration, one account's signed calls or one connection's request rate; use this for"
                        + " load tests only");
            }
            logSealing(sealing);
            String description = storage.description + " setup=" + loaded.source() + " server_public_key="
                    + Base64.getUrlEncoder().withoutPadding().encodeToString(publicKey);
            ProtocolCore core = new ProtocolCore(services, storage, publicKey, description);
            opened = true;
            return core;
        } finally {
            if (!opened) {
                storage.close();
            }
        }
    }

    private static Services services(
            CoreConfig config, Options options, ServerSetups.Loaded loaded, StorageBackend storage, byte[] publicKey) {
        SessionConfig s = config.sessions();
        OpaqueServer opaque = new OpaqueServer(OpaqueConfig.defaults(), loaded.setup(), config.random());
        SessionPolicy policy = new SessionPolicy(
                s.sessionIdleTimeout(),
                s.sessionLifetime(),
                s.reauthenticationWindow(),
                s.maxSessionsPerUser(),
                s.maxPendingLoginsPerUser());
        AccountStates accounts = new AccountStates(storage.users, Ticker.systemTicker(), s.maxSessions());
        SessionService sessions =
                new SessionService(storage.sessions, accounts, storage.nonces, config.clock(), s.popWindow(), policy);
        return new Services(
                config,
                new RegistrationService(opaque, storage.users, config.clock()),
                new LoginService(
                        opaque,
                        storage.users,
                        storage.pendingLogins,
                        storage.sessions,
                        accounts,
                        config.clock(),
                        config.random(),
                        s.loginTtl(),
                        policy),
                sessions,
                new AccountService(opaque, storage.users, sessions),
                options.meterRegistry == null ? new Metrics() : new Metrics(options.meterRegistry),
                new Readiness(storage.dependencies, StorageBackend.probeDeadline(config)),
                Base64.getUrlEncoder().withoutPadding().encodeToString(publicKey),
                rateLimits(config, storage));
    }

    /** The services: what {@code ProtocolApi.over} answers with, and what an application's own endpoints may call. */
    public Services services() {
        return services;
    }

    public Metrics metrics() {
        return services.metrics();
    }

    public Readiness readiness() {
        return services.readiness();
    }

    public byte[] publicKey() {
        return publicKey.clone();
    }

    /**
     * The database the users live in, for an application that keeps its own tables beside them and needs them in
     * the same transaction as a user's row: the stand-alone server's demo bank ({@code dev.opaquepop.server.demo})
     * books a transfer only while its sender holds the registration the session was made with.
     *
     * <p>The demo's {@code transfers} table is created by this core's own migrations (V1, V2 in {@code
     * db/opaque-pop}), from the time the demo was part of the core. It stays there: every existing database has
     * applied them, Flyway refuses an applied migration whose checksum changed, and a history of the demo's own
     * would find the table already there. For an application that never books a transfer it is an empty table.
     */
    public ConnectionSource database() {
        return storage.database;
    }

    /** Closes the connections to PostgreSQL and Redis (an application's own pool stays open). */
    @Override
    public void close() {
        storage.close();
    }

    /**
     * A setup generated at start belongs to a new deployment. If the database already has users, their setup was
     * lost or is looked for in the wrong place: a new one would lock every one of them out, so refuse.
     */
    private static void requireNoUsersForANewSetup(ServerSetups.Loaded loaded, StorageBackend storage) {
        if (loaded.toCreate() != null && storage.hasUsers.getAsBoolean()) {
            throw new IllegalArgumentException("no server setup was found at " + loaded.toCreate() + ", but the"
                    + " database already has users: they registered under a setup that is missing here, and a new"
                    + " one would lock every one of them out. Restore the setup file (from your backup) there, or"
                    + " give it with --setup-file or OPAQUE_POP_SERVER_SETUP");
        }
    }

    private static RateLimits rateLimits(CoreConfig config, StorageBackend storage) {
        LimitConfig limits = config.limits();
        if (!limits.rateLimit()) {
            return RateLimits.off();
        }
        return RateLimits.of(
                storage.limits,
                limits.loginLimitUser(),
                limits.loginLimitAddress(),
                limits.loginLimitIpv6Block(),
                limits.registerLimitAddress(),
                limits.knownAddressTtl(),
                limits.callLimits());
    }

    /** Half a scale-out configuration works for one instance only: say so at start. */
    private static void warnAboutInstanceLocalState(boolean sharedDatabase, boolean redis) {
        if (sharedDatabase && !redis) {
            LOG.warn("sessions, pending logins and nonces are in this instance's memory: run a single instance,"
                    + " or give every instance the same --redis-url");
        } else if (redis && !sharedDatabase) {
            LOG.warn("users are in this instance's SQLite file: run a single instance, or give every"
                    + " instance the same --db-url");
        }
    }

    /** Which keys seal Redis values (their ids are public: every sealed value carries one). */
    private static void logSealing(SealingKeys.Loaded sealing) {
        if (sealing == null) {
            return;
        }
        LOG.info(
                "redis sealing keys from {}: new values sealed under key id {}, values opened under {}",
                sealing.source(),
                sealing.sealer().sealingKeyId(),
                String.join(",", sealing.sealer().keyIds()));
        if (sealing.derivedOnly()) {
            LOG.warn("redis values are sealed under the key derived from the server setup, which cannot be rotated:"
                    + " give --seal-key-file with a key of its own (list " + SealingKeys.SETUP_DERIVED + " after it"
                    + " until the sessions sealed before have expired; see docs/deploy.md)");
        }
    }

    private static void createDataDirectory(CoreConfig config) throws IOException {
        var directory = config.storage().dataDirectory();
        if (Files.isDirectory(directory)) {
            return;
        }
        if (directory.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.createDirectories(
                    directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } else {
            Files.createDirectories(directory);
        }
    }

    /** What an application lends the core instead of it opening its own. */
    public static final class Options {
        private DataSource dataSource;
        private String schema;
        private MeterRegistry meterRegistry;

        /**
         * Keep users in {@code schema} of the application's own PostgreSQL pool (migrated with a Flyway history of
         * its own there), instead of {@code --db-url} or SQLite.
         */
        public Options dataSource(DataSource dataSource, String schema) {
            this.dataSource = dataSource;
            this.schema = schema;
            return this;
        }

        /** Register the meters in the application's registry. */
        public Options meterRegistry(MeterRegistry meterRegistry) {
            this.meterRegistry = meterRegistry;
            return this;
        }
    }
}
