package dev.opaquepop.opaque;

import dev.opaquepop.opaque.internal.Ristretto255;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * The ristretto255 scalar multiplications an OPAQUE step cannot do without, whatever else it does: its arithmetic
 * floor. The benchmarks and the load generator divide measured times by it, so what is overhead shows. This is the one
 * place the counts are written; the unit costs are timed through the same libsodium binding as the protocol, by
 * {@link Units#measure()} or, under JMH, on a {@link Probe}.
 *
 * @param variableBase multiplications {@code scalar * element}
 * @param fixedBase multiplications {@code scalar * G}
 */
public record ArithmeticFloor(int variableBase, int fixedBase) {
    /** No curve arithmetic, e.g. login/finish: a MAC compare. */
    public static final ArithmeticFloor NONE = new ArithmeticFloor(0, 0);

    /** The server's registration response: the OPRF evaluation. */
    public static final ArithmeticFloor SERVER_REGISTRATION = new ArithmeticFloor(1, 0);

    /**
     * One server login, start and finish: the OPRF evaluation and three Diffie-Hellman products, and its ephemeral
     * key share.
     */
    public static final ArithmeticFloor SERVER_LOGIN = new ArithmeticFloor(4, 1);

    /**
     * One client login: blinding, unblinding and three Diffie-Hellman products; its ephemeral key share and the
     * public key of the key pair recovered from the envelope.
     */
    public static final ArithmeticFloor CLIENT_LOGIN = new ArithmeticFloor(5, 2);

    /** A login as a whole, both sides. */
    public static final ArithmeticFloor WHOLE_LOGIN = SERVER_LOGIN.plus(CLIENT_LOGIN);

    public ArithmeticFloor {
        if (variableBase < 0 || fixedBase < 0) {
            throw new IllegalArgumentException("negative multiplication count");
        }
    }

    public ArithmeticFloor plus(ArithmeticFloor other) {
        return new ArithmeticFloor(variableBase + other.variableBase, fixedBase + other.fixedBase);
    }

    /** The floor's time at these unit costs. */
    public double micros(Units units) {
        return variableBase * units.variableBaseMicros() + fixedBase * units.fixedBaseMicros();
    }

    /** For tables: {@code 4 var + 1 fixed}, or {@code none}. */
    public String describe() {
        return equals(NONE) ? "none" : variableBase + " var + " + fixedBase + " fixed";
    }

    /**
     * What one multiplication of each kind costs here.
     *
     * @param variableBaseMicros one {@code scalar * element}
     * @param fixedBaseMicros one {@code scalar * G}
     */
    public record Units(double variableBaseMicros, double fixedBaseMicros) {
        private static final int WARMUP_ROUNDS = 10;
        private static final int ROUNDS = 9;
        private static final int PER_ROUND = 300;

        /**
         * Times both kinds on the calling thread: the median of several rounds after a warm-up, in thread CPU time
         * where the JVM offers it (so other threads' load does not count), wall time otherwise. About 0.5 s.
         */
        public static Units measure() {
            Probe probe = new Probe(new SecureRandom());
            double[] variable = new double[ROUNDS];
            double[] fixed = new double[ROUNDS];
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            LongSupplier clock =
                    threads.isCurrentThreadCpuTimeSupported() ? threads::getCurrentThreadCpuTime : System::nanoTime;
            long sink = 0;
            for (int round = -WARMUP_ROUNDS; round < ROUNDS; round++) {
                long start = clock.getAsLong();
                for (int i = 0; i < PER_ROUND; i++) {
                    sink += probe.variableBase()[0];
                }
                long middle = clock.getAsLong();
                for (int i = 0; i < PER_ROUND; i++) {
                    sink += probe.fixedBase()[0];
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
            return new Units(median(variable), median(fixed));
        }

        private static double median(double[] values) {
            double[] sorted = values.clone();
            Arrays.sort(sorted);
            return sorted[sorted.length / 2];
        }
    }

    /**
     * One multiplication of each kind on operands drawn once, for a benchmark harness to call in its loop. It takes
     * no input, so it offers no arithmetic beyond what the protocol classes do.
     */
    public static final class Probe {
        private final byte[] scalar;
        private final byte[] element;

        public Probe(SecureRandom random) {
            scalar = Ristretto255.randomScalar(random);
            element = Ristretto255.multiplyBase(Ristretto255.randomScalar(random));
        }

        /** One {@code scalar * element}; the product, for the harness to consume. */
        public byte[] variableBase() {
            try {
                return Ristretto255.multiply(scalar, element);
            } catch (InvalidMessageException e) {
                throw new IllegalStateException("a valid element was refused", e);
            }
        }

        /** One {@code scalar * G}; the product, for the harness to consume. */
        public byte[] fixedBase() {
            return Ristretto255.multiplyBase(scalar);
        }
    }
}
