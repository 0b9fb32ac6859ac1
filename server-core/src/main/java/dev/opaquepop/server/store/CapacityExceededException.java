package dev.opaquepop.server.store;

/**
 * A bounded store (today the in-memory ones) is full of entries that may not be dropped (nonces still inside their replay window,
 * pending logins of users between their start and finish). The request is refused with a 503 rather than
 * forgetting a nonce and letting a replay through, or dropping someone else's login.
 */
public final class CapacityExceededException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CapacityExceededException(String message) {
        super(message);
    }
}
