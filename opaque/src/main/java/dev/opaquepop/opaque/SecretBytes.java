package dev.opaquepop.opaque;

import java.security.MessageDigest;
import java.util.Arrays;

/**
 * Immutable secret key material: session keys, export keys, private keys, serialized server setups.
 *
 * <p>Bytes are copied in and out; {@link #toString()} is redacted; there is no {@code equals} or {@code
 * hashCode}, so secrets do not end up compared in variable time or used as map keys by accident. Reading the
 * bytes takes an explicit call to {@link #revealBytes()}, easy to find in review.
 */
public final class SecretBytes {
    private final byte[] bytes;

    private SecretBytes(byte[] bytes) {
        this.bytes = bytes;
    }

    /** Wraps a copy of {@code bytes}; the caller may wipe its array afterwards. */
    public static SecretBytes copyOf(byte[] bytes) {
        return new SecretBytes(bytes.clone());
    }

    /** Takes ownership of {@code bytes} without copying; for arrays nobody else holds. */
    static SecretBytes adopt(byte[] bytes) {
        return new SecretBytes(bytes);
    }

    /** A fresh copy of the secret bytes. The caller should wipe it when done. */
    public byte[] revealBytes() {
        return bytes.clone();
    }

    /** Number of bytes. */
    public int size() {
        return bytes.length;
    }

    /** Constant-time comparison (for equal lengths). */
    public boolean equalsConstantTime(SecretBytes other) {
        return MessageDigest.isEqual(bytes, other.bytes);
    }

    /** Overwrites the bytes with zeros; later reads see zeros. Best effort: the JVM may have copied them. */
    public void destroy() {
        Arrays.fill(bytes, (byte) 0);
    }

    @Override
    public String toString() {
        return "SecretBytes[" + bytes.length + " bytes, redacted]";
    }
}
