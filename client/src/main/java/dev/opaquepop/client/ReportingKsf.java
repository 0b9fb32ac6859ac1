package dev.opaquepop.client;

import dev.opaquepop.opaque.Argon2idKsf;
import dev.opaquepop.opaque.Ksf;
import java.time.Duration;

/**
 * Wraps the KSF so the progress listener hears about exactly the slow call, wherever inside the OPAQUE
 * library it happens.
 */
final class ReportingKsf implements Ksf {
    private final Ksf ksf;
    private final ProgressListener listener;
    private final String description;

    ReportingKsf(Ksf ksf, ProgressListener listener) {
        this.ksf = ksf;
        this.listener = listener;
        this.description = "stretching password (" + describe(ksf) + ")";
    }

    static String describe(Ksf ksf) {
        return ksf instanceof Argon2idKsf argon2
                ? "Argon2id m=" + argon2.memoryKib() + " t=" + argon2.iterations() + " p=" + argon2.parallelism()
                : ksf.toString();
    }

    @Override
    public byte[] stretch(byte[] oprfOutput) {
        listener.stepStarted(description);
        // Elapsed time is measured on the monotonic clock; the injected Clock is wall time for timestamps.
        long start = System.nanoTime();
        try {
            return ksf.stretch(oprfOutput);
        } finally {
            listener.stepFinished(description, Duration.ofNanos(System.nanoTime() - start));
        }
    }

    @Override
    public String toString() {
        return ksf.toString();
    }
}
