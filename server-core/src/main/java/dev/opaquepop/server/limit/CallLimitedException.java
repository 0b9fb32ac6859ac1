package dev.opaquepop.server.limit;

import java.time.Duration;

/**
 * A signed call over a session's rate or nonce quota ({@link CallLimits}), thrown from inside a nonce claim (so
 * unchecked, like the nonce store's other refusals); answered 429 with {@code Retry-After}. Nothing was claimed.
 */
public final class CallLimitedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String limit;
    private final Duration retryAfter;

    public CallLimitedException(String limit, Duration retryAfter) {
        super("over the " + limit + " limit", null, false, false);
        this.limit = limit;
        this.retryAfter = retryAfter;
    }

    /** The same refusal as the other limits answer it. */
    public RateLimitedException refusal() {
        return new RateLimitedException(limit, retryAfter);
    }
}
