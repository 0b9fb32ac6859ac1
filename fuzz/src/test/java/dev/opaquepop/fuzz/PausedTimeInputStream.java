package dev.opaquepop.fuzz;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;

/**
 * A socket's input whose read timeout counts only time this process ran: a read that timed out across a pause
 * (see {@link Pauses}) goes on waiting for the rest of its timeout. A server that is really hung still fails the
 * read once the process has run for the whole timeout. The socket stays usable after a timeout, and a read that
 * timed out consumed nothing, so reading again is safe.
 */
final class PausedTimeInputStream extends FilterInputStream {
    private final long timeoutNanos;
    private final Pauses pauses;

    PausedTimeInputStream(InputStream socketInput, long timeoutNanos, Pauses pauses) {
        super(socketInput);
        this.timeoutNanos = timeoutNanos;
        this.pauses = pauses;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        long start = System.nanoTime();
        long pausedAtStart = pauses.pausedNanos();
        while (true) {
            try {
                return in.read(buffer, offset, length);
            } catch (SocketTimeoutException timedOut) {
                long now = System.nanoTime();
                try {
                    pauses.countedUpTo(now);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while checking for a pause");
                }
                long ran = now - start - (pauses.pausedNanos() - pausedAtStart);
                if (ran >= timeoutNanos) {
                    throw timedOut;
                }
            }
        }
    }
}
