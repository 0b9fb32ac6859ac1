package dev.opaquepop.opaque;

import dev.opaquepop.opaque.internal.Bytes;

/**
 * RFC 9807 §5.1 RegistrationRecord, what the server stores per user: client_public_key || masking_key ||
 * envelope. 192 bytes. It holds no password and no password hash; the masking key should still be kept
 * confidential (it hides the envelope from clients that do not know the password).
 */
public final class RegistrationRecord extends Message {
    public static final int LENGTH = Sizes.ELEMENT + Sizes.HASH + Sizes.ENVELOPE;

    private RegistrationRecord(byte[] encoded) {
        super(encoded);
    }

    static RegistrationRecord of(byte[] clientPublicKey, byte[] maskingKey, byte[] envelope) {
        return new RegistrationRecord(Bytes.concat(clientPublicKey, maskingKey, envelope));
    }

    /** Decodes a record, validating the client public key. */
    public static RegistrationRecord decode(byte[] encoded) throws InvalidMessageException {
        return new RegistrationRecord(MessageReader.of("RegistrationRecord", encoded, LENGTH)
                .element("client_public_key")
                .skip(Sizes.HASH)
                .skip(Sizes.ENVELOPE)
                .done());
    }

    /** The client's long-term public key. */
    public byte[] clientPublicKey() {
        return field(0, Sizes.ELEMENT);
    }

    byte[] maskingKey() {
        return field(Sizes.ELEMENT, Sizes.HASH);
    }

    byte[] envelope() {
        return field(Sizes.ELEMENT + Sizes.HASH, Sizes.ENVELOPE);
    }
}
