package dev.opaquepop.server.service;

/**
 * A login did not complete: wrong password, unknown user, unknown or expired login id, or a KE3 that does not
 * verify. Deliberately one exception with one message, so none of these can be told apart.
 */
public final class AuthenticationFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    public AuthenticationFailedException() {
        super("login failed");
    }
}
