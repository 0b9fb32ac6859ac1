package dev.opaquepop.opaque.internal;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The suite's Hash, MAC and KDF: SHA-512, HMAC-SHA512 and HKDF-SHA512 (RFC 5869), from the JDK's providers.
 * {@code Nh = Nm = Nx = 64}.
 */
public final class Sha512 {
    /** Output length of the hash, the MAC and HKDF-Extract. */
    public static final int LENGTH = 64;

    private static final String HMAC = "HmacSHA512";

    private Sha512() {}

    /** {@code Hash(message)}. */
    public static byte[] hash(byte[]... parts) {
        MessageDigest digest = newDigest();
        for (byte[] part : parts) {
            digest.update(part);
        }
        return digest.digest();
    }

    static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-512");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-512 is not available in this JDK", e);
        }
    }

    /** {@code MAC(key, message)}: HMAC-SHA512. */
    public static byte[] mac(byte[] key, byte[]... parts) {
        Mac mac = newMac(key);
        for (byte[] part : parts) {
            mac.update(part);
        }
        return mac.doFinal();
    }

    /** {@code Extract(salt, ikm)} of HKDF; an empty salt means a string of {@code Nh} zeros (RFC 5869 §2.2). */
    public static byte[] extract(byte[] salt, byte[] ikm) {
        return mac(salt.length == 0 ? new byte[LENGTH] : salt, ikm);
    }

    /** {@code Expand(prk, info, length)} of HKDF (RFC 5869 §2.3). */
    public static byte[] expand(byte[] prk, byte[] info, int length) {
        if (length <= 0 || length > 255 * LENGTH) {
            throw new IllegalArgumentException("HKDF-Expand length out of range: " + length);
        }
        Mac mac = newMac(prk);
        byte[] out = new byte[length];
        byte[] block = new byte[0];
        int written = 0;
        for (int counter = 1; written < length; counter++) {
            mac.update(block);
            mac.update(info);
            mac.update((byte) counter);
            byte[] next = mac.doFinal();
            Bytes.wipe(block);
            block = next;
            int take = Math.min(block.length, length - written);
            System.arraycopy(block, 0, out, written, take);
            written += take;
        }
        Bytes.wipe(block);
        return out;
    }

    private static Mac newMac(byte[] key) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(key, HMAC));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA512 is not available in this JDK", e);
        }
    }
}
