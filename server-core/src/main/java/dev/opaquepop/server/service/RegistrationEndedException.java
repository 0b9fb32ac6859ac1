package dev.opaquepop.server.service;

/**
 * The session's account no longer holds the registration the session was made with (its password changed, or it
 * was deleted, maybe registered again): the session acts no more, as if it had ended.
 */
public final class RegistrationEndedException extends Exception {
    private static final long serialVersionUID = 1L;

    public RegistrationEndedException() {
        super("the session's registration has ended");
    }
}
