package dev.opaquepop.cli;

import dev.opaquepop.server.Defaults;
import dev.opaquepop.server.ServerConfig;
import dev.opaquepop.server.http.OpaquePopServer;
import dev.opaquepop.server.store.StoreException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the HTTP server until interrupted. Every option has an environment variable equivalent. */
@Command(
        name = "server",
        mixinStandardHelpOptions = true,
        description = {
            "Run the opaque-pop HTTP API server.",
            "Embedded by default (SQLite in the data directory, sessions in memory); with --db-url and --redis-url,"
                    + " any number of instances share PostgreSQL and Redis (see docs/deploy.md)."
        })
final class ServerCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--bind",
            defaultValue = "${env:OPAQUE_POP_BIND:-" + Defaults.BIND + "}",
            description = "Address to listen on (env OPAQUE_POP_BIND; default ${DEFAULT-VALUE}).")
    String bind;

    @Option(
            names = "--port",
            defaultValue = "${env:OPAQUE_POP_PORT:-" + Defaults.PORT + "}",
            description = "TCP port, 0 for any free port (env OPAQUE_POP_PORT; default ${DEFAULT-VALUE}).")
    int port;

    @Option(
            names = "--metrics-port",
            defaultValue = "${env:OPAQUE_POP_METRICS_PORT}",
            description = "Serve GET /metrics on this port of --metrics-bind (plain HTTP, 0: any free port) and no"
                    + " longer on the API port (env OPAQUE_POP_METRICS_PORT). Default: /metrics on the API port.")
    Integer metricsPort;

    @Option(
            names = "--metrics-bind",
            defaultValue = "${env:OPAQUE_POP_METRICS_BIND:-" + Defaults.METRICS_BIND + "}",
            description = "Address of the metrics port (env OPAQUE_POP_METRICS_BIND; default ${DEFAULT-VALUE}).")
    String metricsBind;

    @Option(
            names = "--data",
            defaultValue = "${env:OPAQUE_POP_DATA:-" + Defaults.DATA_DIRECTORY + "}",
            description = "Data directory: the SQLite database (env OPAQUE_POP_DATA; default ./${DEFAULT-VALUE}).")
    Path data;

    @Option(
            names = "--setup-file",
            defaultValue = "${env:OPAQUE_POP_SETUP_FILE}",
            description = "File holding the server setup (base64url), mode 0600: the server refuses one that others"
                    + " can read. Default: <data>-secrets/server-setup beside the data directory, created on first"
                    + " start; one left at <data>/server-setup by earlier versions is moved there (env"
                    + " OPAQUE_POP_SETUP_FILE; OPAQUE_POP_SERVER_SETUP, the setup itself, wins).")
    Path setupFile;

    @Option(
            names = "--seal-key-file",
            defaultValue = "${env:OPAQUE_POP_SEAL_KEY_FILE}",
            description = "With --redis-url: file of the keys sealing sessions and pending logins in Redis, one per"
                    + " line (from 'opaque-pop setup --seal-key'), mode 0600; the first seals, all open, so keys"
                    + " rotate without logging anyone out. Default: the key derived from the server setup, which"
                    + " cannot rotate (env OPAQUE_POP_SEAL_KEY_FILE; or the keys themselves, comma-separated, in"
                    + " OPAQUE_POP_SEAL_KEYS).")
    Path sealKeyFile;

    @Option(
            names = "--pop-window",
            defaultValue = "${env:OPAQUE_POP_POP_WINDOW:-" + Defaults.POP_WINDOW_SECONDS + "}",
            description =
                    "Seconds a signed request's X-TS may differ from the server clock (env OPAQUE_POP_POP_WINDOW; default ${DEFAULT-VALUE}).")
    long popWindowSeconds;

    @Option(
            names = "--session-idle-timeout",
            defaultValue = "${env:OPAQUE_POP_SESSION_IDLE_TIMEOUT:-" + Defaults.SESSION_IDLE_TIMEOUT_SECONDS + "}",
            description = "Seconds without a signed request after which a session ends (env"
                    + " OPAQUE_POP_SESSION_IDLE_TIMEOUT; default ${DEFAULT-VALUE}).")
    long sessionIdleTimeoutSeconds;

    @Option(
            names = "--session-lifetime",
            defaultValue = "${env:OPAQUE_POP_SESSION_LIFETIME:-" + Defaults.SESSION_LIFETIME_SECONDS + "}",
            description = "Seconds after its login at which a session ends however busy (env"
                    + " OPAQUE_POP_SESSION_LIFETIME; default ${DEFAULT-VALUE}).")
    long sessionLifetimeSeconds;

    @Option(
            names = "--reauthentication-window",
            defaultValue =
                    "${env:OPAQUE_POP_REAUTHENTICATION_WINDOW:-" + Defaults.REAUTHENTICATION_WINDOW_SECONDS + "}",
            description = "Password change and account deletion need a login at most this many seconds old (env"
                    + " OPAQUE_POP_REAUTHENTICATION_WINDOW; default ${DEFAULT-VALUE}).")
    long reauthenticationWindowSeconds;

    @Option(
            names = "--max-sessions-per-user",
            defaultValue = "${env:OPAQUE_POP_MAX_SESSIONS_PER_USER:-" + Defaults.MAX_SESSIONS_PER_USER + "}",
            description = "Live sessions per user; a login beyond it ends the user's oldest session (env"
                    + " OPAQUE_POP_MAX_SESSIONS_PER_USER; default ${DEFAULT-VALUE}).")
    int maxSessionsPerUser;

    @Option(
            names = "--max-pending-logins-per-user",
            defaultValue =
                    "${env:OPAQUE_POP_MAX_PENDING_LOGINS_PER_USER:-" + Defaults.MAX_PENDING_LOGINS_PER_USER + "}",
            description = "Unfinished logins per username (registered or not); beyond it login/start answers 429"
                    + " (env OPAQUE_POP_MAX_PENDING_LOGINS_PER_USER; default ${DEFAULT-VALUE}).")
    int maxPendingLoginsPerUser;

    @Option(
            names = "--login-ttl",
            defaultValue = "${env:OPAQUE_POP_LOGIN_TTL:-" + Defaults.LOGIN_TTL_SECONDS + "}",
            description =
                    "Seconds between login/start and login/finish (env OPAQUE_POP_LOGIN_TTL; default ${DEFAULT-VALUE}).")
    long loginTtlSeconds;

    @Option(
            names = "--max-pending-logins",
            defaultValue = "${env:OPAQUE_POP_MAX_PENDING_LOGINS:-" + Defaults.MAX_PENDING_LOGINS + "}",
            description =
                    "Bound on logins waiting for KE3 (env OPAQUE_POP_MAX_PENDING_LOGINS; default ${DEFAULT-VALUE}).")
    long maxPendingLogins;

    @Option(
            names = "--max-sessions",
            defaultValue = "${env:OPAQUE_POP_MAX_SESSIONS:-" + Defaults.MAX_SESSIONS + "}",
            description = "Bound on live sessions (env OPAQUE_POP_MAX_SESSIONS; default ${DEFAULT-VALUE}).")
    long maxSessions;

    @Option(
            names = "--max-body-bytes",
            defaultValue = "${env:OPAQUE_POP_MAX_BODY_BYTES:-" + Defaults.MAX_BODY_BYTES + "}",
            description = "Largest accepted request body (env OPAQUE_POP_MAX_BODY_BYTES; default ${DEFAULT-VALUE}).")
    int maxBodyBytes;

    @Option(
            names = "--db-url",
            defaultValue = "${env:OPAQUE_POP_DB_URL}",
            description = "PostgreSQL JDBC URL for users and transfers, e.g. jdbc:postgresql://db:5432/opaquepop"
                    + " (a currentSchema parameter picks the schema). Default: SQLite in the data directory"
                    + " (env OPAQUE_POP_DB_URL). The password goes in OPAQUE_POP_DB_PASSWORD.")
    String dbUrl;

    @Option(
            names = "--db-user",
            defaultValue = "${env:OPAQUE_POP_DB_USER}",
            description = "PostgreSQL user, if not in the URL (env OPAQUE_POP_DB_USER).")
    String dbUser;

    @Option(
            names = "--db-pool-size",
            defaultValue = "${env:OPAQUE_POP_DB_POOL_SIZE:-" + Defaults.DB_POOL_SIZE + "}",
            description =
                    "Most PostgreSQL connections per instance (env OPAQUE_POP_DB_POOL_SIZE; default ${DEFAULT-VALUE}).")
    int dbPoolSize;

    @Option(
            names = "--db-timeout",
            defaultValue = "${env:OPAQUE_POP_DB_TIMEOUT:-" + Defaults.DB_TIMEOUT_SECONDS + "}",
            description = "Seconds to wait for a PostgreSQL connection and for each statement before answering 503"
                    + " (env OPAQUE_POP_DB_TIMEOUT; default ${DEFAULT-VALUE}).")
    long dbTimeoutSeconds;

    @Option(
            names = "--redis-url",
            defaultValue = "${env:OPAQUE_POP_REDIS_URL}",
            description =
                    "Redis URI for sessions, pending logins, nonces and rate limits, e.g. redis://cache:6379 (rediss:// for"
                            + " TLS, redis-sentinel:// for Sentinel). Default: this instance's memory (env"
                            + " OPAQUE_POP_REDIS_URL; give a password through the environment, not the command line).")
    String redisUrl;

    @Option(
            names = "--redis-cluster",
            defaultValue = "${env:OPAQUE_POP_REDIS_CLUSTER:-" + Defaults.REDIS_CLUSTER + "}",
            description = "--redis-url names seed nodes of a Redis Cluster, separated by commas, e.g."
                    + " redis://10.0.0.1:6379,redis://10.0.0.2:6379: sessions, nonces and limits are spread over its"
                    + " primaries, and a failover is followed without a restart (docs/deploy.md; env"
                    + " OPAQUE_POP_REDIS_CLUSTER).")
    boolean redisCluster;

    @Option(
            names = "--redis-timeout",
            defaultValue = "${env:OPAQUE_POP_REDIS_TIMEOUT:-" + Defaults.REDIS_TIMEOUT_SECONDS + "}",
            description = "Seconds to wait for Redis before answering 503 (env OPAQUE_POP_REDIS_TIMEOUT; default"
                    + " ${DEFAULT-VALUE}).")
    long redisTimeoutSeconds;

    @Option(
            names = "--redis-key-prefix",
            defaultValue = "${env:OPAQUE_POP_REDIS_KEY_PREFIX:-" + Defaults.REDIS_KEY_PREFIX + "}",
            description = "Prefix of every Redis key, so deployments can share one Redis (env"
                    + " OPAQUE_POP_REDIS_KEY_PREFIX; default ${DEFAULT-VALUE}).")
    String redisKeyPrefix;

    /** {@code --rate-limit on|off}. */
    enum Switch {
        on,
        off
    }

    @Option(
            names = "--rate-limit",
            defaultValue = "${env:OPAQUE_POP_RATE_LIMIT:-" + (Defaults.RATE_LIMIT ? "on" : "off") + "}",
            description = "on, or off to turn the login, registration, signed-call and per-connection request limits"
                    + " off for load tests (logs a warning)"
                    + " (env OPAQUE_POP_RATE_LIMIT; default ${DEFAULT-VALUE}).")
    Switch rateLimit;

    @Option(
            names = "--login-limit-user",
            defaultValue = "${env:OPAQUE_POP_LOGIN_LIMIT_USER:-" + Defaults.LOGIN_LIMIT_USER + "}",
            description = "Login attempts per username, as tiers N/INTERVAL: a burst of N, then one per INTERVAL"
                    + " (units s, m, h, d); every tier applies, so delays grow (env OPAQUE_POP_LOGIN_LIMIT_USER;"
                    + " default ${DEFAULT-VALUE}).")
    String loginLimitUser;

    @Option(
            names = "--login-limit-address",
            defaultValue = "${env:OPAQUE_POP_LOGIN_LIMIT_ADDRESS:-" + Defaults.LOGIN_LIMIT_ADDRESS + "}",
            description = "Login attempts per client address (IPv6: per /64); successful logins give theirs back"
                    + " (env OPAQUE_POP_LOGIN_LIMIT_ADDRESS; default ${DEFAULT-VALUE}).")
    String loginLimitAddress;

    @Option(
            names = "--login-limit-ipv6-block",
            defaultValue = "${env:OPAQUE_POP_LOGIN_LIMIT_IPV6_BLOCK:-" + Defaults.LOGIN_LIMIT_IPV6_BLOCK + "}",
            description = "Login attempts per IPv6 /48, all its /64s together, beside those per /64; successful"
                    + " logins give theirs back (env OPAQUE_POP_LOGIN_LIMIT_IPV6_BLOCK; default ${DEFAULT-VALUE}).")
    String loginLimitIpv6Block;

    @Option(
            names = "--register-limit-address",
            defaultValue = "${env:OPAQUE_POP_REGISTER_LIMIT_ADDRESS:-" + Defaults.REGISTER_LIMIT_ADDRESS + "}",
            description = "Registration steps per client address (IPv6: per /64); register/start and register/finish"
                    + " take one each (env OPAQUE_POP_REGISTER_LIMIT_ADDRESS; default ${DEFAULT-VALUE}).")
    String registerLimitAddress;

    @Option(
            names = "--known-address-ttl",
            defaultValue = "${env:OPAQUE_POP_KNOWN_ADDRESS_TTL:-" + Defaults.KNOWN_ADDRESS_TTL_SECONDS + "}",
            description = "Seconds a network a user logged in from keeps a login count of its own, so guessing"
                    + " elsewhere cannot delay them there; 0: off (env OPAQUE_POP_KNOWN_ADDRESS_TTL; default"
                    + " ${DEFAULT-VALUE}, 30 days).")
    long knownAddressTtlSeconds;

    @Option(
            names = "--max-rate-limit-buckets",
            defaultValue = "${env:OPAQUE_POP_MAX_RATE_LIMIT_BUCKETS:-" + Defaults.MAX_RATE_LIMIT_BUCKETS + "}",
            description = "Bound on each in-memory limit's buckets, embedded mode (env"
                    + " OPAQUE_POP_MAX_RATE_LIMIT_BUCKETS; default ${DEFAULT-VALUE}).")
    long maxRateLimitBuckets;

    @Option(
            names = "--call-limit-session",
            defaultValue = "${env:OPAQUE_POP_CALL_LIMIT_SESSION:-" + Defaults.CALL_LIMIT_SESSION + "}",
            description = "Signed calls per second per session; beyond it 429 with Retry-After (env"
                    + " OPAQUE_POP_CALL_LIMIT_SESSION; default ${DEFAULT-VALUE}).")
    long callLimitSession;

    @Option(
            names = "--call-limit-user",
            defaultValue = "${env:OPAQUE_POP_CALL_LIMIT_USER:-" + Defaults.CALL_LIMIT_USER + "}",
            description = "Signed calls per second per user, all sessions together (env OPAQUE_POP_CALL_LIMIT_USER;"
                    + " default ${DEFAULT-VALUE}).")
    long callLimitUser;

    @Option(
            names = "--nonce-quota-session",
            defaultValue = "${env:OPAQUE_POP_NONCE_QUOTA_SESSION:-" + Defaults.NONCE_QUOTA_SESSION + "}",
            description = "Nonces one session may use per period of twice the PoP window plus 6 s, so no session"
                    + " can fill the nonce store (env OPAQUE_POP_NONCE_QUOTA_SESSION; default ${DEFAULT-VALUE}).")
    long nonceQuotaSession;

    @Option(
            names = "--trusted-proxies",
            defaultValue = "${env:OPAQUE_POP_TRUSTED_PROXIES}",
            description = "Comma-separated CIDR blocks of reverse proxies whose X-Forwarded-For names the client,"
                    + " e.g. 10.0.0.0/8,::1/128. Default: none, the socket peer is the client (env"
                    + " OPAQUE_POP_TRUSTED_PROXIES).")
    String trustedProxies;

    @Option(
            names = "--tls-keystore",
            defaultValue = "${env:OPAQUE_POP_TLS_KEYSTORE}",
            description = "Serve HTTPS (HTTP/2 and HTTP/1.1, TLS 1.2 and 1.3) from this PKCS#12 keystore: a private"
                    + " key and its certificate chain (env OPAQUE_POP_TLS_KEYSTORE). Its password comes from"
                    + " OPAQUE_POP_TLS_KEYSTORE_PASSWORD or --tls-keystore-password-file, never the command line.")
    Path tlsKeystore;

    @Option(
            names = "--tls-keystore-password-file",
            defaultValue = "${env:OPAQUE_POP_TLS_KEYSTORE_PASSWORD_FILE}",
            description =
                    "File whose first line is the keystore password (env" + " OPAQUE_POP_TLS_KEYSTORE_PASSWORD_FILE).")
    Path tlsKeystorePasswordFile;

    @Option(
            names = "--tls-reload-interval",
            defaultValue = "${env:OPAQUE_POP_TLS_RELOAD_INTERVAL:-" + Defaults.TLS_RELOAD_INTERVAL_SECONDS + "}",
            description = "Seconds between looks at the keystore file: a changed one is loaded (same checks as at"
                    + " start) and served to new connections without a restart; 0: never (env"
                    + " OPAQUE_POP_TLS_RELOAD_INTERVAL; default ${DEFAULT-VALUE}).")
    long tlsReloadIntervalSeconds;

    @Option(
            names = "--allow-insecure-http",
            defaultValue = "${env:OPAQUE_POP_ALLOW_INSECURE_HTTP:-" + Defaults.ALLOW_INSECURE_HTTP + "}",
            description = "Serve plain HTTP on a non-loopback --bind: only when a TLS-terminating proxy is the sole"
                    + " client of this port (env OPAQUE_POP_ALLOW_INSECURE_HTTP). Without it, and without"
                    + " --tls-keystore, the server listens on loopback only.")
    boolean allowInsecureHttp;

    @Option(
            names = "--web",
            defaultValue = "${env:OPAQUE_POP_WEB:-" + Defaults.WEB + "}",
            description = "Serve the browser demo page at / (docs/browser.md; env OPAQUE_POP_WEB). Needs a build made"
                    + " with Node.js and npm on the PATH.")
    boolean web;

    @Option(
            names = "--max-header-bytes",
            defaultValue = "${env:OPAQUE_POP_MAX_HEADER_BYTES:-" + Defaults.MAX_HEADER_BYTES + "}",
            description = "Largest request line plus headers; larger is 431 (env OPAQUE_POP_MAX_HEADER_BYTES;"
                    + " default ${DEFAULT-VALUE}).")
    int maxHeaderBytes;

    @Option(
            names = "--max-uri-length",
            defaultValue = "${env:OPAQUE_POP_MAX_URI_LENGTH:-" + Defaults.MAX_URI_LENGTH + "}",
            description = "Longest request target (path and query); longer is 414 (env OPAQUE_POP_MAX_URI_LENGTH;"
                    + " default ${DEFAULT-VALUE}).")
    int maxUriLength;

    @Option(
            names = "--connection-request-rate",
            defaultValue = "${env:OPAQUE_POP_CONNECTION_REQUEST_RATE:-" + Defaults.CONNECTION_REQUEST_RATE + "}",
            description = "Requests per second one connection may make, in bursts of as many; more is 429. 0 turns"
                    + " it off, e.g. behind a proxy that funnels many clients into few connections (env"
                    + " OPAQUE_POP_CONNECTION_REQUEST_RATE; default ${DEFAULT-VALUE}).")
    int connectionRequestRate;

    @Option(
            names = "--idle-timeout",
            defaultValue = "${env:OPAQUE_POP_IDLE_TIMEOUT:-" + Defaults.IDLE_TIMEOUT_SECONDS + "}",
            description = "Seconds a connection may stay idle, or a request half sent, before it is closed (env"
                    + " OPAQUE_POP_IDLE_TIMEOUT; default ${DEFAULT-VALUE}).")
    long idleTimeoutSeconds;

    @Option(
            names = "--max-connections",
            defaultValue = "${env:OPAQUE_POP_MAX_CONNECTIONS:-" + Defaults.MAX_CONNECTIONS + "}",
            description = "Most open connections; at the limit new ones wait until one closes (env"
                    + " OPAQUE_POP_MAX_CONNECTIONS; default ${DEFAULT-VALUE}).")
    int maxConnections;

    // ---- the gateway (docs/gateway.md)

    @Option(
            names = "--upstream",
            defaultValue = "${env:OPAQUE_POP_UPSTREAM}",
            description = "Run as a gateway in front of this HTTP API, e.g. http://127.0.0.1:9000: every request"
                    + " but the protocol's own, health and metrics must be PoP-signed and is then forwarded there with"
                    + " X-Forwarded-User and a signed X-Opaque-Pop-Assertion (env OPAQUE_POP_UPSTREAM). The demo bank"
                    + " is not served then.")
    String upstream;

    @Option(
            names = "--public-path",
            split = ",",
            description = "With --upstream: path patterns forwarded without a signature, e.g. /static/** or"
                    + " /favicon.ico (* within a segment, a final /** for everything below); repeat or separate"
                    + " with commas (env OPAQUE_POP_PUBLIC_PATHS, comma-separated).")
    List<String> publicPaths;

    @Option(
            names = "--upstream-timeout",
            defaultValue = "${env:OPAQUE_POP_UPSTREAM_TIMEOUT:-" + Defaults.UPSTREAM_TIMEOUT_SECONDS + "}",
            description = "With --upstream: seconds to wait for the upstream's answer to begin before answering 504,"
                    + " and the longest silence allowed within an answer"
                    + " (env OPAQUE_POP_UPSTREAM_TIMEOUT; default ${DEFAULT-VALUE}).")
    long upstreamTimeoutSeconds;

    @Option(
            names = "--gateway-key-file",
            defaultValue = "${env:OPAQUE_POP_GATEWAY_KEY_FILE}",
            description = "With --upstream: the gateway's Ed25519 signing key (a private JWK, mode 0600), created on"
                    + " first start; its public key is served at /.well-known/jwks.json (env"
                    + " OPAQUE_POP_GATEWAY_KEY_FILE; default <data>-secrets/gateway-key.jwk).")
    Path gatewayKeyFile;

    @Override
    public Integer call() throws Exception {
        ServerConfig config;
        try {
            config = config();
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("opaque-pop server: " + e.getMessage());
            return 2;
        }
        OpaquePopServer server;
        try {
            server = OpaquePopServer.start(config);
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("opaque-pop server: " + e.getMessage());
            return 2;
        } catch (StoreException e) {
            // PostgreSQL or Redis unreachable at start; the message names it without credentials.
            spec.commandLine().getErr().println("opaque-pop server: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            server.close();
                            stopped.countDown();
                        },
                        "opaque-pop-shutdown"));
        stopped.await();
        return 0;
    }

    /**
     * The configuration these options and the environment describe.
     *
     * @throws IllegalArgumentException when it is invalid, saying which option to change
     */
    ServerConfig config() {
        ScaleAddOn.requireFor(dbUrl, redisUrl);
        return ServerConfig.builder()
                .bind(bind)
                .port(port)
                .metricsPort(metricsPort)
                .metricsBind(metricsBind)
                .dataDirectory(data)
                .setupValue(System.getenv("OPAQUE_POP_SERVER_SETUP"))
                .setupFile(setupFile)
                .sealKeyFile(sealKeyFile)
                .sealKeysValue(System.getenv("OPAQUE_POP_SEAL_KEYS"))
                .popWindow(Duration.ofSeconds(popWindowSeconds))
                .sessionIdleTimeout(Duration.ofSeconds(sessionIdleTimeoutSeconds))
                .sessionLifetime(Duration.ofSeconds(sessionLifetimeSeconds))
                .reauthenticationWindow(Duration.ofSeconds(reauthenticationWindowSeconds))
                .maxSessionsPerUser(maxSessionsPerUser)
                .maxPendingLoginsPerUser(maxPendingLoginsPerUser)
                .loginTtl(Duration.ofSeconds(loginTtlSeconds))
                .maxPendingLogins(maxPendingLogins)
                .maxSessions(maxSessions)
                .maxBodyBytes(maxBodyBytes)
                .dbUrl(dbUrl)
                .dbUser(dbUser)
                .dbPassword(System.getenv("OPAQUE_POP_DB_PASSWORD"))
                .dbPoolSize(dbPoolSize)
                .dbTimeout(Duration.ofSeconds(dbTimeoutSeconds))
                .redisUrl(redisUrl)
                .redisCluster(redisCluster)
                .redisTimeout(Duration.ofSeconds(redisTimeoutSeconds))
                .redisKeyPrefix(redisKeyPrefix)
                .rateLimit(rateLimit == Switch.on)
                .loginLimitUser(loginLimitUser)
                .loginLimitAddress(loginLimitAddress)
                .loginLimitIpv6Block(loginLimitIpv6Block)
                .registerLimitAddress(registerLimitAddress)
                .knownAddressTtl(Duration.ofSeconds(knownAddressTtlSeconds))
                .maxRateLimitBuckets(maxRateLimitBuckets)
                .callLimitSession(callLimitSession)
                .callLimitUser(callLimitUser)
                .nonceQuotaSession(nonceQuotaSession)
                .trustedProxies(trustedProxies)
                .tlsKeystore(tlsKeystore)
                .tlsKeystorePassword(System.getenv("OPAQUE_POP_TLS_KEYSTORE_PASSWORD"))
                .tlsKeystorePasswordFile(tlsKeystorePasswordFile)
                .tlsReloadInterval(Duration.ofSeconds(tlsReloadIntervalSeconds))
                .allowInsecureHttp(allowInsecureHttp)
                .web(web)
                .maxHeaderBytes(maxHeaderBytes)
                .maxUriLength(maxUriLength)
                .connectionRequestRate(connectionRequestRate)
                .idleTimeout(Duration.ofSeconds(idleTimeoutSeconds))
                .maxConnections(maxConnections)
                .upstream(upstream)
                .publicPaths(
                        publicPaths == null ? System.getenv("OPAQUE_POP_PUBLIC_PATHS") : String.join(",", publicPaths))
                .upstreamTimeout(Duration.ofSeconds(upstreamTimeoutSeconds))
                .gatewayKeyFile(gatewayKeyFile)
                .build();
    }
}
