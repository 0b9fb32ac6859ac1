package dev.opaquepop.opaque;

/**
 * A received message, stored record or server setup could not be decoded: wrong length or an invalid group
 * element. The message names the field and the expected and actual length; it never contains the bytes.
 */
public final class InvalidMessageException extends OpaqueException {
    private static final long serialVersionUID = 1L;

    public InvalidMessageException(String message) {
        super(message);
    }
}
