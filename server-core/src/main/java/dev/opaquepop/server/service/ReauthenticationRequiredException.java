package dev.opaquepop.server.service;

/**
 * A sensitive change (password, account deletion) was asked for by a session whose login is too old, or whose
 * login used a registration the account no longer has (the password was changed meanwhile, or the account was
 * deleted): the user must log in again first.
 */
public final class ReauthenticationRequiredException extends Exception {
    private static final long serialVersionUID = 1L;

    public ReauthenticationRequiredException(String message) {
        super(message, null, false, false);
    }
}
