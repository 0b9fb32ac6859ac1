package dev.opaquepop.opaque.internal;

import dev.opaquepop.opaque.InvalidMessageException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * RFC 9497 OPRF in mode OPRF (0x00) over ristretto255-SHA512: the client's Blind and Finalize, the server's
 * BlindEvaluate, and DeriveKeyPair with the suite's HashToGroup and HashToScalar (expand_message_xmd with
 * SHA-512, RFC 9380 §5.3.1).
 */
public final class Oprf {
    /** {@code contextString = "OPRFV1-" || I2OSP(mode, 1) || "-" || identifier} (RFC 9497 §3.1). */
    static final byte[] CONTEXT_STRING =
            Bytes.concat(ascii("OPRFV1-"), new byte[] {0x00}, ascii("-ristretto255-SHA512"));

    static final byte[] HASH_TO_GROUP_DST = Bytes.concat(ascii("HashToGroup-"), CONTEXT_STRING);
    private static final byte[] DERIVE_KEY_PAIR_DST = Bytes.concat(ascii("DeriveKeyPair"), CONTEXT_STRING);
    private static final byte[] FINALIZE = ascii("Finalize");
    /** SHA-512's input block size, {@code s_in_bytes} of RFC 9380. */
    private static final int HASH_BLOCK_LENGTH = 128;

    /** Length of a DeriveKeyPair seed, {@code Nseed = Nok}. */
    public static final int SEED_LENGTH = 32;

    private Oprf() {}

    /** The result of Blind: the secret blind scalar and the element sent to the server. */
    public static final class Blinded {
        private final byte[] blind;
        private final byte[] blindedElement;

        Blinded(byte[] blind, byte[] blindedElement) {
            this.blind = blind;
            this.blindedElement = blindedElement;
        }

        /** The blind scalar; secret, owned by the caller. */
        public byte[] blind() {
            return blind;
        }

        /** The serialized blinded element. */
        public byte[] blindedElement() {
            return blindedElement.clone();
        }

        @Override
        public String toString() {
            return "Blinded[blind redacted]";
        }
    }

    /** Blind(input) of RFC 9497 §3.3.1: a random blind times HashToGroup(input). */
    public static Blinded blind(byte[] input, SecureRandom random) throws InvalidMessageException {
        byte[] blind = Ristretto255.randomScalar(random);
        byte[] inputElement = hashToGroup(input);
        if (Bytes.isZero(inputElement)) {
            throw new InvalidMessageException("input hashes to the identity element");
        }
        return new Blinded(blind, Ristretto255.multiply(blind, inputElement));
    }

    /** BlindEvaluate(skS, blindedElement) of RFC 9497 §3.3.1. */
    public static byte[] blindEvaluate(byte[] secretKey, byte[] blindedElement) throws InvalidMessageException {
        return Ristretto255.multiply(secretKey, blindedElement);
    }

    /** Finalize(input, blind, evaluatedElement) of RFC 9497 §3.3.1. */
    public static byte[] finalize(byte[] input, byte[] blind, byte[] evaluatedElement) throws InvalidMessageException {
        byte[] inverse = Ristretto255.invertScalar(blind);
        try {
            byte[] unblinded = Ristretto255.multiply(inverse, evaluatedElement);
            return Sha512.hash(Bytes.lengthPrefixed(input), Bytes.lengthPrefixed(unblinded), FINALIZE);
        } finally {
            Bytes.wipe(inverse);
        }
    }

    /** DeriveKeyPair(seed, info) of RFC 9497 §3.2.1. */
    public static KeyPair deriveKeyPair(byte[] seed, byte[] info) {
        byte[] secretKey = deriveSecretKey(seed, info);
        return new KeyPair(secretKey, Ristretto255.multiplyBase(secretKey));
    }

    /**
     * The private half of DeriveKeyPair alone: a server evaluating the OPRF needs only the scalar, and skipping
     * the public key saves a base-point multiplication per registration and login.
     */
    public static byte[] deriveSecretKey(byte[] seed, byte[] info) {
        if (seed.length != SEED_LENGTH) {
            throw new IllegalArgumentException("seed must be " + SEED_LENGTH + " bytes");
        }
        byte[] deriveInput = Bytes.concat(seed, Bytes.lengthPrefixed(info), new byte[1]);
        try {
            for (int counter = 0; counter <= 255; counter++) {
                deriveInput[deriveInput.length - 1] = (byte) counter;
                byte[] secretKey = hashToScalar(deriveInput, DERIVE_KEY_PAIR_DST);
                if (!Bytes.isZero(secretKey)) {
                    return secretKey;
                }
            }
            // Reached with probability about 2^-2000: the RFC's DeriveKeyPairError.
            throw new IllegalStateException("DeriveKeyPair found no non-zero scalar");
        } finally {
            Bytes.wipe(deriveInput);
        }
    }

    /** HashToGroup of the ristretto255-SHA512 suite (RFC 9497 §4.1). */
    static byte[] hashToGroup(byte[] input) {
        return Ristretto255.fromUniformBytes(expandMessageXmd(input, HASH_TO_GROUP_DST, Ristretto255.UNIFORM_LENGTH));
    }

    /** HashToScalar of the ristretto255-SHA512 suite with an explicit domain separation tag. */
    static byte[] hashToScalar(byte[] input, byte[] dst) {
        byte[] uniform = expandMessageXmd(input, dst, Ristretto255.UNIFORM_LENGTH);
        try {
            return Ristretto255.reduceScalar(uniform);
        } finally {
            Bytes.wipe(uniform);
        }
    }

    /** expand_message_xmd with SHA-512, RFC 9380 §5.3.1. */
    static byte[] expandMessageXmd(byte[] message, byte[] dst, int length) {
        int blocks = (length + Sha512.LENGTH - 1) / Sha512.LENGTH;
        if (blocks > 255 || length > 0xffff || dst.length > 255) {
            throw new IllegalArgumentException("expand_message_xmd parameters out of range");
        }
        byte[] dstPrime = Bytes.concat(dst, Bytes.i2osp1(dst.length));
        byte[] b0 = Sha512.hash(new byte[HASH_BLOCK_LENGTH], message, Bytes.i2osp2(length), new byte[1], dstPrime);
        byte[] out = new byte[blocks * Sha512.LENGTH];
        byte[] previous = Sha512.hash(b0, Bytes.i2osp1(1), dstPrime);
        System.arraycopy(previous, 0, out, 0, Sha512.LENGTH);
        for (int i = 2; i <= blocks; i++) {
            previous = Sha512.hash(Bytes.xor(b0, previous), Bytes.i2osp1(i), dstPrime);
            System.arraycopy(previous, 0, out, (i - 1) * Sha512.LENGTH, Sha512.LENGTH);
        }
        return out.length == length ? out : Bytes.slice(out, 0, length);
    }

    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
