package dev.opaquepop.opaque;

import dev.opaquepop.opaque.internal.Bytes;

/** RFC 9807 §5.1 RegistrationResponse: evaluated_message || server_public_key. 64 bytes. */
public final class RegistrationResponse extends Message {
    public static final int LENGTH = 2 * Sizes.ELEMENT;

    private RegistrationResponse(byte[] encoded) {
        super(encoded);
    }

    static RegistrationResponse of(byte[] evaluatedMessage, byte[] serverPublicKey) {
        return new RegistrationResponse(Bytes.concat(evaluatedMessage, serverPublicKey));
    }

    /** Decodes and validates both elements. */
    public static RegistrationResponse decode(byte[] encoded) throws InvalidMessageException {
        return new RegistrationResponse(MessageReader.of("RegistrationResponse", encoded, LENGTH)
                .element("evaluated_message")
                .element("server_public_key")
                .done());
    }

    byte[] evaluatedMessage() {
        return field(0, Sizes.ELEMENT);
    }

    /** The server's long-term public key, which the client binds into its envelope. */
    public byte[] serverPublicKey() {
        return field(Sizes.ELEMENT, Sizes.ELEMENT);
    }
}
