package dev.opaquepop.testfixtures;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over one plain socket, byte for byte: for requests HttpClient refuses to send (oversized headers, very
 * long targets), for tests that must know which connection a request travels on, and ({@link #read(InputStream,
 * boolean)}) for reading answers off any stream, as the fuzzers do.
 */
public final class RawHttp implements AutoCloseable {
    /**
     * A final response.
     *
     * @param status the status code
     * @param headers header names in lower case; repeated headers joined with ", "
     * @param body the body, decoded as UTF-8 (de-chunked)
     * @param closed whether the server ended the connection after it ({@code Connection: close}, an upgrade, or
     *     a body delimited by the end of the stream)
     */
    public record Response(int status, Map<String, String> headers, String body, boolean closed) {
        public Response {
            headers = Map.copyOf(headers);
        }

        /** The value of a header, by its name in any case; null when absent. */
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    /** Connects to {@code port} on loopback; a read that waits longer than {@code readTimeoutMillis} fails. */
    public RawHttp(int port, int readTimeoutMillis) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
        socket.setSoTimeout(readTimeoutMillis);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    public RawHttp(int port) throws IOException {
        this(port, 30_000);
    }

    /** Sends {@code GET target} with the extra header lines given ("Name: value"), and reads the answer. */
    public Response get(String target, String... headerLines) throws IOException {
        StringBuilder request = new StringBuilder("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for (String line : headerLines) {
            request.append(line).append("\r\n");
        }
        request.append("\r\n");
        send(request.toString());
        return read();
    }

    /** Sends raw text (ISO-8859-1, as HTTP/1.1 headers are) without reading anything back. */
    public void send(String raw) throws IOException {
        out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Reads one response; EOFException when the server closed the connection instead. */
    public Response read() throws IOException {
        return read(in, false);
    }

    /** True when the server has closed the connection (a read returns end of stream). */
    public boolean closedByServer() throws IOException {
        return in.read() < 0;
    }

    /**
     * Reads one final response from {@code in}, skipping interim (1xx) ones.
     *
     * @param head whether it answers a HEAD request (no body, whatever the headers say)
     * @throws EOFException when the stream ends before the response does
     */
    public static Response read(InputStream in, boolean head) throws IOException {
        while (true) {
            String[] parts = line(in).split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
                throw new IOException("not an HTTP/1.1 status line");
            }
            int status = Integer.parseInt(parts[1]);
            Map<String, String> headers = new LinkedHashMap<>();
            for (String line = line(in); !line.isEmpty(); line = line(in)) {
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
                body = chunked(in);
            } else if (headers.containsKey("content-length")) {
                body = exactly(in, Integer.parseInt(headers.get("content-length")));
            } else {
                body = in.readAllBytes();
                close = true;
            }
            return new Response(status, headers, new String(body, StandardCharsets.UTF_8), close);
        }
    }

    private static byte[] chunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String size = line(in);
            int semicolon = size.indexOf(';');
            int length = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).strip(), 16);
            if (length == 0) {
                while (!line(in).isEmpty()) {
                    // trailers
                }
                return body.toByteArray();
            }
            body.writeBytes(exactly(in, length));
            line(in);
        }
    }

    private static byte[] exactly(InputStream in, int length) throws IOException {
        byte[] bytes = in.readNBytes(length);
        if (bytes.length != length) {
            throw new EOFException("response body cut short");
        }
        return bytes;
    }

    private static String line(InputStream in) throws IOException {
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

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
