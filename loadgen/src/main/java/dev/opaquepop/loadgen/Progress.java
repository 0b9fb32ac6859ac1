package dev.opaquepop.loadgen;

import java.io.Console;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The progress bar: on a terminal one line redrawn in place a few times a second; elsewhere (a log, a test) one
 * line per finished phase.
 */
final class Progress {
    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 250_000_000L;

    private final PrintWriter out;
    private final boolean interactive;

    Progress(PrintWriter out, boolean interactive) {
        this.out = out;
        this.interactive = interactive;
    }

    /**
     * Whether standard input and output are a terminal. JDK 22+ answers through {@code Console.isTerminal()} (its
     * {@code System.console()} is never null); on JDK 21 a non-null console means a terminal.
     */
    @SuppressWarnings("SystemConsoleNull")
    static boolean onTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    /** One phase: its label, its length, and counters read while it runs. */
    final class Phase {
        private final String label;
        private final long startNanos;
        private final long lengthNanos;
        private final LongSupplier done;
        private final LongSupplier errors;
        private long drawnAt;

        private Phase(String label, long lengthNanos, LongSupplier done, LongSupplier errors) {
            this.label = label;
            this.startNanos = System.nanoTime();
            this.lengthNanos = lengthNanos;
            this.done = done;
            this.errors = errors;
        }

        /** Redraws the bar, at most a few times a second, on a terminal only. */
        void tick() {
            long now = System.nanoTime();
            if (!interactive || now - drawnAt < REDRAW_NANOS) {
                return;
            }
            drawnAt = now;
            out.print("\r" + line(now) + "  ");
            out.flush();
        }

        void finish() {
            String line = line(System.nanoTime());
            out.print(interactive ? "\r" + line + "\n" : line + "\n");
            out.flush();
        }

        private String line(long now) {
            double elapsed = (now - startNanos) / 1e9;
            double fraction = lengthNanos <= 0 ? 1 : Math.min(1, (now - startNanos) / (double) lengthNanos);
            int filled = (int) Math.round(fraction * WIDTH);
            long count = done.getAsLong();
            return String.format(
                    Locale.ROOT,
                    "%-44s [%s%s] %5.1f/%.0fs %,9d ok %,d err %,8.0f/s",
                    label,
                    "#".repeat(filled),
                    ".".repeat(WIDTH - filled),
                    elapsed,
                    lengthNanos / 1e9,
                    count,
                    errors.getAsLong(),
                    elapsed > 0 ? count / elapsed : 0);
        }
    }

    Phase start(String label, long lengthNanos, LongSupplier done, LongSupplier errors) {
        return new Phase(label, lengthNanos, done, errors);
    }

    void note(String message) {
        out.println(message);
        out.flush();
    }
}
