package dev.opaquepop.opaque;

/**
 * The key stretching function of RFC 9807 §4.4 applied to the OPRF output on the client: it is what makes an
 * offline guess at a password (by someone who compromised the server) expensive.
 */
public interface Ksf {
    /** {@code Stretch(msg)}: returns {@code Nh} = 64 bytes derived from the 64-byte OPRF output. */
    byte[] stretch(byte[] oprfOutput);

    /** Argon2id with the default parameters of {@link Argon2idKsf#DEFAULT}: m = 65536 KiB, t = 3, p = 4. */
    static Ksf argon2id() {
        return Argon2idKsf.DEFAULT;
    }

    /**
     * The identity function: <strong>unsafe for real users</strong>. With it a stolen registration record can be
     * attacked offline at the speed of SHA-512. It exists only for RFC test vectors and benchmarks that want to
     * measure the protocol rather than Argon2.
     */
    static Ksf identityUnsafeForTestsOnly() {
        return IdentityKsf.INSTANCE;
    }
}
