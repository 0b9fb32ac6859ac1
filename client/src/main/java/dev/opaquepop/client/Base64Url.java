package dev.opaquepop.client;

import java.util.Base64;

/** Base64url (RFC 4648 §5) as the wire protocol uses it: unpadded on output, padding optional on input. */
final class Base64Url {
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private Base64Url() {}

    static String encode(byte[] bytes) {
        return ENCODER.encodeToString(bytes);
    }

    /**
     * Decodes with or without padding.
     *
     * @throws IllegalArgumentException for characters outside the alphabet, bad padding or a bad length
     */
    static byte[] decode(String text) {
        return DECODER.decode(text);
    }
}
