package dev.opaquepop.pop;

import java.util.Base64;

/**
 * Base64url (RFC 4648 §5) as the opaque-pop wire protocol uses it for every binary value: unpadded on output,
 * input accepted with or without padding.
 */
public final class Base64Url {
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private Base64Url() {}

    public static String encode(byte[] bytes) {
        return ENCODER.encodeToString(bytes);
    }

    /** Decodes padded or unpadded input; throws {@link IllegalArgumentException} on anything else. */
    public static byte[] decode(String text) {
        return DECODER.decode(text);
    }

    /** Whether {@code text} has {@code min} to {@code max} characters, all from the base64url alphabet. */
    public static boolean isAlphabet(String text, int min, int max) {
        int length = text.length();
        if (length < min || length > max) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (!isAlphabet(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAlphabet(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }
}
