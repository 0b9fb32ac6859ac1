package dev.opaquepop.spring;

import dev.opaquepop.server.CoreConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.function.Consumer;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.convert.DurationUnit;

/**
 * The {@code opaque-pop.*} properties: the stand-alone server's options under the same names (its {@code --pop-window}
 * is {@code opaque-pop.pop-window}, and a number of seconds there is one here too), plus what only an application
 * has: {@link #getBasePath() base-path} and {@link #getDbSchema() db-schema}. An option left unset keeps the
 * server's default; every value is checked once, by the core, at start.
 */
@ConfigurationProperties("opaque-pop")
public class OpaquePopProperties {
    /**
     * The server setup, base64url ('opaque-pop setup' prints one); also read from OPAQUE_POP_SERVER_SETUP. Every
     * instance sharing a database must have the same one.
     */
    private String serverSetup;

    /** The server setup file (mode 0600), created on first start when missing; instead of server-setup. */
    private Path setupFile;

    /** Where the embedded SQLite database lives when the application has no PostgreSQL DataSource. */
    private Path dataDirectory;

    /**
     * A prefix for the protocol's own endpoints below the servlet context, such as /auth (then /auth/login/start);
     * empty: they are served at the same paths as the stand-alone server's.
     */
    private String basePath = "";

    /** The schema of the application's PostgreSQL database that holds opaque-pop's tables and Flyway history. */
    private String dbSchema = "opaque_pop";

    /** Sessions, pending logins, nonces and limits in this Redis (shared by every instance) instead of memory. */
    private String redisUrl;

    /** Prefix of every Redis key, so that several deployments can share one Redis. */
    private String redisKeyPrefix;

    /** How long a Redis command may take. */
    @DurationUnit(ChronoUnit.SECONDS)
    private Duration redisTimeout;

    /** The Redis sealing keys, comma-separated, the first sealing (as OPAQUE_POP_SEAL_KEYS of the server). */
    private String sealKeys;

    /** The Redis sealing keys file, one key per line, the first sealing. */
    private Path sealKeyFile;

    /** How far X-TS may differ from this clock (1-600 s). */
    @DurationUnit(ChronoUnit.SECONDS)
    private Duration popWindow;

    /** Time without a signed request after which a session ends (30 s - 1 day). */
    @DurationUnit(ChronoUnit.SECONDS)
    private Duration sessionIdleTimeout;

    /** Time after its login at which a session ends however busy (1 min - 30 days). */
    @DurationUnit(ChronoUnit.SECONDS)
    private Duration sessionLifetime;

    /** How recent the login before a password change or account deletion must be (10 s - 1 h). */
    @DurationUnit(ChronoUnit.SECONDS)
    private Duration reauthenticationWindow;

    /** Time from login/start to login/finish. */
    @DurationUnit(ChronoUnit.SECONDS)
    private Duration loginTtl;

    /** Live sessions per user; a login beyond it ends the user's oldest (1-1000). */
    private Integer maxSessionsPerUser;

    /** Unfinished logins per username (1-1000). */
    private Integer maxPendingLoginsPerUser;

    /** Bound on logins waiting for their last message (in memory). */
    private Long maxPendingLogins;

    /** Bound on live sessions (in memory). */
    private Long maxSessions;

    /** Bound on remembered nonces (in memory). */
    private Long nonceCapacity;

    /** Largest request body, signed application requests included (larger: 413). */
    private Integer maxBodyBytes;

    /** Whether the login, registration and signed-call limits apply (off for load tests only). */
    private Boolean rateLimit;

    /** Login attempts per username, e.g. 5/30s,10/2m,20/15m. */
    private String loginLimitUser;

    /** Login attempts per client address. */
    private String loginLimitAddress;

    /** Login attempts per IPv6 /64 block. */
    private String loginLimitIpv6Block;

    /** Registrations per client address. */
    private String registerLimitAddress;

    /** Signed calls per second per session. */
    private Long callLimitSession;

    /** Signed calls per second per user, all sessions together. */
    private Long callLimitUser;

    /** Proxies (addresses or CIDR blocks, comma-separated) whose X-Forwarded-For is believed. */
    private String trustedProxies;

    /**
     * The core's configuration from these properties; unset options keep the core's defaults.
     *
     * @throws IllegalArgumentException with the stand-alone server's message for an unusable value
     */
    public CoreConfig.Builder toBuilder() {
        CoreConfig.Builder b = CoreConfig.builder();
        set(serverSetup, b::setupValue);
        set(setupFile, b::setupFile);
        set(dataDirectory, b::dataDirectory);
        set(redisUrl, b::redisUrl);
        set(redisKeyPrefix, b::redisKeyPrefix);
        set(redisTimeout, b::redisTimeout);
        set(sealKeys, b::sealKeysValue);
        set(sealKeyFile, b::sealKeyFile);
        set(popWindow, b::popWindow);
        set(sessionIdleTimeout, b::sessionIdleTimeout);
        set(sessionLifetime, b::sessionLifetime);
        set(reauthenticationWindow, b::reauthenticationWindow);
        set(loginTtl, b::loginTtl);
        set(maxSessionsPerUser, b::maxSessionsPerUser);
        set(maxPendingLoginsPerUser, b::maxPendingLoginsPerUser);
        set(maxPendingLogins, b::maxPendingLogins);
        set(maxSessions, b::maxSessions);
        set(nonceCapacity, b::nonceCapacity);
        set(maxBodyBytes, b::maxBodyBytes);
        set(rateLimit, b::rateLimit);
        set(loginLimitUser, b::loginLimitUser);
        set(loginLimitAddress, b::loginLimitAddress);
        set(loginLimitIpv6Block, b::loginLimitIpv6Block);
        set(registerLimitAddress, b::registerLimitAddress);
        set(callLimitSession, b::callLimitSession);
        set(callLimitUser, b::callLimitUser);
        set(trustedProxies, b::trustedProxies);
        return b;
    }

    private static <T> void set(T value, Consumer<T> option) {
        if (value != null) {
            option.accept(value);
        }
    }

    /** The base path without a trailing slash: {@code ""} or {@code /name...}. */
    String normalizedBasePath() {
        String path = basePath == null ? "" : basePath.strip();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        if (!path.isEmpty() && !path.startsWith("/")) {
            throw new IllegalArgumentException("opaque-pop.base-path must start with '/', such as /auth");
        }
        return path;
    }

    public String getServerSetup() {
        return serverSetup;
    }

    public void setServerSetup(String serverSetup) {
        this.serverSetup = serverSetup;
    }

    public Path getSetupFile() {
        return setupFile;
    }

    public void setSetupFile(Path setupFile) {
        this.setupFile = setupFile;
    }

    public Path getDataDirectory() {
        return dataDirectory;
    }

    public void setDataDirectory(Path dataDirectory) {
        this.dataDirectory = dataDirectory;
    }

    public String getBasePath() {
        return basePath;
    }

    public void setBasePath(String basePath) {
        this.basePath = basePath;
    }

    public String getDbSchema() {
        return dbSchema;
    }

    public void setDbSchema(String dbSchema) {
        this.dbSchema = dbSchema;
    }

    public String getRedisUrl() {
        return redisUrl;
    }

    public void setRedisUrl(String redisUrl) {
        this.redisUrl = redisUrl;
    }

    public String getRedisKeyPrefix() {
        return redisKeyPrefix;
    }

    public void setRedisKeyPrefix(String redisKeyPrefix) {
        this.redisKeyPrefix = redisKeyPrefix;
    }

    public Duration getRedisTimeout() {
        return redisTimeout;
    }

    public void setRedisTimeout(Duration redisTimeout) {
        this.redisTimeout = redisTimeout;
    }

    public String getSealKeys() {
        return sealKeys;
    }

    public void setSealKeys(String sealKeys) {
        this.sealKeys = sealKeys;
    }

    public Path getSealKeyFile() {
        return sealKeyFile;
    }

    public void setSealKeyFile(Path sealKeyFile) {
        this.sealKeyFile = sealKeyFile;
    }

    public Duration getPopWindow() {
        return popWindow;
    }

    public void setPopWindow(Duration popWindow) {
        this.popWindow = popWindow;
    }

    public Duration getSessionIdleTimeout() {
        return sessionIdleTimeout;
    }

    public void setSessionIdleTimeout(Duration sessionIdleTimeout) {
        this.sessionIdleTimeout = sessionIdleTimeout;
    }

    public Duration getSessionLifetime() {
        return sessionLifetime;
    }

    public void setSessionLifetime(Duration sessionLifetime) {
        this.sessionLifetime = sessionLifetime;
    }

    public Duration getReauthenticationWindow() {
        return reauthenticationWindow;
    }

    public void setReauthenticationWindow(Duration reauthenticationWindow) {
        this.reauthenticationWindow = reauthenticationWindow;
    }

    public Duration getLoginTtl() {
        return loginTtl;
    }

    public void setLoginTtl(Duration loginTtl) {
        this.loginTtl = loginTtl;
    }

    public Integer getMaxSessionsPerUser() {
        return maxSessionsPerUser;
    }

    public void setMaxSessionsPerUser(Integer maxSessionsPerUser) {
        this.maxSessionsPerUser = maxSessionsPerUser;
    }

    public Integer getMaxPendingLoginsPerUser() {
        return maxPendingLoginsPerUser;
    }

    public void setMaxPendingLoginsPerUser(Integer maxPendingLoginsPerUser) {
        this.maxPendingLoginsPerUser = maxPendingLoginsPerUser;
    }

    public Long getMaxPendingLogins() {
        return maxPendingLogins;
    }

    public void setMaxPendingLogins(Long maxPendingLogins) {
        this.maxPendingLogins = maxPendingLogins;
    }

    public Long getMaxSessions() {
        return maxSessions;
    }

    public void setMaxSessions(Long maxSessions) {
        this.maxSessions = maxSessions;
    }

    public Long getNonceCapacity() {
        return nonceCapacity;
    }

    public void setNonceCapacity(Long nonceCapacity) {
        this.nonceCapacity = nonceCapacity;
    }

    public Integer getMaxBodyBytes() {
        return maxBodyBytes;
    }

    public void setMaxBodyBytes(Integer maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    public Boolean getRateLimit() {
        return rateLimit;
    }

    public void setRateLimit(Boolean rateLimit) {
        this.rateLimit = rateLimit;
    }

    public String getLoginLimitUser() {
        return loginLimitUser;
    }

    public void setLoginLimitUser(String loginLimitUser) {
        this.loginLimitUser = loginLimitUser;
    }

    public String getLoginLimitAddress() {
        return loginLimitAddress;
    }

    public void setLoginLimitAddress(String loginLimitAddress) {
        this.loginLimitAddress = loginLimitAddress;
    }

    public String getLoginLimitIpv6Block() {
        return loginLimitIpv6Block;
    }

    public void setLoginLimitIpv6Block(String loginLimitIpv6Block) {
        this.loginLimitIpv6Block = loginLimitIpv6Block;
    }

    public String getRegisterLimitAddress() {
        return registerLimitAddress;
    }

    public void setRegisterLimitAddress(String registerLimitAddress) {
        this.registerLimitAddress = registerLimitAddress;
    }

    public Long getCallLimitSession() {
        return callLimitSession;
    }

    public void setCallLimitSession(Long callLimitSession) {
        this.callLimitSession = callLimitSession;
    }

    public Long getCallLimitUser() {
        return callLimitUser;
    }

    public void setCallLimitUser(Long callLimitUser) {
        this.callLimitUser = callLimitUser;
    }

    public String getTrustedProxies() {
        return trustedProxies;
    }

    public void setTrustedProxies(String trustedProxies) {
        this.trustedProxies = trustedProxies;
    }

    /** Without the setup and the Redis URL, which may be or carry secrets. */
    @Override
    public String toString() {
        return "OpaquePopProperties[basePath=" + basePath + ", dbSchema=" + dbSchema + ", redis="
                + (redisUrl == null ? "none" : "set") + "]";
    }
}
