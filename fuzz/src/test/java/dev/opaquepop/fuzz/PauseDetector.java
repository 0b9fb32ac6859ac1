package dev.opaquepop.fuzz;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A daemon thread that wakes every {@link #PERIOD_NANOS} and counts any lateness beyond that as a pause: while the
 * process is stopped it cannot wake, so the gap between two wake-ups covers the stall. Lateness from ordinary
 * scheduling is counted too; it only makes a read timeout a few milliseconds more patient.
 */
final class PauseDetector implements Pauses {
    static final PauseDetector INSTANCE = new PauseDetector();
    private static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private volatile long lastWake = System.nanoTime();
    private final AtomicLong paused = new AtomicLong();

    private PauseDetector() {
        Thread thread = new Thread(this::run, "fuzz-pause-detector");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        while (true) {
            try {
                TimeUnit.NANOSECONDS.sleep(PERIOD_NANOS);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            long late = now - lastWake - PERIOD_NANOS;
            if (late > 0) {
                paused.addAndGet(late);
            }
            lastWake = now; // after the count: whoever sees this wake-up sees the pause it ended
        }
    }

    @Override
    public long pausedNanos() {
        return paused.get();
    }

    @Override
    public void countedUpTo(long nanoTime) throws InterruptedException {
        // After a stall this caller may run before the detector has woken to count it.
        while (lastWake - nanoTime < 0) {
            TimeUnit.MILLISECONDS.sleep(1);
        }
    }
}
