package dev.opaquepop.pop;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HKDF-SHA256 (RFC 5869) over the JDK's HmacSHA256: the one key derivation the PoP layer needs. */
final class Hkdf {
    static final int HASH_LENGTH = 32;
    private static final String HMAC = "HmacSHA256";

    private Hkdf() {}

    /**
     * HKDF-Extract (RFC 5869 §2.2). An empty salt means HashLen zero bytes, as the RFC says; the JDK refuses
     * empty HMAC keys, and HMAC pads short keys with zeros anyway, so both read the same.
     */
    static byte[] extract(byte[] salt, byte[] ikm) {
        byte[] key = salt.length == 0 ? new byte[HASH_LENGTH] : salt;
        return hmac(key, ikm);
    }

    /** HKDF-Expand (RFC 5869 §2.3): T(i) = HMAC(PRK, T(i-1) || info || i), output truncated to length. */
    static byte[] expand(byte[] prk, byte[] info, int length) {
        if (length < 1 || length > 255 * HASH_LENGTH) {
            throw new IllegalArgumentException("HKDF-SHA256 output length must be 1 to 8160 bytes, got " + length);
        }
        byte[] okm = new byte[length];
        byte[] previous = new byte[0];
        Mac mac = newMac(prk);
        for (int block = 1, offset = 0; offset < length; block++) {
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

    static byte[] hmac(byte[] key, byte[] message) {
        return newMac(key).doFinal(message);
    }

    /**
     * A copy of a keyed HMAC instance that has not been used, ready for one message. The JDK's HmacSHA256 is
     * cloneable; one that is not would be as broken a runtime as one without the algorithm.
     */
    static Mac copyOf(Mac prototype) {
        try {
            return (Mac) prototype.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the HmacSHA256 provider cannot copy a keyed instance", e);
        }
    }

    static Mac newMac(byte[] key) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(key, HMAC));
            return mac;
        } catch (GeneralSecurityException e) {
            // Every JDK ships HmacSHA256 (it is a required algorithm), so this is a broken runtime.
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }
}
