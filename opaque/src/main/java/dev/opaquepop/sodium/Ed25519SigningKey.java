package dev.opaquepop.sodium;

import java.util.Arrays;
import java.util.Objects;

/**
 * An Ed25519 (RFC 8032) signing key computed by libsodium ({@code crypto_sign_seed_keypair}, {@code
 * crypto_sign_detached}). Ed25519 signatures are deterministic, so these are the very bytes any other correct
 * implementation produces for the same key and message; libsodium's native code makes a signature several times
 * cheaper than a pure-Java one, which matters where one is made per request (the gateway's identity assertion).
 *
 * <p>The secret key never leaves this object: no accessor, no {@code toString} that shows it.
 */
public final class Ed25519SigningKey {
    /** Length of the seed RFC 8032 calls the private key. */
    public static final int SEED_LENGTH = 32;
    /** Length of a public key. */
    public static final int PUBLIC_KEY_LENGTH = 32;
    /** Length of a signature. */
    public static final int SIGNATURE_LENGTH = 64;

    /** libsodium's expanded secret key: the seed followed by the public key. */
    private final byte[] secretKey;

    private final byte[] publicKey;

    private Ed25519SigningKey(byte[] secretKey, byte[] publicKey) {
        this.secretKey = secretKey;
        this.publicKey = publicKey;
    }

    /**
     * The key pair of a 32-byte seed (the caller keeps and wipes its copy of the seed).
     *
     * @throws IllegalArgumentException when {@code seed} is not 32 bytes long
     */
    public static Ed25519SigningKey fromSeed(byte[] seed) {
        Objects.requireNonNull(seed, "seed");
        if (seed.length != SEED_LENGTH) {
            throw new IllegalArgumentException("an Ed25519 seed is " + SEED_LENGTH + " bytes");
        }
        byte[] publicKey = new byte[PUBLIC_KEY_LENGTH];
        byte[] secretKey = new byte[SEED_LENGTH + PUBLIC_KEY_LENGTH];
        if (Libsodium.get().crypto_sign_seed_keypair(publicKey, secretKey, seed) != 0) {
            throw new IllegalStateException("libsodium could not derive an Ed25519 key pair");
        }
        return new Ed25519SigningKey(secretKey, publicKey);
    }

    /** The 32-byte public key (a copy). */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** The 64-byte signature of {@code message}. Thread-safe: nothing here changes after construction. */
    public byte[] sign(byte[] message) {
        byte[] signature = new byte[SIGNATURE_LENGTH];
        if (Libsodium.get().crypto_sign_detached(signature, null, message, message.length, secretKey) != 0) {
            throw new IllegalStateException("libsodium could not sign");
        }
        return signature;
    }

    /** Overwrites the secret key; the object cannot sign correctly afterwards. */
    public void destroy() {
        Arrays.fill(secretKey, (byte) 0);
    }

    @Override
    public String toString() {
        return "Ed25519SigningKey[secret key not shown]";
    }
}
