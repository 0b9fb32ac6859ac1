package dev.opaquepop.server;

import dev.opaquepop.opaque.Argon2idKsf;
import dev.opaquepop.pop.PopVerifier;
import dev.opaquepop.server.address.ClientAddresses;
import dev.opaquepop.server.limit.CallLimits;
import dev.opaquepop.server.limit.LimitSpec;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What the protocol core is configured with, whatever serves it over HTTP (the stand-alone server, the Spring
 * integration, the gateway): {@link #storage()}, {@link #sessions()}, {@link #limits()}, and the few options of
 * the protocol itself. Validated once in {@link Builder#build()}, with messages that name the server's option and
 * say what to change; an adapter with options of its own names them the same way.
 */
public final class CoreConfig {
    private final StorageConfig storage;
    private final SessionConfig sessions;
    private final LimitConfig limits;
    private final int maxBodyBytes;
    private final Argon2idKsf clientKsf;
    private final List<String> trustedProxies;
    private final Clock clock;
    private final SecureRandom random;

    private CoreConfig(Builder b, LimitConfig limits, List<String> trustedProxies) {
        this.storage = new StorageConfig(b);
        this.sessions = new SessionConfig(
                b.popWindow,
                b.sessionIdleTimeout,
                b.sessionLifetime,
                b.reauthenticationWindow,
                b.loginTtl,
                b.maxPendingLogins,
                b.maxSessions,
                b.maxSessionsPerUser,
                b.maxPendingLoginsPerUser,
                b.nonceCapacity);
        this.limits = limits;
        this.maxBodyBytes = b.maxBodyBytes;
        this.clientKsf = b.clientKsf;
        this.trustedProxies = trustedProxies;
        this.clock = b.clock;
        this.random = b.random;
    }

    public static Builder builder() {
        return new Builder();
    }

    StorageConfig storage() {
        return storage;
    }

    public SessionConfig sessions() {
        return sessions;
    }

    LimitConfig limits() {
        return limits;
    }

    /** The largest request body read, signed calls included: larger is 413 before it is buffered. */
    public int maxBodyBytes() {
        return maxBodyBytes;
    }

    /** The KSF clients must use; the server never runs it but advertises it at {@code /.well-known/opaque-pop}. */
    public Argon2idKsf clientKsf() {
        return clientKsf;
    }

    /** The proxies whose {@code X-Forwarded-For} is believed, as canonical CIDR blocks; empty: none. */
    public List<String> trustedProxies() {
        return trustedProxies;
    }

    public Clock clock() {
        return clock;
    }

    public SecureRandom random() {
        return random;
    }

    @Override
    public String toString() {
        SessionConfig s = sessions;
        return storage + ", popWindow=" + s.popWindow() + ", sessionIdleTimeout=" + s.sessionIdleTimeout()
                + ", sessionLifetime=" + s.sessionLifetime() + ", reauthenticationWindow="
                + s.reauthenticationWindow() + ", loginTtl=" + s.loginTtl() + ", maxSessionsPerUser="
                + s.maxSessionsPerUser() + ", maxPendingLoginsPerUser=" + s.maxPendingLoginsPerUser() + ", clientKsf="
                + clientKsf + ", maxBodyBytes=" + maxBodyBytes + ", rateLimit=" + limits + ", trustedProxies="
                + trustedProxies;
    }

    /** Starts from {@link Defaults}. */
    public static final class Builder {
        private static final Pattern REDIS_SCHEME =
                Pattern.compile("(rediss?|redis\\+ssl|redis\\+tls|rediss?-sentinel|redis[-+]socket)://");
        private static final Pattern CLUSTER_SEED = Pattern.compile("rediss?://");
        // Printable ASCII without space or braces: a brace would move the Redis Cluster hash tag into the prefix.
        private static final Pattern KEY_PREFIX = Pattern.compile("[\\x21-\\x7e&&[^{}]]{1,64}");

        Path dataDirectory = Path.of(Defaults.DATA_DIRECTORY);
        String setupValue;
        Path setupFile;
        Path sealKeyFile;
        String sealKeysValue;
        String dbUrl;
        String dbUser;
        String dbPassword;
        int dbPoolSize = Defaults.DB_POOL_SIZE;
        Duration dbTimeout = Duration.ofSeconds(Defaults.DB_TIMEOUT_SECONDS);
        String redisUrl;
        boolean redisCluster = Defaults.REDIS_CLUSTER;
        Duration redisTimeout = Duration.ofSeconds(Defaults.REDIS_TIMEOUT_SECONDS);
        String redisKeyPrefix = Defaults.REDIS_KEY_PREFIX;
        private Duration popWindow = Duration.ofSeconds(Defaults.POP_WINDOW_SECONDS);
        private Duration sessionIdleTimeout = Duration.ofSeconds(Defaults.SESSION_IDLE_TIMEOUT_SECONDS);
        private Duration sessionLifetime = Duration.ofSeconds(Defaults.SESSION_LIFETIME_SECONDS);
        private Duration reauthenticationWindow = Duration.ofSeconds(Defaults.REAUTHENTICATION_WINDOW_SECONDS);
        private int maxSessionsPerUser = Defaults.MAX_SESSIONS_PER_USER;
        private int maxPendingLoginsPerUser = Defaults.MAX_PENDING_LOGINS_PER_USER;
        private Duration loginTtl = Duration.ofSeconds(Defaults.LOGIN_TTL_SECONDS);
        private long maxPendingLogins = Defaults.MAX_PENDING_LOGINS;
        private long maxSessions = Defaults.MAX_SESSIONS;
        private long nonceCapacity = 2_000_000;
        private int maxBodyBytes = Defaults.MAX_BODY_BYTES;
        private Argon2idKsf clientKsf = Argon2idKsf.DEFAULT;
        private boolean rateLimit = Defaults.RATE_LIMIT;
        private String loginLimitUser = Defaults.LOGIN_LIMIT_USER;
        private String loginLimitAddress = Defaults.LOGIN_LIMIT_ADDRESS;
        private String loginLimitIpv6Block = Defaults.LOGIN_LIMIT_IPV6_BLOCK;
        private String registerLimitAddress = Defaults.REGISTER_LIMIT_ADDRESS;
        private Duration knownAddressTtl = Duration.ofSeconds(Defaults.KNOWN_ADDRESS_TTL_SECONDS);
        private long maxRateLimitBuckets = Defaults.MAX_RATE_LIMIT_BUCKETS;
        private long callLimitSession = Defaults.CALL_LIMIT_SESSION;
        private long callLimitUser = Defaults.CALL_LIMIT_USER;
        private long nonceQuotaSession = Defaults.NONCE_QUOTA_SESSION;
        private String trustedProxies;
        private Clock clock = Clock.systemUTC();
        private SecureRandom random;

        private Builder() {}

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
         * A PostgreSQL JDBC URL ({@code jdbc:postgresql://host:5432/database}) for users; {@code
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

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public Builder random(SecureRandom random) {
            this.random = random;
            return this;
        }

        /** @throws IllegalArgumentException naming the option and the accepted range */
        public CoreConfig build() {
            require(dataDirectory != null, "--data must name a directory");
            requireStorage();
            requireSessions();
            LimitConfig limits = limits();
            List<String> proxies = ClientAddresses.parseList(trustedProxies);
            Objects.requireNonNull(clientKsf, "clientKsf");
            Objects.requireNonNull(clock, "clock");
            if (random == null) {
                random = new SecureRandom();
            }
            return new CoreConfig(this, limits, proxies);
        }

        private void requireStorage() {
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
        }

        private void requireSessions() {
            requireDuration("--pop-window", popWindow, Duration.ofSeconds(1), Duration.ofMinutes(10));
            requireDuration("--session-idle-timeout", sessionIdleTimeout, Duration.ofSeconds(30), Duration.ofDays(1));
            requireDuration("--session-lifetime", sessionLifetime, Duration.ofMinutes(1), Duration.ofDays(30));
            require(
                    sessionIdleTimeout.compareTo(sessionLifetime) <= 0,
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
        }

        private LimitConfig limits() {
            LimitSpec user = LimitSpec.parse("--login-limit-user", loginLimitUser);
            LimitSpec address = LimitSpec.parse("--login-limit-address", loginLimitAddress);
            LimitSpec ipv6Block = LimitSpec.parse("--login-limit-ipv6-block", loginLimitIpv6Block);
            LimitSpec register = LimitSpec.parse("--register-limit-address", registerLimitAddress);
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
            // A nonce is kept at most twice the window, plus a second of whole-second timestamps, plus the margin.
            CallLimits calls = rateLimit
                    ? new CallLimits(
                            callLimitSession,
                            callLimitUser,
                            nonceQuotaSession,
                            popWindow.multipliedBy(2).plusSeconds(1).plus(PopVerifier.CLOCK_MARGIN))
                    : CallLimits.off();
            return new LimitConfig(
                    rateLimit, user, address, ipv6Block, register, knownAddressTtl, maxRateLimitBuckets, calls);
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

        /** Checks a duration option against its range, in the words every adapter uses. */
        public static void requireDuration(String option, Duration value, Duration min, Duration max) {
            require(
                    value != null && value.compareTo(min) >= 0 && value.compareTo(max) <= 0,
                    option + " must be between " + min.toSeconds() + " and " + max.toSeconds() + " seconds, got "
                            + (value == null ? "none" : value.toSeconds()));
        }

        /** Throws the option's message when the condition fails. */
        public static void require(boolean condition, String message) {
            if (!condition) {
                throw new IllegalArgumentException(message);
            }
        }
    }
}
