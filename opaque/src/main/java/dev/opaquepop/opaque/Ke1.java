package dev.opaquepop.opaque;

/**
 * RFC 9807 §6.1 KE1, the client's first login message: credential_request (blinded_message) || client_nonce ||
 * client_public_keyshare. 96 bytes.
 */
public final class Ke1 extends Message {
    public static final int LENGTH = Sizes.ELEMENT + Sizes.NONCE + Sizes.ELEMENT;

    private Ke1(byte[] encoded) {
        super(encoded);
    }

    static Ke1 of(byte[] encoded) {
        return new Ke1(encoded.clone());
    }

    /** Decodes KE1, validating the blinded element and the client keyshare. */
    public static Ke1 decode(byte[] encoded) throws InvalidMessageException {
        return new Ke1(MessageReader.of("KE1", encoded, LENGTH)
                .element("blinded_message")
                .skip(Sizes.NONCE)
                .element("client_public_keyshare")
                .done());
    }

    byte[] blindedMessage() {
        return field(0, Sizes.ELEMENT);
    }

    byte[] clientPublicKeyshare() {
        return field(Sizes.ELEMENT + Sizes.NONCE, Sizes.ELEMENT);
    }
}
