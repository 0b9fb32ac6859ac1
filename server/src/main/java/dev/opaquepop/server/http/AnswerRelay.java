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
 * Copies an upstream's answer to the client as it arrives. Each piece is flushed as soon as it is read, so an event
 * stream or a long poll reaches the client when the upstream sends it, and the bytes go to the servlet's own stream,
 * past Javalin's result handling, which would hold a small answer back in its buffer and might compress it: the
 * upstream's bytes pass through unchanged.
 *
 * <p>The head is flushed first, so a failure comes after it: an upstream that breaks off or goes silent for
 * {@code --upstream-timeout} mid-answer makes the gateway abort the client's exchange (a closed connection on
 * HTTP/1.1, a reset stream on HTTP/2), which the client sees as an answer cut short, never as a complete one. A
 * client that goes away closes the upstream answer, which gives its connection up at once.
 */
final class AnswerRelay {
    private static final Logger LOG = LoggerFactory.getLogger(AnswerRelay.class);
    private static final int PIECE_BYTES = 32 * 1024;

    private AnswerRelay() {}

    /** Relays {@code answer} to the client; the status and headers are already set on {@code response}. */
    static void relay(HttpServletRequest request, HttpServletResponse response, InputStream answer) throws IOException {
        try (answer) {
            ServletOutputStream out = response.getOutputStream();
            response.flushBuffer();
            byte[] piece = new byte[PIECE_BYTES];
            while (true) {
                int n;
                try {
                    n = answer.read(piece);
                } catch (IOException upstreamFailed) {
                    LOG.warn(
                            "upstream answer broken off method={} path={} error={}",
                            request.getMethod(),
                            request.getRequestURI(),
                            upstreamFailed.getClass().getSimpleName());
                    ServletContextRequest.getServletContextRequest(request)
                            .getServletChannel()
                            .abort(upstreamFailed);
                    return;
                }
                if (n < 0) {
                    return;
                }
                // A failure here is the client's: it propagates, and closing the answer releases the upstream.
                out.write(piece, 0, n);
                out.flush();
            }
        }
    }
}
