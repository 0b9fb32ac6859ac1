package dev.opaquepop.loadgen;

/** An operation whose answer was not the one the protocol requires: an error status, a refused login, no answer. */
final class OperationFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    OperationFailedException(String message) {
        super(message);
    }

    OperationFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
