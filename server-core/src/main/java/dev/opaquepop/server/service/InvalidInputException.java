package dev.opaquepop.server.service;

/** A request value is malformed; the message names the field and what is wrong, never echoing secrets. */
public final class InvalidInputException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidInputException(String message) {
        super(message);
    }
}
