package dev.opaquepop.server.service;

/** The database already holds a transfer for this session and nonce: the request is a replay. */
public final class ReplayedRequestException extends Exception {
    private static final long serialVersionUID = 1L;

    public ReplayedRequestException() {
        super("replayed request");
    }
}
