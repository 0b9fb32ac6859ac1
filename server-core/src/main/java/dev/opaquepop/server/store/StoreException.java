package dev.opaquepop.server.store;

/**
 * A storage backend failed (I/O, database unavailable). Unchecked: handlers answer it with a 503 and the
 * operation can be retried; the message never contains user data.
 */
public final class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreException(String message) {
        super(message);
    }
}
