package dev.opaquepop.opaque;

/**
 * Authentication failed. On the client this covers every reason (wrong password, an envelope that does not
 * open, a bad server MAC, a reflected OPRF value), on the server a bad client MAC: callers, and attackers
 * watching them, cannot tell which check failed.
 */
public final class LoginFailedException extends OpaqueException {
    private static final long serialVersionUID = 1L;

    public LoginFailedException() {
        super("login failed");
    }
}
