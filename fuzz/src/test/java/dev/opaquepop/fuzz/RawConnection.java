package dev.opaquepop.fuzz;

import dev.opaquepop.testfixtures.RawHttp;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.util.concurrent.TimeUnit;

/** One keep-alive HTTP/1.1 connection that sends raw bytes and reads back exactly one response. */
final class RawConnection implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    /**
     * Connects to {@code port} on loopback; a read that gets no byte for {@code timeoutMillis} of time this process
     * ran (not counting {@code pauses}) fails with a {@link java.net.SocketTimeoutException}.
     */
    RawConnection(int port, int timeoutMillis, Pauses pauses) throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), timeoutMillis);
        socket.setSoTimeout(timeoutMillis);
        in = new BufferedInputStream(new PausedTimeInputStream(
                socket.getInputStream(), TimeUnit.MILLISECONDS.toNanos(timeoutMillis), pauses));
        out = socket.getOutputStream();
    }

    /** The connection was closed or reset before the first byte of an answer arrived: no request was answered. */
    static final class ClosedBeforeAnswerException extends IOException {
        private static final long serialVersionUID = 1L;

        ClosedBeforeAnswerException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Sends {@code request} and reads its response, skipping interim (1xx) ones.
     *
     * @throws ClosedBeforeAnswerException when the server had closed (or reset) the connection before any byte of
     *     an answer: the request was not answered, and could not have been partly answered
     * @throws EOFException when the server closed the connection in the middle of an answer
     */
    RawHttp.Response exchange(byte[] request, boolean head) throws IOException {
        try {
            out.write(request);
            out.flush();
            in.mark(1);
            if (in.read() < 0) {
                throw new ClosedBeforeAnswerException("connection closed before an answer", null);
            }
            in.reset();
        } catch (SocketException e) {
            // A reset (the peer closed with our request unread) or a broken pipe on write: nothing was answered.
            throw new ClosedBeforeAnswerException("connection reset before an answer", e);
        }
        return RawHttp.read(in, head);
    }

    /** Blocks until the server closes this idle connection (or the read timeout passes). */
    void awaitClosedByPeer() throws IOException {
        if (in.read() >= 0) {
            throw new IOException("the server sent bytes on an idle connection");
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
