package dev.opaquepop.loadgen;

import dev.opaquepop.opaque.InvalidMessageException;
import dev.opaquepop.opaque.internal.Ristretto255;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * The arithmetic floor of a server-side login, timed in this run on this machine: a login costs the server four
 * variable-base ristretto255 multiplications (the OPRF evaluation and three Diffie-Hellman products) and one
 * fixed-base one (its ephemeral key share), whatever else it does. Times are the median of several rounds, on
 * the load generator's thread before any load starts, through the same libsodium binding as the server.
 *
 * @param variableBaseMicros one {@code scalar * element}
 * @param fixedBaseMicros one {@code scalar * G}
 */
record ArithmeticFloor(double variableBaseMicros, double fixedBaseMicros) {
    static final int LOGIN_VARIABLE_BASE = 4;
    static final int LOGIN_FIXED_BASE = 1;

    private static final int WARMUP_ROUNDS = 10;
    private static final int ROUNDS = 9;
    private static final int PER_ROUND = 300;

    /** The floor of one full login on the server (start and finish). */
    double loginMicros() {
        return LOGIN_VARIABLE_BASE * variableBaseMicros + LOGIN_FIXED_BASE * fixedBaseMicros;
    }

    static ArithmeticFloor measure() {
        SecureRandom random = new SecureRandom();
        byte[] scalar = Ristretto255.randomScalar(random);
        byte[] element = Ristretto255.multiplyBase(Ristretto255.randomScalar(random));
        double[] variable = new double[ROUNDS];
        double[] fixed = new double[ROUNDS];
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        LongSupplier clock =
                threads.isCurrentThreadCpuTimeSupported() ? threads::getCurrentThreadCpuTime : System::nanoTime;
        long sink = 0;
        for (int round = -WARMUP_ROUNDS; round < ROUNDS; round++) {
            long start = clock.getAsLong();
            for (int i = 0; i < PER_ROUND; i++) {
                sink += multiply(scalar, element)[0];
            }
            long middle = clock.getAsLong();
            for (int i = 0; i < PER_ROUND; i++) {
                sink += Ristretto255.multiplyBase(scalar)[0];
            }
            long end = clock.getAsLong();
            if (round >= 0) {
                variable[round] = (middle - start) / 1e3 / PER_ROUND;
                fixed[round] = (end - middle) / 1e3 / PER_ROUND;
            }
        }
        if (sink == Long.MIN_VALUE) {
            throw new AssertionError(); // keeps the products alive
        }
        return new ArithmeticFloor(median(variable), median(fixed));
    }

    private static byte[] multiply(byte[] scalar, byte[] element) {
        try {
            return Ristretto255.multiply(scalar, element);
        } catch (InvalidMessageException e) {
            throw new IllegalStateException("a valid element was refused", e);
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
