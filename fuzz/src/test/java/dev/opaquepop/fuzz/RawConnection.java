package dev.opaquepop.fuzz;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One keep-alive HTTP/1.1 connection that sends raw bytes and reads back exactly one response. */
final class RawConnection implements AutoCloseable {
    /** A final response; {@code closed} when the server ended the connection after it. */
    record Response(int status, Map<String, String> headers, String body, boolean closed) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

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
    Response exchange(byte[] request, boolean head) throws IOException {
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
        while (true) {
            String statusLine = line();
            String[] parts = statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
                throw new IOException("not an HTTP/1.1 status line");
            }
            int status = Integer.parseInt(parts[1]);
            Map<String, String> headers = new LinkedHashMap<>();
            for (String line = line(); !line.isEmpty(); line = line()) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    headers.merge(
                            line.substring(0, colon).strip().toLowerCase(Locale.ROOT),
                            line.substring(colon + 1).strip(),
                            (a, b) -> a + ", " + b);
                }
            }
            if (status >= 100 && status < 200 && status != 101) {
                continue;
            }
            boolean close = "close".equalsIgnoreCase(headers.get("connection")) || status == 101;
            byte[] body;
            if (head || status == 204 || status == 304 || status == 101) {
                body = new byte[0];
            } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                body = chunked();
            } else if (headers.containsKey("content-length")) {
                body = exactly(Integer.parseInt(headers.get("content-length")));
            } else {
                body = in.readAllBytes();
                close = true;
            }
            return new Response(status, headers, new String(body, StandardCharsets.UTF_8), close);
        }
    }

    private byte[] chunked() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String size = line();
            int semicolon = size.indexOf(';');
            int length = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).strip(), 16);
            if (length == 0) {
                while (!line().isEmpty()) {
                    // trailers
                }
                return body.toByteArray();
            }
            body.writeBytes(exactly(length));
            line();
        }
    }

    private byte[] exactly(int length) throws IOException {
        byte[] bytes = in.readNBytes(length);
        if (bytes.length != length) {
            throw new EOFException("response body cut short");
        }
        return bytes;
    }

    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new EOFException("connection closed");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
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
