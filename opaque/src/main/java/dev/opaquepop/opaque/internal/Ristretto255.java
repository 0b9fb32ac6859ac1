package dev.opaquepop.opaque.internal;

import com.goterl.lazysodium.SodiumJava;
import dev.opaquepop.opaque.InvalidMessageException;
import dev.opaquepop.sodium.Libsodium;
import java.security.SecureRandom;

/**
 * The prime-order group ristretto255 (RFC 9496) and its scalar field, computed by libsodium through
 * lazysodium. Elements and scalars travel as their canonical 32-byte encodings.
 */
public final class Ristretto255 {
    /** Length of an encoded element ({@code Noe}, {@code Npk}). */
    public static final int ELEMENT_LENGTH = 32;
    /** Length of an encoded scalar ({@code Ns}, {@code Nsk}). */
    public static final int SCALAR_LENGTH = 32;
    /** Length of the uniform string that hash-to-group and hash-to-scalar reduce. */
    public static final int UNIFORM_LENGTH = 64;

    private Ristretto255() {}

    /** The process's libsodium, loaded on first use ({@link Libsodium}). */
    private static SodiumJava sodium() {
        return Libsodium.get();
    }

    /**
     * DeserializeElement: accepts only the canonical encoding of a non-identity element. Throws naming the
     * field, never echoing its bytes.
     */
    public static byte[] requireValidElement(String field, byte[] encoded) throws InvalidMessageException {
        if (encoded.length != ELEMENT_LENGTH) {
            throw new InvalidMessageException(field + ": expected " + ELEMENT_LENGTH + " bytes, got " + encoded.length);
        }
        if (!isValidElement(encoded)) {
            throw new InvalidMessageException(field + ": not a valid ristretto255 element");
        }
        return encoded;
    }

    /** True for the canonical encoding of an element other than the identity. */
    public static boolean isValidElement(byte[] encoded) {
        return encoded.length == ELEMENT_LENGTH
                && !Bytes.isZero(encoded)
                && sodium().crypto_core_ristretto255_is_valid_point(encoded) == 1;
    }

    /** Maps a 64-byte uniform string to an element (the one-way map of RFC 9496 §4.3.4). */
    public static byte[] fromUniformBytes(byte[] uniform) {
        checkLength(uniform, UNIFORM_LENGTH);
        byte[] out = new byte[ELEMENT_LENGTH];
        if (sodium().crypto_core_ristretto255_from_hash(out, uniform) != 0) {
            throw new IllegalStateException("ristretto255 from_hash failed");
        }
        return out;
    }

    /** {@code scalar * element}; fails when the product is the identity (a zero scalar or a bad element). */
    public static byte[] multiply(byte[] scalar, byte[] element) throws InvalidMessageException {
        checkLength(scalar, SCALAR_LENGTH);
        byte[] out = new byte[ELEMENT_LENGTH];
        if (sodium().crypto_scalarmult_ristretto255(out, scalar, element) != 0) {
            throw new InvalidMessageException("group element: product is not a valid element");
        }
        return out;
    }

    /** {@code scalar * G}, the ScalarMultGen of RFC 9497. */
    public static byte[] multiplyBase(byte[] scalar) {
        checkLength(scalar, SCALAR_LENGTH);
        byte[] out = new byte[ELEMENT_LENGTH];
        if (sodium().crypto_scalarmult_ristretto255_base(out, scalar) != 0) {
            throw new IllegalArgumentException("scalar is zero");
        }
        return out;
    }

    /** Reduces a 64-byte little-endian integer modulo the group order. */
    public static byte[] reduceScalar(byte[] wide) {
        checkLength(wide, UNIFORM_LENGTH);
        byte[] out = new byte[SCALAR_LENGTH];
        sodium().crypto_core_ristretto255_scalar_reduce(out, wide);
        return out;
    }

    /** The multiplicative inverse of a non-zero scalar. */
    public static byte[] invertScalar(byte[] scalar) {
        checkLength(scalar, SCALAR_LENGTH);
        byte[] out = new byte[SCALAR_LENGTH];
        if (sodium().crypto_core_ristretto255_scalar_invert(out, scalar) != 0) {
            throw new IllegalArgumentException("scalar is zero");
        }
        return out;
    }

    /** True when {@code scalar} is the canonical encoding of a non-zero scalar (less than the group order). */
    public static boolean isCanonicalNonZeroScalar(byte[] scalar) {
        if (scalar.length != SCALAR_LENGTH || Bytes.isZero(scalar)) {
            return false;
        }
        byte[] wide = new byte[UNIFORM_LENGTH];
        System.arraycopy(scalar, 0, wide, 0, SCALAR_LENGTH);
        byte[] reduced = reduceScalar(wide);
        boolean canonical = java.security.MessageDigest.isEqual(reduced, scalar);
        Bytes.wipe(wide, reduced);
        return canonical;
    }

    /**
     * RandomScalar: rejection sampling of 32 random bytes with the top three bits cleared until the value is a
     * canonical non-zero scalar, as libsodium's own scalar_random does. About one draw in two is accepted.
     */
    public static byte[] randomScalar(SecureRandom random) {
        byte[] candidate = new byte[SCALAR_LENGTH];
        while (true) {
            random.nextBytes(candidate);
            candidate[SCALAR_LENGTH - 1] &= 0x1f;
            if (isCanonicalNonZeroScalar(candidate)) {
                return candidate;
            }
        }
    }

    private static void checkLength(byte[] data, int length) {
        if (data.length != length) {
            throw new IllegalArgumentException("expected " + length + " bytes, got " + data.length);
        }
    }
}
