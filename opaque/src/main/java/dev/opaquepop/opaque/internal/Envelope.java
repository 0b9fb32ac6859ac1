package dev.opaquepop.opaque.internal;

import dev.opaquepop.opaque.LoginFailedException;
import java.security.MessageDigest;
import java.security.SecureRandom;

/**
 * The envelope of RFC 9807 §4.1: Store, at registration, binds the client's key pair (derived from the
 * randomized password) to the server's public key and the identities; Recover, at login, re-derives it and
 * checks the auth tag. The envelope itself is {@code envelope_nonce || auth_tag}.
 */
public final class Envelope {
    /** Nn + Nm. */
    public static final int LENGTH = 32 + Sha512.LENGTH;

    private static final int NONCE_LENGTH = 32;
    private static final byte[] MASKING_KEY = Oprf.ascii("MaskingKey");
    private static final byte[] AUTH_KEY = Oprf.ascii("AuthKey");
    private static final byte[] EXPORT_KEY = Oprf.ascii("ExportKey");
    private static final byte[] PRIVATE_KEY = Oprf.ascii("PrivateKey");
    private static final byte[] DERIVE_DH_KEY_PAIR = Oprf.ascii("OPAQUE-DeriveDiffieHellmanKeyPair");
    private static final byte[] CREDENTIAL_RESPONSE_PAD = Oprf.ascii("CredentialResponsePad");

    private Envelope() {}

    /** What Store produces besides the envelope. The caller owns (and wipes) the secret arrays. */
    public static final class Stored {
        public final byte[] envelope;
        public final byte[] clientPublicKey;
        public final byte[] maskingKey;
        public final byte[] exportKey;

        Stored(byte[] envelope, byte[] clientPublicKey, byte[] maskingKey, byte[] exportKey) {
            this.envelope = envelope;
            this.clientPublicKey = clientPublicKey;
            this.maskingKey = maskingKey;
            this.exportKey = exportKey;
        }

        @Override
        public String toString() {
            return "Envelope.Stored[redacted]";
        }
    }

    /** What Recover produces. The caller owns (and wipes) the secret arrays. */
    public static final class Recovered {
        public final KeyPair clientKeyPair;
        public final byte[] exportKey;

        Recovered(KeyPair clientKeyPair, byte[] exportKey) {
            this.clientKeyPair = clientKeyPair;
            this.exportKey = exportKey;
        }

        @Override
        public String toString() {
            return "Envelope.Recovered[redacted]";
        }
    }

    /** {@code auth_key = Expand(randomized_password, envelope_nonce || "AuthKey", Nh)}. */
    public static byte[] authKey(byte[] randomizedPassword, byte[] nonce) {
        return Sha512.expand(randomizedPassword, Bytes.concat(nonce, AUTH_KEY), Sha512.LENGTH);
    }

    /** {@code masking_key = Expand(randomized_password, "MaskingKey", Nh)}. */
    public static byte[] maskingKey(byte[] randomizedPassword) {
        return Sha512.expand(randomizedPassword, MASKING_KEY, Sha512.LENGTH);
    }

    /**
     * {@code xor(Expand(masking_key, masking_nonce || "CredentialResponsePad", len(data)), data)}: masks {@code
     * server_public_key || envelope} on the server (RFC 9807 §6.3.2.1) and, being its own inverse, unmasks it on
     * the client (§6.3.2.3).
     */
    public static byte[] mask(byte[] maskingKey, byte[] maskingNonce, byte[] data) {
        byte[] pad = Sha512.expand(maskingKey, Bytes.concat(maskingNonce, CREDENTIAL_RESPONSE_PAD), data.length);
        try {
            return Bytes.xor(pad, data);
        } finally {
            Bytes.wipe(pad);
        }
    }

    /**
     * Store (RFC 9807 §4.1.2). A {@code null} identity defaults to the matching public key.
     *
     * @param random source of the envelope nonce
     */
    public static Stored store(
            byte[] randomizedPassword,
            byte[] serverPublicKey,
            byte[] serverIdentity,
            byte[] clientIdentity,
            SecureRandom random) {
        byte[] nonce = new byte[NONCE_LENGTH];
        random.nextBytes(nonce);
        byte[] authKey = authKey(randomizedPassword, nonce);
        byte[] exportKey = Sha512.expand(randomizedPassword, Bytes.concat(nonce, EXPORT_KEY), Sha512.LENGTH);
        KeyPair clientKeyPair = deriveClientKeyPair(randomizedPassword, nonce);
        try {
            byte[] clientPublicKey = clientKeyPair.publicKey();
            byte[] authTag = Sha512.mac(
                    authKey,
                    nonce,
                    cleartextCredentials(serverPublicKey, clientPublicKey, serverIdentity, clientIdentity));
            return new Stored(Bytes.concat(nonce, authTag), clientPublicKey, maskingKey(randomizedPassword), exportKey);
        } finally {
            Bytes.wipe(authKey, clientKeyPair.secretKey());
        }
    }

    /**
     * Recover (RFC 9807 §4.1.3): fails, without saying why, when the auth tag does not match (a wrong password
     * or a tampered response).
     */
    public static Recovered recover(
            byte[] randomizedPassword,
            byte[] serverPublicKey,
            byte[] envelope,
            byte[] serverIdentity,
            byte[] clientIdentity)
            throws LoginFailedException {
        byte[] nonce = Bytes.slice(envelope, 0, NONCE_LENGTH);
        byte[] authTag = Bytes.slice(envelope, NONCE_LENGTH, Sha512.LENGTH);
        byte[] authKey = authKey(randomizedPassword, nonce);
        KeyPair clientKeyPair = deriveClientKeyPair(randomizedPassword, nonce);
        try {
            byte[] expectedTag = Sha512.mac(
                    authKey,
                    nonce,
                    cleartextCredentials(serverPublicKey, clientKeyPair.publicKey(), serverIdentity, clientIdentity));
            if (!MessageDigest.isEqual(expectedTag, authTag)) {
                Bytes.wipe(clientKeyPair.secretKey());
                throw new LoginFailedException();
            }
            byte[] exportKey = Sha512.expand(randomizedPassword, Bytes.concat(nonce, EXPORT_KEY), Sha512.LENGTH);
            return new Recovered(clientKeyPair, exportKey);
        } finally {
            Bytes.wipe(authKey);
        }
    }

    private static KeyPair deriveClientKeyPair(byte[] randomizedPassword, byte[] nonce) {
        byte[] seed = Sha512.expand(randomizedPassword, Bytes.concat(nonce, PRIVATE_KEY), Oprf.SEED_LENGTH);
        try {
            return deriveDiffieHellmanKeyPair(seed);
        } finally {
            Bytes.wipe(seed);
        }
    }

    /** DeriveDiffieHellmanKeyPair(seed) of RFC 9807 §4.2, also used for the 3DH ephemeral keyshares. */
    public static KeyPair deriveDiffieHellmanKeyPair(byte[] seed) {
        return Oprf.deriveKeyPair(seed, DERIVE_DH_KEY_PAIR);
    }

    /** CreateCleartextCredentials (RFC 9807 §4.1.2), serialized; {@code null} identities default to the keys. */
    private static byte[] cleartextCredentials(
            byte[] serverPublicKey, byte[] clientPublicKey, byte[] serverIdentity, byte[] clientIdentity) {
        return Bytes.concat(
                serverPublicKey,
                Bytes.lengthPrefixed(serverIdentity == null ? serverPublicKey : serverIdentity),
                Bytes.lengthPrefixed(clientIdentity == null ? clientPublicKey : clientIdentity));
    }
}
