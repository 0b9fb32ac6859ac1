package dev.opaquepop.server.store;

import java.time.Instant;

/** A username already has as many pending logins as allowed; one of them lapses at {@link #retryAt()}. */
public final class PendingLoginLimitException extends Exception {
    private static final long serialVersionUID = 1L;

    private final Instant retryAt;

    public PendingLoginLimitException(Instant retryAt) {
        super("too many pending logins for this user", null, false, false);
        this.retryAt = retryAt;
    }

    /** When the earliest of the user's pending logins lapses, freeing a place. */
    public Instant retryAt() {
        return retryAt;
    }
}
