package dev.opaquepop.server;

/**
 * The default of every option of {@code opaque-pop server}, written once: the config builders ({@link CoreConfig},
 * and {@code ServerConfig} and {@code GatewayConfig} in the server module) start from these, and the command line
 * builds its {@code defaultValue} strings and its help text from them. They are compile-time constants so that an
 * annotation can use them; durations are therefore in seconds. The README's option table documents them.
 */
public final class Defaults {
    // ---- storage

    /** {@code --data}: the SQLite database's directory, relative to the working directory. */
    public static final String DATA_DIRECTORY = "data";

    public static final int DB_POOL_SIZE = 10;
    public static final long DB_TIMEOUT_SECONDS = 5;
    public static final boolean REDIS_CLUSTER = false;
    public static final long REDIS_TIMEOUT_SECONDS = 2;
    public static final String REDIS_KEY_PREFIX = "opaque-pop:";

    // ---- sessions and logins

    public static final long POP_WINDOW_SECONDS = 30;
    public static final long SESSION_IDLE_TIMEOUT_SECONDS = 15 * 60;
    public static final long SESSION_LIFETIME_SECONDS = 12 * 60 * 60;
    public static final long REAUTHENTICATION_WINDOW_SECONDS = 5 * 60;
    public static final int MAX_SESSIONS_PER_USER = 16;
    public static final int MAX_PENDING_LOGINS_PER_USER = 8;
    public static final long LOGIN_TTL_SECONDS = 60;
    public static final long MAX_PENDING_LOGINS = 100_000;
    public static final long MAX_SESSIONS = 100_000;
    public static final int MAX_BODY_BYTES = 64 * 1024;

    // ---- rate limits

    public static final boolean RATE_LIMIT = true;
    public static final String LOGIN_LIMIT_USER = "5/30s,10/2m,20/15m";
    public static final String LOGIN_LIMIT_ADDRESS = "50/1s,500/30s";

    /** Four times an address's bursts and three times its lasting rate, for a site's many /64s. */
    public static final String LOGIN_LIMIT_IPV6_BLOCK = "200/1s,2000/10s";

    public static final String REGISTER_LIMIT_ADDRESS = "10/30s,200/10m";
    public static final long KNOWN_ADDRESS_TTL_SECONDS = 30 * 24 * 60 * 60;
    public static final long MAX_RATE_LIMIT_BUCKETS = 100_000;

    /** Signed calls per second per session: well above a busy client's (bench calls: ~140 per session). */
    public static final long CALL_LIMIT_SESSION = 1000;

    /** Signed calls per second per user, all sessions together. */
    public static final long CALL_LIMIT_USER = 2000;

    /**
     * Nonces per session per quota period (twice the PoP window plus 6 s): a session at its full rate never meets it
     * with the default window; with a wider window it keeps one session to at most twice this many.
     */
    public static final long NONCE_QUOTA_SESSION = 100_000;

    // ---- HTTP (the server module)

    public static final String BIND = "127.0.0.1";
    public static final int PORT = 8080;
    public static final String METRICS_BIND = "127.0.0.1";
    public static final long TLS_RELOAD_INTERVAL_SECONDS = 60;
    public static final boolean ALLOW_INSECURE_HTTP = false;
    public static final boolean WEB = false;
    public static final int MAX_HEADER_BYTES = 8 * 1024;
    public static final int MAX_URI_LENGTH = 2 * 1024;
    public static final int CONNECTION_REQUEST_RATE = 1000;
    public static final long IDLE_TIMEOUT_SECONDS = 30;
    public static final int MAX_CONNECTIONS = 10_000;

    // ---- the gateway

    public static final long UPSTREAM_TIMEOUT_SECONDS = 30;

    private Defaults() {}
}
