package dev.opaquepop.opaque;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id version 0x13 (RFC 9106) as the KSF, computed by BouncyCastle, with the choices opaque-ke makes so
 * records are interchangeable: a salt of 16 zero bytes (the OPRF output is already unique per user and
 * server), no secret, no associated data, and a 64-byte output.
 */
public final class Argon2idKsf implements Ksf {
    /** The default of opaque-ke's npm build {@code @serenity-kit/opaque} ("memory-constrained"). */
    public static final Argon2idKsf DEFAULT = new Argon2idKsf(65536, 3, 4);

    private static final int SALT_LENGTH = 16;
    private static final int OUTPUT_LENGTH = 64;

    private final int memoryKib;
    private final int iterations;
    private final int parallelism;

    private Argon2idKsf(int memoryKib, int iterations, int parallelism) {
        this.memoryKib = memoryKib;
        this.iterations = iterations;
        this.parallelism = parallelism;
    }

    /**
     * Argon2id with explicit parameters. Both sides of a registration must use the same ones: a record made with
     * one set only opens with that set.
     *
     * @param memoryKib memory in KiB, at least {@code 8 * parallelism}
     * @param iterations passes over memory, at least 1
     * @param parallelism lanes, 1 to 2^24 - 1
     * @throws IllegalArgumentException naming the parameter that is out of range
     */
    public static Argon2idKsf of(int memoryKib, int iterations, int parallelism) {
        if (parallelism < 1 || parallelism > 0xffffff) {
            throw new IllegalArgumentException(
                    "Argon2id parallelism must be between 1 and 16777215, got " + parallelism);
        }
        if (iterations < 1) {
            throw new IllegalArgumentException("Argon2id iterations must be at least 1, got " + iterations);
        }
        if (memoryKib < 8 * parallelism) {
            throw new IllegalArgumentException(
                    "Argon2id memory must be at least 8 KiB per lane (" + 8 * parallelism + " KiB), got " + memoryKib);
        }
        return new Argon2idKsf(memoryKib, iterations, parallelism);
    }

    public int memoryKib() {
        return memoryKib;
    }

    public int iterations() {
        return iterations;
    }

    public int parallelism() {
        return parallelism;
    }

    @Override
    public byte[] stretch(byte[] oprfOutput) {
        Argon2Parameters parameters = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withSalt(new byte[SALT_LENGTH])
                .withMemoryAsKB(memoryKib)
                .withIterations(iterations)
                .withParallelism(parallelism)
                .build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(parameters);
        byte[] out = new byte[OUTPUT_LENGTH];
        generator.generateBytes(oprfOutput, out);
        return out;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Argon2idKsf that
                && memoryKib == that.memoryKib
                && iterations == that.iterations
                && parallelism == that.parallelism;
    }

    @Override
    public int hashCode() {
        return (memoryKib * 31 + iterations) * 31 + parallelism;
    }

    @Override
    public String toString() {
        return "Argon2id(m=" + memoryKib + " KiB, t=" + iterations + ", p=" + parallelism + ")";
    }
}
