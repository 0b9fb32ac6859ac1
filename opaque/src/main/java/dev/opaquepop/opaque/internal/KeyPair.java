package dev.opaquepop.opaque.internal;

/** A ristretto255 key pair: a non-zero scalar and its public element. Holder only; callers wipe the scalar. */
public final class KeyPair {
    private final byte[] secretKey;
    private final byte[] publicKey;

    public KeyPair(byte[] secretKey, byte[] publicKey) {
        this.secretKey = secretKey;
        this.publicKey = publicKey;
    }

    /** The scalar; the caller owns the returned array (no copy is made). */
    public byte[] secretKey() {
        return secretKey;
    }

    /** The public element; the caller owns the returned array (no copy is made). */
    public byte[] publicKey() {
        return publicKey;
    }

    @Override
    public String toString() {
        return "KeyPair[secret redacted]";
    }
}
