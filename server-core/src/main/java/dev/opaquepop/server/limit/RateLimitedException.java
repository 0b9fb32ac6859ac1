package dev.opaquepop.server.limit;

import java.time.Duration;

/** An attempt over a limit: which limit (for metrics), and how long until one more attempt is allowed. */
public final class RateLimitedException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String limit;
    private final Duration retryAfter;

    public RateLimitedException(String limit, Duration retryAfter) {
        super("over the " + limit + " limit", null, false, false);
        this.limit = limit;
        this.retryAfter = retryAfter;
    }

    /** The limit's name: {@code login_user}, {@code login_address}, {@code login_ipv6_block} or {@code register_address}. */
    public String limit() {
        return limit;
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    /** Whole seconds, rounded up and at least 1: waiting that long is always enough. */
    public long retryAfterSeconds() {
        long seconds = retryAfter.toSeconds();
        return Math.max(1, retryAfter.equals(Duration.ofSeconds(seconds)) ? seconds : seconds + 1);
    }
}
