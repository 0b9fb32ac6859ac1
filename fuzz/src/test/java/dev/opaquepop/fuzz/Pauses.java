package dev.opaquepop.fuzz;

/**
 * How long this process was kept from running (a host or hypervisor stall, a {@code SIGSTOP}, a long safepoint).
 *
 * <p>The harness and the server it fuzzes share one JVM, so a wait that timed out while the process was paused
 * says nothing about the server: it had no more time to answer than the harness had to listen. A read timeout
 * counts only the time the process actually ran.
 */
interface Pauses {
    /** Total paused time observed so far, in nanoseconds; never decreases. */
    long pausedNanos();

    /** Returns once every pause up to {@code nanoTime} has been counted in {@link #pausedNanos()}. */
    void countedUpTo(long nanoTime) throws InterruptedException;

    /** The process-wide detector, started on first use. */
    static Pauses ofThisProcess() {
        return PauseDetector.INSTANCE;
    }
}
