package dev.opaquepop.server.service;

/** Registration of a username that already has a record. */
public final class UsernameTakenException extends Exception {
    private static final long serialVersionUID = 1L;

    public UsernameTakenException() {
        super("username is taken");
    }
}
