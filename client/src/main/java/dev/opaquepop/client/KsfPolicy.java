package dev.opaquepop.client;

import dev.opaquepop.opaque.Argon2idKsf;

/**
 * What Argon2id parameters the client accepts from a server, checked before any password is stretched or sent.
 *
 * <p>The server chooses the parameters (it advertises them at {@code /.well-known/opaque-pop}), and the record a
 * registration stores costs an offline guesser exactly what they cost. Whoever answers that document (a
 * malicious server, a compromised TLS-terminating proxy) could otherwise have every registration and password
 * change store a record that costs almost nothing per guess, or make the client run out of memory or hang.
 *
 * <ul>
 *   <li>The <b>floor</b> is on memory and iterations, the two factors of what one guess costs (the memory held
 *       times the passes over it): by default the protocol's m = 64 MiB, t = 3 (RFC 9106's second recommended
 *       setting). Parallelism has no floor: fewer lanes make a guess no cheaper, only slower on this side.
 *   <li>The <b>ceiling</b> keeps a hostile document from exhausting the client: m at most 1 GiB and no more than
 *       the JVM's heap can hold, t at most {@value #MAX_ITERATIONS}, p at most {@value #MAX_PARALLELISM}.
 * </ul>
 *
 * <p>Lowering the floor ({@link #insecureFloor}) is for tests, benchmarks and demos only: a record registered
 * under it is as weak as the parameters the server chose.
 */
public final class KsfPolicy {
    /** The most memory the client spends on one Argon2id run: 1 GiB. */
    public static final int MAX_MEMORY_KIB = 1 << 20;
    /**
     * The most passes the client makes: with the most memory, 85 times the protocol default's work (about 30 s
     * on a 2-core machine where the default takes 0.35 s), a slow login but not a hang.
     */
    public static final int MAX_ITERATIONS = 16;
    /** The most lanes the client runs. */
    public static final int MAX_PARALLELISM = 16;

    /** Kept free beside Argon2id's memory, for the rest of the client. */
    private static final long HEAP_HEADROOM_BYTES = 32L << 20;

    private static final KsfPolicy RECOMMENDED =
            new KsfPolicy(Argon2idKsf.DEFAULT.memoryKib(), Argon2idKsf.DEFAULT.iterations());

    private final int minMemoryKib;
    private final int minIterations;

    private KsfPolicy(int minMemoryKib, int minIterations) {
        this.minMemoryKib = minMemoryKib;
        this.minIterations = minIterations;
    }

    /** The default: at least the protocol's m = 65536 KiB and t = 3, at most the ceiling. */
    public static KsfPolicy recommended() {
        return RECOMMENDED;
    }

    /**
     * A lower floor, <b>for tests, benchmarks and demos only</b>: passwords registered while it applies may be
     * stretched with as little as {@code minMemoryKib} and {@code minIterations}, which an offline guesser with
     * the server's records pays per guess.
     *
     * @throws IllegalArgumentException when a value is below Argon2id's own minimum (8 KiB, one pass)
     */
    public static KsfPolicy insecureFloor(int minMemoryKib, int minIterations) {
        if (minMemoryKib < 8 || minIterations < 1) {
            throw new IllegalArgumentException("Argon2id needs at least 8 KiB and one pass");
        }
        return new KsfPolicy(minMemoryKib, minIterations);
    }

    /**
     * Checks what a server asks for.
     *
     * @throws OpaquePopClientException {@value OpaquePopClientException#WEAK_KSF} naming the parameter below the
     *     floor, or {@value OpaquePopClientException#KSF_TOO_COSTLY} naming the one above the ceiling
     */
    void check(Argon2idKsf ksf) throws OpaquePopClientException {
        if (ksf.memoryKib() < minMemoryKib) {
            throw weak("memory " + ksf.memoryKib() + " KiB", "at least " + minMemoryKib + " KiB");
        }
        if (ksf.iterations() < minIterations) {
            throw weak("iterations " + ksf.iterations(), "at least " + minIterations);
        }
        checkCeiling(ksf.memoryKib(), ksf.iterations(), ksf.parallelism());
        long heapKib = (Runtime.getRuntime().maxMemory() - HEAP_HEADROOM_BYTES) / 1024;
        if (ksf.memoryKib() > heapKib) {
            throw tooCostly(
                    "memory " + ksf.memoryKib() + " KiB",
                    "at most the " + Math.max(heapKib, 0) + " KiB this JVM's heap has room for (raise -Xmx)");
        }
    }

    /**
     * The fixed ceiling alone, which the client also applies while it reads the parameters from JSON, so that no
     * out-of-range value reaches Argon2id (values are longs: the JSON may hold more than an int).
     *
     * @throws OpaquePopClientException {@value OpaquePopClientException#KSF_TOO_COSTLY} naming the parameter
     */
    static void checkCeiling(long memoryKib, long iterations, long parallelism) throws OpaquePopClientException {
        atMost("memory", memoryKib, MAX_MEMORY_KIB, " KiB");
        atMost("iterations", iterations, MAX_ITERATIONS, "");
        atMost("parallelism", parallelism, MAX_PARALLELISM, "");
    }

    private static void atMost(String name, long value, int max, String unit) throws OpaquePopClientException {
        if (value > max) {
            throw tooCostly(name + " " + value + unit, "at most " + max + unit);
        }
    }

    private static OpaquePopClientException weak(String asked, String bound) {
        return new OpaquePopClientException(
                0,
                OpaquePopClientException.WEAK_KSF,
                "the server asks for Argon2id " + asked + "; this client requires " + bound
                        + " (a weaker setting would make stored passwords cheap to guess)");
    }

    private static OpaquePopClientException tooCostly(String asked, String bound) {
        return new OpaquePopClientException(
                0,
                OpaquePopClientException.KSF_TOO_COSTLY,
                "the server asks for Argon2id " + asked + "; this client allows " + bound);
    }

    @Override
    public String toString() {
        return "KsfPolicy[floor m=" + minMemoryKib + " KiB, t=" + minIterations + "]";
    }
}
