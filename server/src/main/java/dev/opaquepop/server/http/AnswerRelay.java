package dev.opaquepop.server.http;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies an upstream's answer to the client as it arrives. The bytes go to the servlet's own stream, past Javalin's
 * result handling, which would hold a small answer back in its buffer and might compress it: the upstream's bytes
 * pass through unchanged, and each piece is flushed as soon as it is read, so an event stream or a long poll
 * reaches the client when the upstream sends it. An answer of announced length is not flushed once its last byte
 * is written: the server then sends it, with the head, in as few writes as it can.
 *
 * <p>An upstream that breaks off or goes silent for {@code --upstream-timeout} mid-answer makes the gateway abort
 * the client's exchange (a closed connection on HTTP/1.1, a reset stream on HTTP/2), which the client sees as an
 * answer cut short, never as a complete one. A client that goes away closes the upstream answer, which gives its
 * connection up at once.
 */
final class AnswerRelay {
    private static final Logger LOG = LoggerFactory.getLogger(AnswerRelay.class);
    private static final int PIECE_BYTES = 32 * 1024;

    private AnswerRelay() {}

    /**
     * Relays {@code answer} to the client; the status and headers are already set on {@code response}.
     *
     * @param length the length the upstream announced (and {@code response} carries), or {@code -1}
     */
    static void relay(HttpServletRequest request, HttpServletResponse response, InputStream answer, long length)
            throws IOException {
        try (answer) {
            ServletOutputStream out = response.getOutputStream();
            if (length < 0) {
                // A stream of unknown length may wait long for its first byte: its head goes now.
                response.flushBuffer();
            }
            byte[] piece = new byte[PIECE_BYTES];
            long written = 0;
            while (true) {
                int n;
                try {
                    n = answer.read(piece);
                } catch (IOException upstreamFailed) {
                    abort(request, upstreamFailed);
                    return;
                }
                if (n < 0) {
                    return;
                }
                // A failure here is the client's: it propagates, and closing the answer releases the upstream.
                out.write(piece, 0, n);
                written += n;
                if (written != length) {
                    out.flush();
                }
            }
        }
    }

    private static void abort(HttpServletRequest request, IOException why) {
        LOG.warn(
                "upstream answer broken off method={} path={} error={}",
                request.getMethod(),
                request.getRequestURI(),
                why.getClass().getSimpleName());
        ServletContextRequest.getServletContextRequest(request)
                .getServletChannel()
                .abort(why);
    }
}
