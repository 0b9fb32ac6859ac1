package dev.opaquepop.server;

import dev.opaquepop.opaque.Argon2idKsf;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * The stand-alone server's configuration: the protocol core's ({@link #core()}: storage, sessions, limits) and
 * the transport's (listening address, TLS, metrics port, Jetty's request limits, the web page), validated once in
 * {@link Builder#build()} with messages that say what to change.
 *
 * <p>Transport: HTTPS from a PKCS#12 keystore ({@link #tlsContext()}, whose password is used once, in {@link
 * Builder#build()}, and not kept), and plain HTTP only on loopback unless {@link #allowInsecureHttp()} says a
 * TLS-terminating proxy is in front. Request limits (header and target sizes, requests per second per
 * connection, idle timeout, connections) are enforced by Jetty before a request reaches a handler.
 */
public final class ServerConfig {
    private static final Pattern IPV4_LITERAL = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
    private static final Pattern IPV6_LITERAL = Pattern.compile("[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*");
    private final CoreConfig core;
    private final String bind;
    private final int port;
    private final Integer metricsPort;
    private final String metricsBind;
    private final Path tlsKeystore;
    private final TlsKeystore.Loaded tls;
    private final TlsReload tlsReload;
    private final boolean allowInsecureHttp;
    private final boolean web;
    private final int maxHeaderBytes;
    private final int maxUriLength;
    private final int connectionRequestRate;
    private final Duration idleTimeout;
    private final int maxConnections;
    private final GatewayConfig gateway;

    private ServerConfig(Builder b, CoreConfig core, GatewayConfig gateway) {
        this.core = core;
        this.bind = b.bind;
        this.port = b.port;
        this.metricsPort = b.metricsPort;
        this.metricsBind = b.metricsBind;
        this.tlsKeystore = b.tlsKeystore;
        this.tls = b.tls;
        this.tlsReload = b.tlsReload;
        this.allowInsecureHttp = b.allowInsecureHttp;
        this.web = b.web;
        this.maxHeaderBytes = b.maxHeaderBytes;
        this.maxUriLength = b.maxUriLength;
        // --rate-limit off turns every request-rate limit off, the per-connection one included.
        this.connectionRequestRate = core.limits().rateLimit() ? b.connectionRequestRate : 0;
        this.idleTimeout = b.idleTimeout;
        this.maxConnections = b.maxConnections;
        this.gateway = gateway;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Storage, sessions, limits and the protocol's options: what every adapter of the core shares. */
    public CoreConfig core() {
        return core;
    }

    public String bind() {
        return bind;
    }

    /** The TCP port; 0 picks a free one. */
    public int port() {
        return port;
    }

    /**
     * True when {@code /metrics} is served on a port of its own ({@link #metricsPort()}) and not on the API's port.
     */
    public boolean metricsOnSeparatePort() {
        return metricsPort != null;
    }

    /** The port of the metrics server (0: any free port); meaningful when {@link #metricsOnSeparatePort()}. */
    public int metricsPort() {
        return metricsPort == null ? -1 : metricsPort;
    }

    /** The address the metrics server listens on (default 127.0.0.1). */
    public String metricsBind() {
        return metricsBind;
    }

    /** True when the server serves HTTPS (HTTP/1.1 and HTTP/2) from {@link #tlsKeystore()}. */
    public boolean usesTls() {
        return tls != null;
    }

    /** The PKCS#12 keystore HTTPS is served from, or {@code null} for plain HTTP. */
    public Path tlsKeystore() {
        return tlsKeystore;
    }

    /** The server's TLS context, built from the keystore at configuration time; empty for plain HTTP. */
    public Optional<SSLContext> tlsContext() {
        return Optional.ofNullable(tls).map(TlsKeystore.Loaded::context);
    }

    /** Watches the keystore for a renewed certificate; empty for plain HTTP or {@code --tls-reload-interval 0}. */
    public Optional<TlsReload> tlsReload() {
        return Optional.ofNullable(tlsReload);
    }

    /** The served certificate's subject and expiry, for the start-up log; {@code null} for plain HTTP. */
    public String tlsCertificate() {
        return tls == null ? null : tls.certificate();
    }

    /** False when the served certificate has expired or is not valid yet at {@code now}. */
    public boolean tlsCertificateValidAt(Instant now) {
        return tls == null || tls.validAt(now);
    }

    /** True when plain HTTP on a non-loopback address was allowed explicitly (a TLS-terminating proxy). */
    public boolean allowInsecureHttp() {
        return allowInsecureHttp;
    }

    /** True when the browser demo page (docs/browser.md) is served at {@code /}. */
    public boolean web() {
        return web;
    }

    /** True when {@link #bind()} is a loopback address (127.0.0.0/8, ::1) or {@code localhost}. */
    public boolean bindsLoopback() {
        return isLoopback(bind);
    }

    /** The largest request line plus headers, in bytes: larger is 431 (or 414 when the target alone is). */
    public int maxHeaderBytes() {
        return maxHeaderBytes;
    }

    /** The longest request target (path and query, as sent): longer is 414. */
    public int maxUriLength() {
        return maxUriLength;
    }

    /**
     * Requests per second one connection may make on average, with bursts of as many: more is 429. 0 turns the
     * limit off.
     */
    public int connectionRequestRate() {
        return connectionRequestRate;
    }

    /** How long a connection may stay idle (including while a request is half sent) before it is closed. */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /** The most open connections; at the limit the server stops accepting until one closes. */
    public int maxConnections() {
        return maxConnections;
    }

    /** The gateway's options when the server fronts an upstream ({@code --upstream}); empty otherwise. */
    public Optional<GatewayConfig> gateway() {
        return Optional.ofNullable(gateway);
    }

    @Override
    public String toString() {
        return "ServerConfig[bind=" + bind + ", port=" + port
                + ", metrics=" + (metricsPort == null ? "api port" : metricsBind + ":" + metricsPort) + ", " + core
                + ", tls="
                + (tlsKeystore == null ? (allowInsecureHttp ? "off (insecure HTTP allowed)" : "off") : tlsKeystore)
                + ", maxHeaderBytes=" + maxHeaderBytes + ", maxUriLength=" + maxUriLength
                + ", connectionRequestRate=" + connectionRequestRate + ", idleTimeout=" + idleTimeout
                + ", maxConnections=" + maxConnections
                + ", web=" + web
                + (gateway == null ? "" : ", " + gateway)
                + "]";
    }

    /**
     * Whether {@code host} is {@code localhost} or an IP literal in 127.0.0.0/8 or ::1. Any other host name counts
     * as non-loopback: it is not resolved, since what it resolves to may change.
     */
    public static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        String name = host.strip();
        if (asciiEqualsIgnoreCase(name, "localhost") || asciiEqualsIgnoreCase(name, "localhost.")) {
            return true;
        }
        if (name.startsWith("[") && name.endsWith("]")) {
            name = name.substring(1, name.length() - 1);
        }
        boolean ipv4 = IPV4_LITERAL.matcher(name).matches();
        if (ipv4) {
            for (String octet : name.split("\\.", 4)) {
                if (Integer.parseInt(octet) > 255) {
                    return false;
                }
            }
        } else if (!IPV6_LITERAL.matcher(name).matches()) {
            return false;
        }
        try {
            // A literal: parsed, never looked up.
            return InetAddress.getByName(name).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** Case-insensitive for ASCII letters only: no Unicode case mapping can turn another name into this one. */
    private static boolean asciiEqualsIgnoreCase(String value, String lowerCaseAscii) {
        if (value.length() != lowerCaseAscii.length()) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            char lower = c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
            if (lower != lowerCaseAscii.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Starts from {@link Defaults}. The core's options are passed through to a {@link CoreConfig.Builder},
     * so the server's command line and every other adapter validate them alike.
     */
    public static final class Builder {
        private final CoreConfig.Builder core = CoreConfig.builder();
        private String bind = Defaults.BIND;
        private int port = Defaults.PORT;
        private Integer metricsPort;
        private String metricsBind = Defaults.METRICS_BIND;
        private Path tlsKeystore;
        private String tlsKeystorePassword;
        private Path tlsKeystorePasswordFile;
        private boolean allowInsecureHttp = Defaults.ALLOW_INSECURE_HTTP;
        private boolean web = Defaults.WEB;
        private int maxHeaderBytes = Defaults.MAX_HEADER_BYTES;
        private int maxUriLength = Defaults.MAX_URI_LENGTH;
        private int connectionRequestRate = Defaults.CONNECTION_REQUEST_RATE;
        private Duration idleTimeout = Duration.ofSeconds(Defaults.IDLE_TIMEOUT_SECONDS);
        private int maxConnections = Defaults.MAX_CONNECTIONS;
        private Duration tlsReloadInterval = Duration.ofSeconds(Defaults.TLS_RELOAD_INTERVAL_SECONDS);
        private TlsKeystore.Loaded tls;
        private TlsReload tlsReload;
        private final GatewayConfig.Builder gateway = GatewayConfig.builder();

        private Builder() {}

        // ---- the gateway (docs/gateway.md): only with an upstream

        /** {@code --upstream}: run as a gateway in front of this URL; {@code null}: serve the demo bank. */
        public Builder upstream(String upstream) {
            gateway.upstream(upstream);
            return this;
        }

        /** {@code --public-path}: patterns forwarded without a signature (comma-separated; may repeat). */
        public Builder publicPaths(String patterns) {
            gateway.publicPaths(patterns);
            return this;
        }

        public Builder upstreamTimeout(Duration upstreamTimeout) {
            gateway.upstreamTimeout(upstreamTimeout);
            return this;
        }

        public Builder gatewayKeyFile(Path gatewayKeyFile) {
            gateway.keyFile(gatewayKeyFile);
            return this;
        }

        // ---- transport

        public Builder bind(String bind) {
            this.bind = bind;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /**
         * Serve {@code /metrics} on this port (0: any free port) of {@link #metricsBind}, and no longer on the API's
         * port; {@code null} (the default): on the API's port.
         */
        public Builder metricsPort(Integer metricsPort) {
            this.metricsPort = metricsPort;
            return this;
        }

        /** The address of the metrics port; loopback by default. */
        public Builder metricsBind(String metricsBind) {
            this.metricsBind = metricsBind;
            return this;
        }

        /** Serve HTTPS from this PKCS#12 keystore (a private key and its certificate chain). */
        public Builder tlsKeystore(Path tlsKeystore) {
            this.tlsKeystore = tlsKeystore;
            return this;
        }

        /** The keystore password, e.g. from {@code OPAQUE_POP_TLS_KEYSTORE_PASSWORD}. Secret: never logged. */
        public Builder tlsKeystorePassword(String tlsKeystorePassword) {
            this.tlsKeystorePassword =
                    tlsKeystorePassword == null || tlsKeystorePassword.isEmpty() ? null : tlsKeystorePassword;
            return this;
        }

        /** A file holding the keystore password (one line; a final line break is ignored). */
        public Builder tlsKeystorePasswordFile(Path tlsKeystorePasswordFile) {
            this.tlsKeystorePasswordFile = tlsKeystorePasswordFile;
            return this;
        }

        /** How often the keystore file is checked for a new certificate; zero: never (a restart reloads it). */
        public Builder tlsReloadInterval(Duration tlsReloadInterval) {
            this.tlsReloadInterval = tlsReloadInterval;
            return this;
        }

        /** Allow plain HTTP on a non-loopback address: only for a TLS-terminating proxy in front. */
        public Builder allowInsecureHttp(boolean allowInsecureHttp) {
            this.allowInsecureHttp = allowInsecureHttp;
            return this;
        }

        /** Serve the browser demo page at {@code /} (off by default: an API server serves no documents). */
        public Builder web(boolean web) {
            this.web = web;
            return this;
        }

        public Builder maxHeaderBytes(int maxHeaderBytes) {
            this.maxHeaderBytes = maxHeaderBytes;
            return this;
        }

        public Builder maxUriLength(int maxUriLength) {
            this.maxUriLength = maxUriLength;
            return this;
        }

        /** Requests per second per connection (bursts of as many); 0 turns the limit off. */
        public Builder connectionRequestRate(int connectionRequestRate) {
            this.connectionRequestRate = connectionRequestRate;
            return this;
        }

        public Builder idleTimeout(Duration idleTimeout) {
            this.idleTimeout = idleTimeout;
            return this;
        }

        public Builder maxConnections(int maxConnections) {
            this.maxConnections = maxConnections;
            return this;
        }

        public Builder dataDirectory(Path dataDirectory) {
            core.dataDirectory(dataDirectory);
            return this;
        }

        public Builder setupValue(String setupValue) {
            core.setupValue(setupValue);
            return this;
        }

        public Builder setupFile(Path setupFile) {
            core.setupFile(setupFile);
            return this;
        }

        public Builder sealKeyFile(Path sealKeyFile) {
            core.sealKeyFile(sealKeyFile);
            return this;
        }

        public Builder sealKeysValue(String sealKeysValue) {
            core.sealKeysValue(sealKeysValue);
            return this;
        }

        public Builder popWindow(Duration popWindow) {
            core.popWindow(popWindow);
            return this;
        }

        public Builder sessionIdleTimeout(Duration sessionIdleTimeout) {
            core.sessionIdleTimeout(sessionIdleTimeout);
            return this;
        }

        public Builder sessionLifetime(Duration sessionLifetime) {
            core.sessionLifetime(sessionLifetime);
            return this;
        }

        public Builder reauthenticationWindow(Duration reauthenticationWindow) {
            core.reauthenticationWindow(reauthenticationWindow);
            return this;
        }

        public Builder maxSessionsPerUser(int maxSessionsPerUser) {
            core.maxSessionsPerUser(maxSessionsPerUser);
            return this;
        }

        public Builder maxPendingLoginsPerUser(int maxPendingLoginsPerUser) {
            core.maxPendingLoginsPerUser(maxPendingLoginsPerUser);
            return this;
        }

        public Builder loginTtl(Duration loginTtl) {
            core.loginTtl(loginTtl);
            return this;
        }

        public Builder maxPendingLogins(long maxPendingLogins) {
            core.maxPendingLogins(maxPendingLogins);
            return this;
        }

        public Builder maxSessions(long maxSessions) {
            core.maxSessions(maxSessions);
            return this;
        }

        public Builder nonceCapacity(long nonceCapacity) {
            core.nonceCapacity(nonceCapacity);
            return this;
        }

        public Builder maxBodyBytes(int maxBodyBytes) {
            core.maxBodyBytes(maxBodyBytes);
            return this;
        }

        public Builder clientKsf(Argon2idKsf clientKsf) {
            core.clientKsf(clientKsf);
            return this;
        }

        public Builder dbUrl(String dbUrl) {
            core.dbUrl(dbUrl);
            return this;
        }

        public Builder dbUser(String dbUser) {
            core.dbUser(dbUser);
            return this;
        }

        public Builder dbPassword(String dbPassword) {
            core.dbPassword(dbPassword);
            return this;
        }

        public Builder dbPoolSize(int dbPoolSize) {
            core.dbPoolSize(dbPoolSize);
            return this;
        }

        public Builder dbTimeout(Duration dbTimeout) {
            core.dbTimeout(dbTimeout);
            return this;
        }

        public Builder redisUrl(String redisUrl) {
            core.redisUrl(redisUrl);
            return this;
        }

        /** See {@link CoreConfig.Builder#redisCluster}. */
        public Builder redisCluster(boolean redisCluster) {
            core.redisCluster(redisCluster);
            return this;
        }

        public Builder redisTimeout(Duration redisTimeout) {
            core.redisTimeout(redisTimeout);
            return this;
        }

        public Builder redisKeyPrefix(String redisKeyPrefix) {
            core.redisKeyPrefix(redisKeyPrefix);
            return this;
        }

        public Builder rateLimit(boolean rateLimit) {
            core.rateLimit(rateLimit);
            return this;
        }

        public Builder loginLimitUser(String spec) {
            core.loginLimitUser(spec);
            return this;
        }

        public Builder loginLimitAddress(String spec) {
            core.loginLimitAddress(spec);
            return this;
        }

        public Builder loginLimitIpv6Block(String spec) {
            core.loginLimitIpv6Block(spec);
            return this;
        }

        public Builder registerLimitAddress(String spec) {
            core.registerLimitAddress(spec);
            return this;
        }

        public Builder knownAddressTtl(Duration knownAddressTtl) {
            core.knownAddressTtl(knownAddressTtl);
            return this;
        }

        public Builder callLimitSession(long perSecond) {
            core.callLimitSession(perSecond);
            return this;
        }

        public Builder callLimitUser(long perSecond) {
            core.callLimitUser(perSecond);
            return this;
        }

        public Builder nonceQuotaSession(long nonces) {
            core.nonceQuotaSession(nonces);
            return this;
        }

        public Builder maxRateLimitBuckets(long maxRateLimitBuckets) {
            core.maxRateLimitBuckets(maxRateLimitBuckets);
            return this;
        }

        public Builder trustedProxies(String trustedProxies) {
            core.trustedProxies(trustedProxies);
            return this;
        }

        public Builder clock(Clock clock) {
            core.clock(clock);
            return this;
        }

        public Builder random(SecureRandom random) {
            core.random(random);
            return this;
        }

        /** @throws IllegalArgumentException naming the option and the accepted range */
        public ServerConfig build() {
            require(bind != null && !bind.isBlank(), "--bind must be a host name or IP address");
            require(port >= 0 && port <= 65535, "--port must be between 0 and 65535, got " + port);
            require(
                    metricsPort == null || (metricsPort >= 0 && metricsPort <= 65535),
                    "--metrics-port must be between 0 and 65535, got " + metricsPort);
            require(
                    metricsPort == null || metricsPort == 0 || metricsPort != port,
                    "--metrics-port must differ from --port (" + port + "): it is a second port, for /metrics only");
            require(metricsBind != null && !metricsBind.isBlank(), "--metrics-bind must be a host name or IP address");
            CoreConfig built = core.build();
            require(
                    maxHeaderBytes >= 1024 && maxHeaderBytes <= 64 * 1024,
                    "--max-header-bytes must be between 1024 and 65536, got " + maxHeaderBytes);
            require(
                    maxUriLength >= 256 && maxUriLength < maxHeaderBytes,
                    "--max-uri-length must be at least 256 and less than --max-header-bytes (" + maxHeaderBytes
                            + "), got " + maxUriLength);
            require(
                    connectionRequestRate >= 0 && connectionRequestRate <= 1_000_000,
                    "--connection-request-rate must be between 0 (off) and 1000000 requests per second, got "
                            + connectionRequestRate);
            requireDuration("--idle-timeout", idleTimeout, Duration.ofSeconds(1), Duration.ofHours(1));
            require(
                    maxConnections >= 1 && maxConnections <= 1_000_000,
                    "--max-connections must be between 1 and 1000000, got " + maxConnections);
            require(
                    tlsKeystorePassword == null || tlsKeystorePasswordFile == null,
                    "give the TLS keystore password either by OPAQUE_POP_TLS_KEYSTORE_PASSWORD or by"
                            + " --tls-keystore-password-file, not both");
            require(
                    tlsKeystore != null || (tlsKeystorePassword == null && tlsKeystorePasswordFile == null),
                    "a TLS keystore password was given (OPAQUE_POP_TLS_KEYSTORE_PASSWORD or"
                            + " --tls-keystore-password-file) but no --tls-keystore");
            require(
                    tlsKeystore == null || tlsKeystorePassword != null || tlsKeystorePasswordFile != null,
                    "--tls-keystore needs the keystore password: set OPAQUE_POP_TLS_KEYSTORE_PASSWORD or give"
                            + " --tls-keystore-password-file (never on the command line)");
            require(
                    tlsKeystore != null || allowInsecureHttp || isLoopback(bind),
                    "--bind " + bind + " is not a loopback address, and plain HTTP there would expose session"
                            + " ids and API data to the network: give --tls-keystore to serve HTTPS, or"
                            + " --allow-insecure-http if a TLS-terminating proxy is the only client of this port");
            require(
                    tlsReloadInterval != null
                            && (tlsReloadInterval.isZero()
                                    || (tlsReloadInterval.compareTo(Duration.ofSeconds(1)) >= 0
                                            && tlsReloadInterval.compareTo(Duration.ofDays(1)) <= 0)),
                    "--tls-reload-interval must be 0 (off) or between 1 and 86400 seconds, got "
                            + (tlsReloadInterval == null ? "none" : tlsReloadInterval.toSeconds()));
            require(
                    !web || !gateway.enabled(),
                    "--web serves the demo bank's page, which a gateway (--upstream) does not serve: give one of them");
            GatewayConfig gatewayConfig =
                    gateway.enabled() ? gateway.build(built.storage().dataDirectory()) : null;
            if (tlsKeystore != null) {
                loadTls();
            }
            return new ServerConfig(this, built, gatewayConfig);
        }

        private void loadTls() {
            byte[] content;
            try {
                content = java.nio.file.Files.readAllBytes(tlsKeystore);
            } catch (java.nio.file.NoSuchFileException e) {
                throw new IllegalArgumentException("--tls-keystore " + tlsKeystore + " does not exist");
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("--tls-keystore " + tlsKeystore + " cannot be read ("
                        + e.getClass().getSimpleName() + ")");
            }
            char[] password = tlsKeystorePasswordFile != null
                    ? TlsKeystore.readPasswordFile(tlsKeystorePasswordFile)
                    : tlsKeystorePassword.toCharArray();
            try {
                tls = TlsKeystore.load(tlsKeystore, content, password);
                tlsReload = tlsReloadInterval.isZero()
                        ? null
                        : new TlsReload(
                                tlsKeystore,
                                tlsKeystorePasswordFile,
                                tlsKeystorePasswordFile == null ? password : null,
                                tlsReloadInterval,
                                content);
            } finally {
                Arrays.fill(password, '\0');
            }
        }

        private static void requireDuration(String option, Duration value, Duration min, Duration max) {
            CoreConfig.Builder.requireDuration(option, value, min, max);
        }

        private static void require(boolean condition, String message) {
            CoreConfig.Builder.require(condition, message);
        }
    }
}
