package dev.opaquepop.opaque;

/**
 * RFC 9807 §6.1 KE2, the server's login response: credential_response (evaluated_message || masking_nonce ||
 * masked_response) || server_nonce || server_public_keyshare || server_mac. 320 bytes.
 */
public final class Ke2 extends Message {
    static final int CREDENTIAL_RESPONSE_LENGTH = Sizes.ELEMENT + Sizes.NONCE + Sizes.MASKED_RESPONSE;
    public static final int LENGTH = CREDENTIAL_RESPONSE_LENGTH + Sizes.NONCE + Sizes.ELEMENT + Sizes.HASH;

    private Ke2(byte[] encoded) {
        super(encoded);
    }

    static Ke2 of(byte[] encoded) {
        return new Ke2(encoded.clone());
    }

    /** Decodes KE2, validating the evaluated element and the server keyshare. */
    public static Ke2 decode(byte[] encoded) throws InvalidMessageException {
        return new Ke2(MessageReader.of("KE2", encoded, LENGTH)
                .element("evaluated_message")
                .skip(Sizes.NONCE)
                .skip(Sizes.MASKED_RESPONSE)
                .skip(Sizes.NONCE)
                .element("server_public_keyshare")
                .skip(Sizes.HASH)
                .done());
    }

    byte[] evaluatedMessage() {
        return field(0, Sizes.ELEMENT);
    }

    byte[] maskingNonce() {
        return field(Sizes.ELEMENT, Sizes.NONCE);
    }

    byte[] maskedResponse() {
        return field(Sizes.ELEMENT + Sizes.NONCE, Sizes.MASKED_RESPONSE);
    }

    byte[] credentialResponse() {
        return field(0, CREDENTIAL_RESPONSE_LENGTH);
    }

    byte[] serverNonce() {
        return field(CREDENTIAL_RESPONSE_LENGTH, Sizes.NONCE);
    }

    byte[] serverPublicKeyshare() {
        return field(CREDENTIAL_RESPONSE_LENGTH + Sizes.NONCE, Sizes.ELEMENT);
    }

    byte[] serverMac() {
        return field(LENGTH - Sizes.HASH, Sizes.HASH);
    }
}
