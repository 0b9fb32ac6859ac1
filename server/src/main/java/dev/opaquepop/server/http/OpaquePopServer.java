package dev.opaquepop.server.http;

import dev.opaquepop.server.Metrics;
import dev.opaquepop.server.ProtocolCore;
import dev.opaquepop.server.ServerConfig;
import io.javalin.Javalin;
import java.io.IOException;
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
    private final ProtocolCore core;

    private OpaquePopServer(Javalin app, MetricsServer metricsServer, ProtocolCore core) {
        this.app = app;
        this.metricsServer = metricsServer;
        this.core = core;
    }

    /**
     * Opens storage, loads or creates the server setup, and starts listening.
     *
     * @throws IllegalArgumentException for an unusable setup
     * @throws dev.opaquepop.server.store.StoreException when PostgreSQL or Redis cannot be reached at start
     */
    public static OpaquePopServer start(ServerConfig config) throws IOException {
        ProtocolCore core = ProtocolCore.open(config.core());
        boolean started = false;
        try {
            Javalin app = HttpApi.create(core, config);
            app.start(config.bind(), config.port());
            MetricsServer metricsServer = null;
            try {
                metricsServer = startMetrics(config, core.metrics());
            } finally {
                if (metricsServer == null && config.metricsOnSeparatePort()) {
                    app.stop();
                }
            }
            logTransport(config);
            LOG.info(
                    "opaque-pop listening on {}://{}:{} {}",
                    config.usesTls() ? "https" : "http",
                    config.bind(),
                    app.port(),
                    core.description());
            started = true;
            return new OpaquePopServer(app, metricsServer, core);
        } finally {
            if (!started) {
                core.close();
            }
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

    /** What the network sees: TLS and its certificate, or why plain HTTP is served, and the request limits. */
    private static void logTransport(ServerConfig config) {
        if (config.usesTls()) {
            LOG.info("tls protocols=TLSv1.3,TLSv1.2 alpn=h2,http/1.1 hsts=on certificate {}", config.tlsCertificate());
            if (!config.tlsCertificateValidAt(config.core().clock().instant())) {
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
                config.core().maxBodyBytes(),
                config.connectionRequestRate() == 0 ? "off" : config.connectionRequestRate(),
                config.idleTimeout().toSeconds(),
                config.maxConnections());
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
        return core.publicKey();
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
            core.close();
        }
    }
}
