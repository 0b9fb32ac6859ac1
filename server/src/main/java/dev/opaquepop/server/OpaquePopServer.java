package dev.opaquepop.server;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.opaquepop.opaque.OpaqueConfig;
import dev.opaquepop.opaque.OpaqueServer;
import dev.opaquepop.server.http.HttpApi;
import dev.opaquepop.server.http.MetricsServer;
import dev.opaquepop.server.limit.RateLimits;
import dev.opaquepop.server.service.AccountService;
import dev.opaquepop.server.service.AccountStates;
import dev.opaquepop.server.service.LoginService;
import dev.opaquepop.server.service.RegistrationService;
import dev.opaquepop.server.service.SessionPolicy;
import dev.opaquepop.server.service.SessionService;
import dev.opaquepop.server.service.TransferService;
import io.javalin.Javalin;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running opaque-pop server. Embedded by default (users and transfers in SQLite in the data directory;
 * sessions, pending logins and nonces in bounded memory caches); with {@code --db-url} and {@code --redis-url}
 * every piece of state lives in PostgreSQL and Redis, so any number of instances can serve one deployment and
 * any request may reach any of them.
 */
public final class OpaquePopServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OpaquePopServer.class);

    private final Javalin app;
    private final MetricsServer metricsServer;
    private final StorageBackend storage;
    private final byte[] publicKey;

    private OpaquePopServer(Javalin app, MetricsServer metricsServer, StorageBackend storage, byte[] publicKey) {
        this.app = app;
        this.metricsServer = metricsServer;
        this.storage = storage;
        this.publicKey = publicKey;
    }

    /**
     * Opens storage, loads or creates the server setup, and starts listening.
     *
     * @throws IllegalArgumentException for an unusable setup
     * @throws dev.opaquepop.server.store.StoreException when PostgreSQL or Redis cannot be reached at start
     */
    public static OpaquePopServer start(ServerConfig config) throws IOException {
        // With PostgreSQL the setup is explicit (the configuration insists) and nothing lives in the data directory.
        if (!config.usesPostgres()) {
            createDataDirectory(config);
        }
        ServerSetups.Loaded loaded = ServerSetups.load(config);
        SealingKeys.Loaded sealing = config.usesRedis() ? SealingKeys.load(config, loaded.setup()) : null;
        StorageBackend storage = StorageBackend.open(config, loaded.setup(), sealing == null ? null : sealing.sealer());
        boolean started = false;
        try {
            requireNoUsersForANewSetup(loaded, storage);
            ServerSetups.create(loaded);
            byte[] publicKey = loaded.setup().publicKey();
            OpaqueServer opaque = new OpaqueServer(OpaqueConfig.defaults(), loaded.setup(), config.random());
            SessionPolicy policy = new SessionPolicy(
                    config.sessionIdleTimeout(),
                    config.sessionLifetime(),
                    config.reauthenticationWindow(),
                    config.maxSessionsPerUser(),
                    config.maxPendingLoginsPerUser());
            AccountStates accounts = new AccountStates(storage.users, Ticker.systemTicker(), config.maxSessions());
            SessionService sessions = new SessionService(
                    storage.sessions, accounts, storage.nonces, config.clock(), config.popWindow(), policy);
            Metrics metrics = new Metrics();
            Services services = new Services(
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
                            config.loginTtl(),
                            policy),
                    sessions,
                    new AccountService(opaque, storage.users, sessions),
                    new TransferService(storage.transfers, config.clock()),
                    metrics,
                    new Readiness(storage.dependencies, StorageBackend.probeDeadline(config)),
                    Base64.getUrlEncoder().withoutPadding().encodeToString(publicKey),
                    rateLimits(config, storage));

            Javalin app = HttpApi.create(services);
            app.start(config.bind(), config.port());
            MetricsServer metricsServer = null;
            try {
                metricsServer = startMetrics(config, metrics);
            } finally {
                if (metricsServer == null && config.metricsOnSeparatePort()) {
                    app.stop();
                }
            }
            warnAboutInstanceLocalState(config);
            if (!config.rateLimit()) {
                LOG.warn("rate limits are off (--rate-limit off): nothing slows down online password guessing, mass"
                        + " registration, one account's signed calls or one connection's request rate; use this for"
                        + " load tests only");
            }
            logTransport(config);
            logSealing(sealing);
            LOG.info(
                    "opaque-pop listening on {}://{}:{} {} setup={} server_public_key={}",
                    config.usesTls() ? "https" : "http",
                    config.bind(),
                    app.port(),
                    storage.description,
                    loaded.source(),
                    Base64.getUrlEncoder().withoutPadding().encodeToString(publicKey));
            started = true;
            return new OpaquePopServer(app, metricsServer, storage, publicKey);
        } finally {
            if (!started) {
                storage.close();
            }
        }
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

    /** The metrics port, if configured; {@code null} when /metrics is on the API's port. */
    private static MetricsServer startMetrics(ServerConfig config, Metrics metrics) throws IOException {
        if (!config.metricsOnSeparatePort()) {
            return null;
        }
        MetricsServer server;
        try {
            server = MetricsServer.start(config.metricsBind(), config.metricsPort(), metrics);
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("cannot serve metrics on " + config.metricsBind() + ":" + config.metricsPort(), e);
        }
        LOG.info("metrics on http://{}:{}/metrics (not on the API port)", config.metricsBind(), server.port());
        if (!ServerConfig.isLoopback(config.metricsBind())) {
            LOG.warn(
                    "metrics are served over plain HTTP without authentication on non-loopback address {}: they name"
                            + " the backends in use; let only your monitoring reach that port",
                    config.metricsBind());
        }
        return server;
    }

    private static RateLimits rateLimits(ServerConfig config, StorageBackend storage) {
        if (!config.rateLimit()) {
            return RateLimits.off();
        }
        return RateLimits.of(
                storage.limits,
                config.loginLimitUser(),
                config.loginLimitAddress(),
                config.loginLimitIpv6Block(),
                config.registerLimitAddress(),
                config.knownAddressTtl(),
                config.callLimits());
    }

    /** Half a scale-out configuration works for one instance only: say so at start. */
    private static void warnAboutInstanceLocalState(ServerConfig config) {
        if (config.usesPostgres() && !config.usesRedis()) {
            LOG.warn("sessions, pending logins and nonces are in this instance's memory: run a single instance,"
                    + " or give every instance the same --redis-url");
        } else if (config.usesRedis() && !config.usesPostgres()) {
            LOG.warn("users and transfers are in this instance's SQLite file: run a single instance, or give every"
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

    /** What the network sees: TLS and its certificate, or why plain HTTP is served, and the request limits. */
    private static void logTransport(ServerConfig config) {
        if (config.usesTls()) {
            LOG.info("tls protocols=TLSv1.3,TLSv1.2 alpn=h2,http/1.1 hsts=on certificate {}", config.tlsCertificate());
            if (!config.tlsCertificateValidAt(config.clock().instant())) {
                LOG.warn("the TLS certificate is not valid now ({}): clients will refuse it", config.tlsCertificate());
            }
        } else if (!config.bindsLoopback()) {
            LOG.warn(
                    "serving plain HTTP on non-loopback address {} (--allow-insecure-http): session ids and API data"
                            + " cross the network unencrypted unless a TLS-terminating proxy is the only client of this port",
                    config.bind());
        }
        LOG.info(
                "request limits max_header_bytes={} max_uri_length={} max_body_bytes={} connection_request_rate={}"
                        + " idle_timeout_s={} max_connections={}",
                config.maxHeaderBytes(),
                config.maxUriLength(),
                config.maxBodyBytes(),
                config.connectionRequestRate() == 0 ? "off" : config.connectionRequestRate(),
                config.idleTimeout().toSeconds(),
                config.maxConnections());
    }

    private static void createDataDirectory(ServerConfig config) throws IOException {
        if (Files.isDirectory(config.dataDirectory())) {
            return;
        }
        if (config.dataDirectory().getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.createDirectories(
                    config.dataDirectory(),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } else {
            Files.createDirectories(config.dataDirectory());
        }
    }

    /** The port actually bound (useful with port 0). */
    public int port() {
        return app.port();
    }

    /** The port /metrics is served on when it has one of its own ({@code --metrics-port}); else -1. */
    public int metricsPort() {
        return metricsServer == null ? -1 : metricsServer.port();
    }

    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** Stops serving, then closes the connections to PostgreSQL and Redis. */
    @Override
    public void close() {
        try {
            app.stop();
            if (metricsServer != null) {
                metricsServer.close();
            }
        } finally {
            storage.close();
        }
    }
}
