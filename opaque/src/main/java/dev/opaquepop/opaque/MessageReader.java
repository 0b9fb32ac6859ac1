package dev.opaquepop.opaque;

import dev.opaquepop.opaque.internal.Ristretto255;

/**
 * Checks the length of an encoded message, then validates its fields in order. Every error names the message
 * and field and the expected and actual length, never the content.
 */
final class MessageReader {
    private final String message;
    private final byte[] data;
    private int offset;

    private MessageReader(String message, byte[] data) {
        this.message = message;
        this.data = data;
    }

    /** Starts reading {@code data}, which must be exactly {@code length} bytes; it is copied. */
    static MessageReader of(String message, byte[] data, int length) throws InvalidMessageException {
        if (data == null) {
            throw new InvalidMessageException(message + ": missing");
        }
        if (data.length != length) {
            throw new InvalidMessageException(message + ": expected " + length + " bytes, got " + data.length);
        }
        return new MessageReader(message, data.clone());
    }

    /** The next field, an element that must be valid (canonical, not the identity). */
    MessageReader element(String field) throws InvalidMessageException {
        byte[] candidate = java.util.Arrays.copyOfRange(data, offset, offset + Ristretto255.ELEMENT_LENGTH);
        Ristretto255.requireValidElement(message + "." + field, candidate);
        offset += Ristretto255.ELEMENT_LENGTH;
        return this;
    }

    /** The next field, opaque bytes of a fixed length. */
    MessageReader skip(int length) {
        offset += length;
        return this;
    }

    /** All bytes, once every field is read. */
    byte[] done() {
        if (offset != data.length) {
            throw new IllegalStateException(message + ": layout does not add up");
        }
        return data;
    }
}
