package dev.opaquepop.pop;

import java.util.Arrays;
import java.util.Objects;
import javax.crypto.Mac;

/**
 * HKDF-SHA256 (RFC 5869) over the JDK's HmacSHA256: the one key derivation of the PoP layer (the PoP key from the
 * OPAQUE session key) and of the server's stores (sealing and naming keys from the server setup).
 */
public final class Hkdf {
    /** HashLen of SHA-256. */
    public static final int HASH_LENGTH = 32;

    private Hkdf() {}

    /**
     * HKDF-Extract then HKDF-Expand: {@code length} bytes of keying material from {@code ikm}. The caller wipes the
     * result when done with it.
     *
     * @throws IllegalArgumentException when {@code length} is not 1 to 8160
     */
    public static byte[] derive(byte[] salt, byte[] ikm, byte[] info, int length) {
        byte[] prk = extract(salt, ikm);
        try {
            return expand(prk, info, length);
        } finally {
            Arrays.fill(prk, (byte) 0);
        }
    }

    /**
     * HKDF-Extract (RFC 5869 §2.2). An empty salt means HashLen zero bytes, as the RFC says (the same HMAC key, since
     * HMAC pads keys with zeros; the JDK refuses an empty one).
     */
    static byte[] extract(byte[] salt, byte[] ikm) {
        Objects.requireNonNull(salt, "salt");
        Objects.requireNonNull(ikm, "ikm");
        return HmacSha256Key.of(salt.length == 0 ? new byte[HASH_LENGTH] : salt).mac(ikm);
    }

    /** HKDF-Expand (RFC 5869 §2.3): T(i) = HMAC(PRK, T(i-1) || info || i), output truncated to length. */
    static byte[] expand(byte[] prk, byte[] info, int length) {
        if (length < 1 || length > 255 * HASH_LENGTH) {
            throw new IllegalArgumentException("HKDF-SHA256 output length must be 1 to 8160 bytes, got " + length);
        }
        byte[] okm = new byte[length];
        byte[] previous = new byte[0];
        HmacSha256Key key = HmacSha256Key.of(prk);
        for (int block = 1, offset = 0; offset < length; block++) {
            Mac mac = key.fresh();
            mac.update(previous);
            mac.update(info);
            mac.update((byte) block);
            byte[] next = mac.doFinal();
            Arrays.fill(previous, (byte) 0);
            previous = next;
            int n = Math.min(HASH_LENGTH, length - offset);
            System.arraycopy(next, 0, okm, offset, n);
            offset += n;
        }
        Arrays.fill(previous, (byte) 0);
        return okm;
    }
}
