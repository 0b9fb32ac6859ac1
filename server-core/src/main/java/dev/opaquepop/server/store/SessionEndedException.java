package dev.opaquepop.server.store;

/**
 * A nonce claim found that its session had ended since it was read (a store whose sessions may be read from a
 * cache checks this in the claim itself). The request is refused as one of an unknown session.
 */
public final class SessionEndedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SessionEndedException() {
        super("the session ended before its nonce was claimed");
    }
}
