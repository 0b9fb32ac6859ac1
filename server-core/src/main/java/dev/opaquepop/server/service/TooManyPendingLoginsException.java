package dev.opaquepop.server.service;

import java.time.Duration;

/** The username has as many unfinished logins as allowed; a place frees up after {@link #retryAfter()}. */
public final class TooManyPendingLoginsException extends Exception {
    private static final long serialVersionUID = 1L;

    private final Duration retryAfter;

    public TooManyPendingLoginsException(Duration retryAfter) {
        super("too many pending logins for this username", null, false, false);
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
