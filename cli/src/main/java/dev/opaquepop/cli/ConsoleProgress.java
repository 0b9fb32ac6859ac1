package dev.opaquepop.cli;

import dev.opaquepop.client.ProgressListener;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;

/** Shows the slow Argon2id step on the terminal: what runs, then how long it took. */
final class ConsoleProgress implements ProgressListener {
    private final PrintWriter out;

    ConsoleProgress(PrintWriter out) {
        this.out = out;
    }

    @Override
    public void stepStarted(String description) {
        out.print("      ... " + description + " ");
        out.flush();
    }

    @Override
    public void stepFinished(String description, Duration elapsed) {
        out.println(String.format(Locale.ROOT, "done in %.2f s", elapsed.toNanos() / 1e9));
        out.flush();
    }
}
