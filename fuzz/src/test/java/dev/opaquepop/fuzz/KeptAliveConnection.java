package dev.opaquepop.fuzz;

import dev.opaquepop.testfixtures.RawHttp;
import java.io.IOException;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * A keep-alive connection that tells a server's legitimate close of an idle connection from a dropped live one.
 *
 * <p>A server may close a connection that has been idle for its idle timeout (Jetty's connector does, 30 s by
 * default). A host that stalls the harness's JVM for that long (a busy CI machine does) makes a request on a
 * kept-alive connection meet a closed socket: the server did its job. The time between two of our requests on
 * the connection is an upper bound on how long the server saw it idle in between (its idle clock restarts when
 * a request arrives). The server's decision to close may also lag the idleness it saw: after a stall its idle
 * check can run just as one more request goes through, and close the connection right after answering it. So a
 * reused connection found closed before any answer is retried once on a fresh connection when the current or
 * the previous gap between our requests reached the idle timeout. A close without such a gap is the server
 * dropping a live connection and is reported, as is any failure on a fresh connection (the server is down).
 */
final class KeptAliveConnection implements AutoCloseable {
    private final int port;
    private final int timeoutMillis;
    private final long idleTimeoutNanos;
    private final LongSupplier nanoTime;
    private final Pauses pauses;
    private RawConnection current;
    private long previousRequestNanos;
    private long previousGapNanos;

    KeptAliveConnection(int port, int timeoutMillis, Duration serverIdleTimeout, LongSupplier nanoTime, Pauses pauses) {
        this.port = port;
        this.timeoutMillis = timeoutMillis;
        this.idleTimeoutNanos = serverIdleTimeout.toNanos();
        this.nanoTime = nanoTime;
        this.pauses = pauses;
    }

    /**
     * Sends {@code request} and reads its response, on the kept-alive connection or, after a legitimate idle
     * close, on a new one.
     *
     * @throws DroppedLiveConnectionException when the server closed the reused connection although it had not
     *     been idle for its idle timeout
     * @throws IOException when the exchange failed on a fresh connection
     */
    RawHttp.Response exchange(byte[] request, boolean head) throws IOException {
        if (current != null) {
            long now = nanoTime.getAsLong();
            long gap = now - previousRequestNanos;
            long longestRecentGap = Math.max(gap, previousGapNanos);
            previousRequestNanos = now;
            previousGapNanos = gap;
            try {
                return answered(current.exchange(request, head));
            } catch (RawConnection.ClosedBeforeAnswerException e) {
                close();
                if (longestRecentGap < idleTimeoutNanos) {
                    throw new DroppedLiveConnectionException(
                            Duration.ofNanos(longestRecentGap), Duration.ofNanos(nanoTime.getAsLong() - now), e);
                }
            } catch (IOException e) {
                close();
                throw e;
            }
        }
        current = new RawConnection(port, timeoutMillis, pauses);
        previousRequestNanos = nanoTime.getAsLong();
        previousGapNanos = 0;
        try {
            return answered(current.exchange(request, head));
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    /** For tests: blocks until the server closes the kept-alive connection, as its idle timeout makes it do. */
    void awaitClosedByServer() throws IOException {
        current.awaitClosedByPeer();
    }

    private RawHttp.Response answered(RawHttp.Response response) throws IOException {
        if (response.closed()) {
            close();
        }
        return response;
    }

    @Override
    public void close() throws IOException {
        if (current != null) {
            RawConnection closing = current;
            current = null;
            closing.close();
        }
    }

    /** The server closed a connection that had been idle for less than its idle timeout. */
    static final class DroppedLiveConnectionException extends IOException {
        private static final long serialVersionUID = 1L;

        DroppedLiveConnectionException(Duration idle, Duration waited, Throwable cause) {
            super(
                    "the server closed a live connection (at most " + idle.toMillis()
                            + " ms since the previous request on it, below its idle timeout) after "
                            + waited.toMillis() + " ms without answering the request sent on it",
                    cause);
        }
    }
}
