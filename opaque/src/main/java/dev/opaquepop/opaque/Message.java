package dev.opaquepop.opaque;

import java.security.MessageDigest;
import java.util.Arrays;

/**
 * An immutable OPAQUE wire message or stored record: a fixed-length byte string with {@code encode()} and a
 * static {@code decode(bytes)} on each subclass. Equality is by content, compared in constant time because
 * records carry the masking key.
 */
public abstract sealed class Message
        permits RegistrationRequest, RegistrationResponse, RegistrationRecord, Ke1, Ke2, Ke3 {
    private final byte[] encoded;

    Message(byte[] encoded) {
        this.encoded = encoded;
    }

    /** The serialized message, as sent on the wire (a fresh copy). */
    public final byte[] encode() {
        return encoded.clone();
    }

    /** Direct view for this package; never handed out. */
    final byte[] bytes() {
        return encoded;
    }

    final byte[] field(int offset, int length) {
        return Arrays.copyOfRange(encoded, offset, offset + length);
    }

    // Every subclass is final; a KE3 and a record with equal bytes are still different things.
    @SuppressWarnings("EqualsGetClass")
    @Override
    public final boolean equals(Object other) {
        return other != null
                && other.getClass() == getClass()
                && MessageDigest.isEqual(encoded, ((Message) other).encoded);
    }

    @Override
    public final int hashCode() {
        // Content-free: messages are rarely hashed, and a content hash of a record would leak its masking key.
        return getClass().hashCode() ^ encoded.length;
    }

    @Override
    public final String toString() {
        return getClass().getSimpleName() + "[" + encoded.length + " bytes]";
    }
}
