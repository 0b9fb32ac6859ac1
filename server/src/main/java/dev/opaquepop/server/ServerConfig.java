package dev.opaquepop.server;

import dev.opaquepop.opaque.Argon2idKsf;
import dev.opaquepop.pop.PopVerifier;
import dev.opaquepop.server.address.ClientAddresses;
import dev.opaquepop.server.limit.CallLimits;
import dev.opaquepop.server.limit.LimitSpec;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * Everything the server is configured with, validated once in {@link Builder#build()} with messages that say
 * what to change. The server setup is resolved from {@link #setupValue()} (the value of {@code
 * OPAQUE_POP_SERVER_SETUP}), else {@link #setupFile()}, whose default is beside the data directory (see {@link
 * ServerSetups}).
 *
 * <p>Storage is embedded (SQLite in the data directory, sessions in memory) unless {@link #dbUrl()} names a
 * PostgreSQL database and {@link #redisUrl()} a Redis server, which several instances then share. Values that
 * may carry credentials (the setup, both URLs, the database password) have package-private accessors and
 * appear in {@link #toString()} only redacted.
 *
 * <p>Transport: HTTPS from a PKCS#12 keystore ({@link #tlsContext()}, whose password is used once, in {@link
 * Builder#build()}, and not kept), and plain HTTP only on loopback unless {@link #allowInsecureHttp()} says a
 * TLS-terminating proxy is in front. Request limits (header and target sizes, requests per second per
 * connection, idle timeout, connections) are enforced by Jetty before a request reaches a handler.
 */
public final class ServerConfig {
    private static final Pattern REDIS_SCHEME =
            Pattern.compile("(rediss?|redis\\+ssl|redis\\+tls|rediss?-sentinel|redis[-+]socket)://");
    private static final Pattern CLUSTER_SEED = Pattern.compile("rediss?://");
    // Printable ASCII without space or braces: a brace would move the Redis Cluster hash tag into the prefix.
    private static final Pattern KEY_PREFIX = Pattern.compile("[\\x21-\\x7e&&[^{}]]{1,64}");
    private static final Pattern IPV4_LITERAL = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
    private static final Pattern IPV6_LITERAL = Pattern.compile("[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*");
    private final String bind;
    private final int port;
    private final Integer metricsPort;
    private final String metricsBind;
    private final Path dataDirectory;
    private final String setupValue;
    private final Path setupFile;
    private final Path sealKeyFile;
    private final String sealKeysValue;
    private final Duration popWindow;
    private final Duration sessionIdleTimeout;
    private final Duration sessionLifetime;
    private final Duration reauthenticationWindow;
    private final Duration loginTtl;
    private final long maxPendingLogins;
    private final long maxSessions;
    private final int maxSessionsPerUser;
    private final int maxPendingLoginsPerUser;
    private final long nonceCapacity;
    private final int maxBodyBytes;
    private final Argon2idKsf clientKsf;
    private final String dbUrl;
    private final String dbUser;
    private final String dbPassword;
    private final int dbPoolSize;
    private final Duration dbTimeout;
    private final String redisUrl;
    private final boolean redisCluster;
    private final Duration redisTimeout;
    private final String redisKeyPrefix;
    private final boolean rateLimit;
    private final LimitSpec loginLimitUser;
    private final LimitSpec loginLimitAddress;
    private final LimitSpec loginLimitIpv6Block;
    private final LimitSpec registerLimitAddress;
    private final Duration knownAddressTtl;
    private final long maxRateLimitBuckets;
    private final CallLimits callLimits;
    private final List<String> trustedProxies;
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
    private final Clock clock;
    private final SecureRandom random;

    private ServerConfig(Builder b) {
        this.bind = b.bind;
        this.port = b.port;
        this.metricsPort = b.metricsPort;
        this.metricsBind = b.metricsBind;
        this.dataDirectory = b.dataDirectory;
        this.setupValue = b.setupValue;
        this.setupFile = b.setupFile;
        this.sealKeyFile = b.sealKeyFile;
        this.sealKeysValue = b.sealKeysValue;
        this.popWindow = b.popWindow;
        this.sessionIdleTimeout = b.sessionIdleTimeout;
        this.sessionLifetime = b.sessionLifetime;
        this.reauthenticationWindow = b.reauthenticationWindow;
        this.loginTtl = b.loginTtl;
        this.maxPendingLogins = b.maxPendingLogins;
        this.maxSessions = b.maxSessions;
        this.maxSessionsPerUser = b.maxSessionsPerUser;
        this.maxPendingLoginsPerUser = b.maxPendingLoginsPerUser;
        this.nonceCapacity = b.nonceCapacity;
        this.maxBodyBytes = b.maxBodyBytes;
        this.clientKsf = b.clientKsf;
        this.dbUrl = b.dbUrl;
        this.dbUser = b.dbUser;
        this.dbPassword = b.dbPassword;
        this.dbPoolSize = b.dbPoolSize;
        this.dbTimeout = b.dbTimeout;
        this.redisUrl = b.redisUrl;
        this.redisCluster = b.redisCluster;
        this.redisTimeout = b.redisTimeout;
        this.redisKeyPrefix = b.redisKeyPrefix;
        this.rateLimit = b.rateLimit;
        this.loginLimitUser = b.parsedLoginLimitUser;
        this.loginLimitAddress = b.parsedLoginLimitAddress;
        this.loginLimitIpv6Block = b.parsedLoginLimitIpv6Block;
        this.registerLimitAddress = b.parsedRegisterLimitAddress;
        this.knownAddressTtl = b.knownAddressTtl;
        this.maxRateLimitBuckets = b.maxRateLimitBuckets;
        // A nonce is kept at most twice the window, plus a second of whole-second timestamps, plus the margin.
        this.callLimits = b.rateLimit
                ? new CallLimits(
                        b.callLimitSession,
                        b.callLimitUser,
                        b.nonceQuotaSession,
                        b.popWindow.multipliedBy(2).plusSeconds(1).plus(PopVerifier.CLOCK_MARGIN))
                : CallLimits.off();
        this.trustedProxies = b.parsedTrustedProxies;
        this.tlsKeystore = b.tlsKeystore;
        this.tls = b.tls;
        this.tlsReload = b.tlsReload;
        this.allowInsecureHttp = b.allowInsecureHttp;
        this.web = b.web;
        this.maxHeaderBytes = b.maxHeaderBytes;
        this.maxUriLength = b.maxUriLength;
        // --rate-limit off turns every request-rate limit off, the per-connection one included.
        this.connectionRequestRate = b.rateLimit ? b.connectionRequestRate : 0;
        this.idleTimeout = b.idleTimeout;
        this.maxConnections = b.maxConnections;
        this.clock = b.clock;
        this.random = b.random;
    }

    public static Builder builder() {
        return new Builder();
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

    public Duration popWindow() {
        return popWindow;
    }

    /** A session not used for this long ends ({@code --session-idle-timeout}). */
    public Duration sessionIdleTimeout() {
        return sessionIdleTimeout;
    }

    /** A session ends this long after its login, however busy ({@code --session-lifetime}). */
    public Duration sessionLifetime() {
        return sessionLifetime;
    }

    /** A password change or account deletion needs a login younger than this ({@code --reauthentication-window}). */
    public Duration reauthenticationWindow() {
        return reauthenticationWindow;
    }

    public Duration loginTtl() {
        return loginTtl;
    }

    public long maxPendingLogins() {
        return maxPendingLogins;
    }

    public long maxSessions() {
        return maxSessions;
    }

    /** Live sessions one user may hold; a login beyond it ends the user's oldest ({@code --max-sessions-per-user}). */
    public int maxSessionsPerUser() {
        return maxSessionsPerUser;
    }

    /** Unfinished logins one username may have; beyond it login/start answers 429. */
    public int maxPendingLoginsPerUser() {
        return maxPendingLoginsPerUser;
    }

    public long nonceCapacity() {
        return nonceCapacity;
    }

    public int maxBodyBytes() {
        return maxBodyBytes;
    }

    /** The KSF clients must use; the server never runs it but advertises it at {@code /.well-known/opaque-pop}. */
    public Argon2idKsf clientKsf() {
        return clientKsf;
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

    /** True when users and transfers live in PostgreSQL rather than the data directory. */
    public boolean usesPostgres() {
        return dbUrl != null;
    }

    /** True when sessions, pending logins and nonces live in Redis rather than this instance's memory. */
    public boolean usesRedis() {
        return redisUrl != null;
    }

    /** False with {@code --rate-limit off}: no login or registration limits (load tests only). */
    public boolean rateLimit() {
        return rateLimit;
    }

    /** Login attempts per username (and per known username and network pair). */
    public LimitSpec loginLimitUser() {
        return loginLimitUser;
    }

    /** Login attempts per client network (an IPv4 address, an IPv6 /64). */
    public LimitSpec loginLimitAddress() {
        return loginLimitAddress;
    }

    /** Login attempts per IPv6 /48, beside those per /64. */
    public LimitSpec loginLimitIpv6Block() {
        return loginLimitIpv6Block;
    }

    /** Registration steps per client network. */
    public LimitSpec registerLimitAddress() {
        return registerLimitAddress;
    }

    /** How long a network a user logged in from keeps a login bucket of its own; zero: never. */
    public Duration knownAddressTtl() {
        return knownAddressTtl;
    }

    /** The bound of each in-memory limit's buckets (embedded mode; Redis is bounded by key TTLs and maxmemory). */
    public long maxRateLimitBuckets() {
        return maxRateLimitBuckets;
    }

    /** Signed calls per session and per user, and nonces per session; off with {@code --rate-limit off}. */
    public CallLimits callLimits() {
        return callLimits;
    }

    /** The proxies whose {@code X-Forwarded-For} is believed, as canonical CIDR blocks; empty: none. */
    public List<String> trustedProxies() {
        return trustedProxies;
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
    boolean tlsCertificateValidAt(Instant now) {
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

    public Clock clock() {
        return clock;
    }

    public SecureRandom random() {
        return random;
    }

    @Override
    public String toString() {
        return "ServerConfig[bind=" + bind + ", port=" + port
                + ", metrics=" + (metricsPort == null ? "api port" : metricsBind + ":" + metricsPort) + ", data="
                + dataDirectory + ", setup="
                + (setupValue != null ? "environment" : setupFile != null ? setupFile : "default file")
                + ", popWindow=" + popWindow + ", sessionIdleTimeout=" + sessionIdleTimeout + ", sessionLifetime="
                + sessionLifetime
                + ", reauthenticationWindow=" + reauthenticationWindow + ", loginTtl=" + loginTtl
                + ", maxSessionsPerUser=" + maxSessionsPerUser + ", maxPendingLoginsPerUser=" + maxPendingLoginsPerUser
                + ", clientKsf=" + clientKsf
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
                                        : sealKeyFile != null ? sealKeyFile : "derived from the setup"))
                + ", rateLimit="
                + (rateLimit
                        ? "[loginUser=" + loginLimitUser + ", loginAddress=" + loginLimitAddress + ", loginIpv6Block="
                                + loginLimitIpv6Block + ", registerAddress="
                                + registerLimitAddress + ", knownAddressTtl=" + knownAddressTtl + ", calls="
                                + callLimits + "]"
                        : "off")
                + ", trustedProxies=" + trustedProxies
                + ", tls="
                + (tlsKeystore == null ? (allowInsecureHttp ? "off (insecure HTTP allowed)" : "off") : tlsKeystore)
                + ", maxHeaderBytes=" + maxHeaderBytes + ", maxUriLength=" + maxUriLength
                + ", connectionRequestRate=" + connectionRequestRate + ", idleTimeout=" + idleTimeout
                + ", maxConnections=" + maxConnections
                + ", web=" + web
                + "]";
    }

    /**
     * Whether {@code host} is {@code localhost} or an IP literal in 127.0.0.0/8 or ::1. Any other host name counts
     * as non-loopback: it is not resolved, since what it resolves to may change.
     */
    static boolean isLoopback(String host) {
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

    /** Defaults as documented in the README. */
    public static final class Builder {
        public static final String DEFAULT_LOGIN_LIMIT_USER = "5/30s,10/2m,20/15m";
        public static final String DEFAULT_LOGIN_LIMIT_ADDRESS = "50/1s,500/30s";
        /** Signed calls per second per session: well above a busy client's (bench calls: ~140 per session). */
        public static final long DEFAULT_CALL_LIMIT_SESSION = 1000;

        /** Signed calls per second per user, all sessions together. */
        public static final long DEFAULT_CALL_LIMIT_USER = 2000;

        /**
         * Nonces per session per quota period (twice the PoP window plus 6 s): a session at its full rate never meets
         * it with the default window; with a wider window it keeps one session to at most twice this many.
         */
        public static final long DEFAULT_NONCE_QUOTA_SESSION = 100_000;

        /** Four times an address's bursts and three times its lasting rate, for a site's many /64s. */
        public static final String DEFAULT_LOGIN_LIMIT_IPV6_BLOCK = "200/1s,2000/10s";

        public static final String DEFAULT_REGISTER_LIMIT_ADDRESS = "10/30s,200/10m";

        private String bind = "127.0.0.1";
        private int port = 8080;
        private Integer metricsPort;
        private String metricsBind = "127.0.0.1";
        private Path dataDirectory = Path.of("data");
        private String setupValue;
        private Path setupFile;
        private Path sealKeyFile;
        private String sealKeysValue;
        private Duration popWindow = Duration.ofSeconds(30);
        private Duration sessionIdleTimeout = Duration.ofMinutes(15);
        private Duration sessionLifetime = Duration.ofHours(12);
        private Duration reauthenticationWindow = Duration.ofMinutes(5);
        private int maxSessionsPerUser = 16;
        private int maxPendingLoginsPerUser = 8;
        private Duration loginTtl = Duration.ofSeconds(60);
        private long maxPendingLogins = 100_000;
        private long maxSessions = 100_000;
        private long nonceCapacity = 2_000_000;
        private int maxBodyBytes = 64 * 1024;
        private Argon2idKsf clientKsf = Argon2idKsf.DEFAULT;
        private String dbUrl;
        private String dbUser;
        private String dbPassword;
        private int dbPoolSize = 10;
        private Duration dbTimeout = Duration.ofSeconds(5);
        private String redisUrl;
        private boolean redisCluster;
        private Duration redisTimeout = Duration.ofSeconds(2);
        private String redisKeyPrefix = "opaque-pop:";
        private boolean rateLimit = true;
        private String loginLimitUser = DEFAULT_LOGIN_LIMIT_USER;
        private String loginLimitAddress = DEFAULT_LOGIN_LIMIT_ADDRESS;
        private String loginLimitIpv6Block = DEFAULT_LOGIN_LIMIT_IPV6_BLOCK;
        private String registerLimitAddress = DEFAULT_REGISTER_LIMIT_ADDRESS;
        private Duration knownAddressTtl = Duration.ofDays(30);
        private long maxRateLimitBuckets = 100_000;
        private long callLimitSession = DEFAULT_CALL_LIMIT_SESSION;
        private long callLimitUser = DEFAULT_CALL_LIMIT_USER;
        private long nonceQuotaSession = DEFAULT_NONCE_QUOTA_SESSION;
        private String trustedProxies;
        private LimitSpec parsedLoginLimitUser;
        private LimitSpec parsedLoginLimitAddress;
        private LimitSpec parsedLoginLimitIpv6Block;
        private LimitSpec parsedRegisterLimitAddress;
        private List<String> parsedTrustedProxies;
        private Path tlsKeystore;
        private String tlsKeystorePassword;
        private Path tlsKeystorePasswordFile;
        private boolean allowInsecureHttp;
        private boolean web;
        private int maxHeaderBytes = 8 * 1024;
        private int maxUriLength = 2 * 1024;
        private int connectionRequestRate = 1000;
        private Duration idleTimeout = Duration.ofSeconds(30);
        private int maxConnections = 10_000;
        private Clock clock = Clock.systemUTC();
        private SecureRandom random;
        private Duration tlsReloadInterval = Duration.ofSeconds(60);
        private TlsKeystore.Loaded tls;
        private TlsReload tlsReload;

        private Builder() {}

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

        public Builder dataDirectory(Path dataDirectory) {
            this.dataDirectory = dataDirectory;
            return this;
        }

        /** The server setup as base64url (opaque-ke format), e.g. from {@code OPAQUE_POP_SERVER_SETUP}. */
        public Builder setupValue(String setupValue) {
            this.setupValue = setupValue;
            return this;
        }

        public Builder setupFile(Path setupFile) {
            this.setupFile = setupFile;
            return this;
        }

        /**
         * The Redis sealing keys, one per line, the first sealing ({@code --seal-key-file}); without it (and without
         * {@link #sealKeysValue}) the key is derived from the setup, as in earlier versions.
         */
        public Builder sealKeyFile(Path sealKeyFile) {
            this.sealKeyFile = sealKeyFile;
            return this;
        }

        /** The Redis sealing keys by value, separated by commas, e.g. from {@code OPAQUE_POP_SEAL_KEYS}. */
        public Builder sealKeysValue(String sealKeysValue) {
            this.sealKeysValue = blankToNull(sealKeysValue);
            return this;
        }

        public Builder popWindow(Duration popWindow) {
            this.popWindow = popWindow;
            return this;
        }

        public Builder sessionIdleTimeout(Duration sessionIdleTimeout) {
            this.sessionIdleTimeout = sessionIdleTimeout;
            return this;
        }

        public Builder sessionLifetime(Duration sessionLifetime) {
            this.sessionLifetime = sessionLifetime;
            return this;
        }

        public Builder reauthenticationWindow(Duration reauthenticationWindow) {
            this.reauthenticationWindow = reauthenticationWindow;
            return this;
        }

        public Builder maxSessionsPerUser(int maxSessionsPerUser) {
            this.maxSessionsPerUser = maxSessionsPerUser;
            return this;
        }

        public Builder maxPendingLoginsPerUser(int maxPendingLoginsPerUser) {
            this.maxPendingLoginsPerUser = maxPendingLoginsPerUser;
            return this;
        }

        public Builder loginTtl(Duration loginTtl) {
            this.loginTtl = loginTtl;
            return this;
        }

        public Builder maxPendingLogins(long maxPendingLogins) {
            this.maxPendingLogins = maxPendingLogins;
            return this;
        }

        public Builder maxSessions(long maxSessions) {
            this.maxSessions = maxSessions;
            return this;
        }

        public Builder nonceCapacity(long nonceCapacity) {
            this.nonceCapacity = nonceCapacity;
            return this;
        }

        public Builder maxBodyBytes(int maxBodyBytes) {
            this.maxBodyBytes = maxBodyBytes;
            return this;
        }

        public Builder clientKsf(Argon2idKsf clientKsf) {
            this.clientKsf = clientKsf;
            return this;
        }

        /**
         * A PostgreSQL JDBC URL ({@code jdbc:postgresql://host:5432/database}) for users and transfers; {@code
         * null} (the default) keeps them in SQLite in the data directory. A {@code currentSchema} parameter
         * names the schema the server migrates and uses.
         */
        public Builder dbUrl(String dbUrl) {
            this.dbUrl = blankToNull(dbUrl);
            return this;
        }

        public Builder dbUser(String dbUser) {
            this.dbUser = blankToNull(dbUser);
            return this;
        }

        /** The database password, e.g. from {@code OPAQUE_POP_DB_PASSWORD}. */
        public Builder dbPassword(String dbPassword) {
            this.dbPassword = blankToNull(dbPassword);
            return this;
        }

        public Builder dbPoolSize(int dbPoolSize) {
            this.dbPoolSize = dbPoolSize;
            return this;
        }

        public Builder dbTimeout(Duration dbTimeout) {
            this.dbTimeout = dbTimeout;
            return this;
        }

        /**
         * A Redis URI ({@code redis://host:6379}, {@code rediss://} for TLS, {@code redis-sentinel://} for
         * Sentinel) for sessions, pending logins and nonces; {@code null} (the default) keeps them in memory.
         */
        public Builder redisUrl(String redisUrl) {
            this.redisUrl = blankToNull(redisUrl);
            return this;
        }

        /**
         * {@code true}: {@link #redisUrl} names seed nodes of a Redis Cluster ({@code redis://} or {@code
         * rediss://}, separated by commas), reached through Lettuce's cluster client.
         */
        public Builder redisCluster(boolean redisCluster) {
            this.redisCluster = redisCluster;
            return this;
        }

        public Builder redisTimeout(Duration redisTimeout) {
            this.redisTimeout = redisTimeout;
            return this;
        }

        public Builder redisKeyPrefix(String redisKeyPrefix) {
            this.redisKeyPrefix = redisKeyPrefix;
            return this;
        }

        /** {@code false}: no login or registration limits ({@code --rate-limit off}, for load tests). */
        public Builder rateLimit(boolean rateLimit) {
            this.rateLimit = rateLimit;
            return this;
        }

        /** Tiers such as {@code 5/30s,10/2m,20/15m}: see {@link LimitSpec}. */
        public Builder loginLimitUser(String spec) {
            this.loginLimitUser = spec;
            return this;
        }

        public Builder loginLimitAddress(String spec) {
            this.loginLimitAddress = spec;
            return this;
        }

        /** Tiers for each IPv6 /48 (all its /64s together): see {@link LimitSpec}. */
        public Builder loginLimitIpv6Block(String spec) {
            this.loginLimitIpv6Block = spec;
            return this;
        }

        public Builder registerLimitAddress(String spec) {
            this.registerLimitAddress = spec;
            return this;
        }

        public Builder knownAddressTtl(Duration knownAddressTtl) {
            this.knownAddressTtl = knownAddressTtl;
            return this;
        }

        /** Signed calls per second per session. */
        public Builder callLimitSession(long perSecond) {
            this.callLimitSession = perSecond;
            return this;
        }

        /** Signed calls per second per user. */
        public Builder callLimitUser(long perSecond) {
            this.callLimitUser = perSecond;
            return this;
        }

        /** Nonces a session may claim per quota period. */
        public Builder nonceQuotaSession(long nonces) {
            this.nonceQuotaSession = nonces;
            return this;
        }

        public Builder maxRateLimitBuckets(long maxRateLimitBuckets) {
            this.maxRateLimitBuckets = maxRateLimitBuckets;
            return this;
        }

        /** Comma-separated CIDR blocks ({@code 10.0.0.0/8,::1/128}); blank or {@code null}: none. */
        public Builder trustedProxies(String trustedProxies) {
            this.trustedProxies = trustedProxies;
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

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public Builder random(SecureRandom random) {
            this.random = random;
            return this;
        }

        /** @throws IllegalArgumentException naming the option and the accepted range */
        public ServerConfig build() {
            require(bind != null && !bind.isBlank(), "--bind must be a host name or IP address");
            require(port >= 0 && port <= 65535, "--port must be between 0 and 65535, got " + port);
            require(dataDirectory != null, "--data must name a directory");
            require(
                    metricsPort == null || (metricsPort >= 0 && metricsPort <= 65535),
                    "--metrics-port must be between 0 and 65535, got " + metricsPort);
            require(
                    metricsPort == null || metricsPort == 0 || metricsPort != port,
                    "--metrics-port must differ from --port (" + port + "): it is a second port, for /metrics only");
            require(metricsBind != null && !metricsBind.isBlank(), "--metrics-bind must be a host name or IP address");
            require(
                    setupValue == null || setupFile == null,
                    "give the server setup either by OPAQUE_POP_SERVER_SETUP or by --setup-file, not both");
            require(
                    sealKeysValue == null || sealKeyFile == null,
                    "give the Redis sealing keys either by OPAQUE_POP_SEAL_KEYS or by --seal-key-file, not both");
            require(
                    redisUrl != null || (sealKeysValue == null && sealKeyFile == null),
                    "Redis sealing keys were given (OPAQUE_POP_SEAL_KEYS or --seal-key-file) but no --redis-url:"
                            + " without Redis nothing is sealed");
            requireDuration("--pop-window", popWindow, Duration.ofSeconds(1), Duration.ofMinutes(10));
            requireDuration("--session-idle-timeout", sessionIdleTimeout, Duration.ofSeconds(30), Duration.ofDays(1));
            requireDuration("--session-lifetime", sessionLifetime, Duration.ofMinutes(1), Duration.ofDays(30));
            require(
                    sessionIdleTimeout == null
                            || sessionLifetime == null
                            || sessionIdleTimeout.compareTo(sessionLifetime) <= 0,
                    "--session-idle-timeout must not be longer than --session-lifetime");
            requireDuration(
                    "--reauthentication-window", reauthenticationWindow, Duration.ofSeconds(10), Duration.ofHours(1));
            require(
                    maxSessionsPerUser >= 1 && maxSessionsPerUser <= 1000,
                    "--max-sessions-per-user must be between 1 and 1000, got " + maxSessionsPerUser);
            require(
                    maxPendingLoginsPerUser >= 1 && maxPendingLoginsPerUser <= 1000,
                    "--max-pending-logins-per-user must be between 1 and 1000, got " + maxPendingLoginsPerUser);
            requireDuration("--login-ttl", loginTtl, Duration.ofSeconds(5), Duration.ofMinutes(10));
            require(maxPendingLogins >= 1, "--max-pending-logins must be at least 1");
            require(maxSessions >= 1, "--max-sessions must be at least 1");
            require(nonceCapacity >= 1, "--nonce-capacity must be at least 1");
            require(
                    maxBodyBytes >= 1024 && maxBodyBytes <= 16 * 1024 * 1024,
                    "--max-body-bytes must be between 1024 and 16777216, got " + maxBodyBytes);
            require(
                    dbUrl == null || (dbUrl.startsWith("jdbc:postgresql:") && driverAccepts(dbUrl)),
                    "--db-url must be a PostgreSQL JDBC URL such as jdbc:postgresql://127.0.0.1:5432/opaquepop");
            require(
                    dbPoolSize >= 1 && dbPoolSize <= 1000,
                    "--db-pool-size must be between 1 and 1000, got " + dbPoolSize);
            requireDuration("--db-timeout", dbTimeout, Duration.ofSeconds(1), Duration.ofMinutes(1));
            require(
                    redisCluster
                            || redisUrl == null
                            || (REDIS_SCHEME.matcher(redisUrl).lookingAt() && parsesAsRedisUri(redisUrl)),
                    "--redis-url must be a Redis URI such as redis://127.0.0.1:6379 (rediss:// for TLS,"
                            + " redis-sentinel:// for Sentinel)");
            require(!redisCluster || redisUrl != null, "--redis-cluster needs --redis-url: the cluster's seed nodes");
            require(
                    !redisCluster || redisUrl == null || areClusterSeeds(redisUrl),
                    "with --redis-cluster, --redis-url must list seed nodes separated by commas, such as"
                            + " redis://10.0.0.1:6379,redis://10.0.0.2:6379 (rediss:// for TLS)");
            requireDuration("--redis-timeout", redisTimeout, Duration.ofSeconds(1), Duration.ofMinutes(1));
            require(
                    redisKeyPrefix != null && KEY_PREFIX.matcher(redisKeyPrefix).matches(),
                    "--redis-key-prefix must be 1 to 64 printable ASCII characters without spaces, '{' or '}'");
            require(
                    (dbUrl == null && redisUrl == null) || setupValue != null || setupFile != null,
                    "with --db-url or --redis-url several instances share the database, so they must share one"
                            + " server setup: give it with OPAQUE_POP_SERVER_SETUP or --setup-file (create one with"
                            + " 'opaque-pop setup'); a setup generated per instance would lock every user out");
            parsedLoginLimitUser = LimitSpec.parse("--login-limit-user", loginLimitUser);
            parsedLoginLimitAddress = LimitSpec.parse("--login-limit-address", loginLimitAddress);
            parsedLoginLimitIpv6Block = LimitSpec.parse("--login-limit-ipv6-block", loginLimitIpv6Block);
            parsedRegisterLimitAddress = LimitSpec.parse("--register-limit-address", registerLimitAddress);
            require(
                    knownAddressTtl != null
                            && (knownAddressTtl.isZero()
                                    || (knownAddressTtl.compareTo(Duration.ofMinutes(1)) >= 0
                                            && knownAddressTtl.compareTo(Duration.ofDays(365)) <= 0)),
                    "--known-address-ttl must be 0 (off) or between 60 and 31536000 seconds, got "
                            + (knownAddressTtl == null ? "none" : knownAddressTtl.toSeconds()));
            require(maxRateLimitBuckets >= 1, "--max-rate-limit-buckets must be at least 1");
            require(
                    callLimitSession >= 1 && callLimitSession <= 1_000_000,
                    "--call-limit-session must be between 1 and 1000000 calls per second, got " + callLimitSession);
            require(
                    callLimitUser >= 1 && callLimitUser <= 1_000_000,
                    "--call-limit-user must be between 1 and 1000000 calls per second, got " + callLimitUser);
            require(
                    nonceQuotaSession >= 1 && nonceQuotaSession <= nonceCapacity,
                    "--nonce-quota-session must be between 1 and --nonce-capacity (" + nonceCapacity + "), got "
                            + nonceQuotaSession);
            parsedTrustedProxies = ClientAddresses.parseList(trustedProxies);
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
            Objects.requireNonNull(clientKsf, "clientKsf");
            Objects.requireNonNull(clock, "clock");
            if (random == null) {
                random = new SecureRandom();
            }
            require(
                    tlsReloadInterval != null
                            && (tlsReloadInterval.isZero()
                                    || (tlsReloadInterval.compareTo(Duration.ofSeconds(1)) >= 0
                                            && tlsReloadInterval.compareTo(Duration.ofDays(1)) <= 0)),
                    "--tls-reload-interval must be 0 (off) or between 1 and 86400 seconds, got "
                            + (tlsReloadInterval == null ? "none" : tlsReloadInterval.toSeconds()));
            if (tlsKeystore != null) {
                loadTls();
            }
            return new ServerConfig(this);
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

        private static boolean driverAccepts(String jdbcUrl) {
            try {
                java.sql.DriverManager.getDriver(jdbcUrl);
                return true;
            } catch (java.sql.SQLException e) {
                return false;
            }
        }

        /** Comma-separated {@code redis://} or {@code rediss://} URIs, as Lettuce's cluster client takes them. */
        private static boolean areClusterSeeds(String urls) {
            return Arrays.stream(urls.split(",", -1))
                    .map(String::strip)
                    .allMatch(seed -> CLUSTER_SEED.matcher(seed).lookingAt() && parsesAsRedisUri(seed));
        }

        private static boolean parsesAsRedisUri(String uri) {
            try {
                io.lettuce.core.RedisURI.create(uri);
                return true;
            } catch (IllegalArgumentException e) {
                // Lettuce's message may quote the URI and its password: only the fact is reported.
                return false;
            }
        }

        private static String blankToNull(String value) {
            return value == null || value.isBlank() ? null : value.strip();
        }

        private static void requireDuration(String option, Duration value, Duration min, Duration max) {
            require(
                    value != null && value.compareTo(min) >= 0 && value.compareTo(max) <= 0,
                    option + " must be between " + min.toSeconds() + " and " + max.toSeconds() + " seconds, got "
                            + (value == null ? "none" : value.toSeconds()));
        }

        private static void require(boolean condition, String message) {
            if (!condition) {
                throw new IllegalArgumentException(message);
            }
        }
    }
}
