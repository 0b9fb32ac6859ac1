package dev.opaquepop.server.api;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * An HTTP request as the protocol sees it, whatever received it: the stand-alone server, a Spring application, the
 * gateway. {@link ServletApi#request} makes one from any servlet request.
 */
public interface ApiRequest {
    /** The method, upper case as sent: {@code GET}, {@code POST}. */
    String method();

    /** The path below where the protocol is mounted, such as {@code /login/start}; no query. */
    String path();

    /**
     * The request-target the client signed: the path as sent (with any mount prefix, not decoded), then {@code ?} and
     * the query as sent when there is one.
     */
    String target();

    /** Every value of the header {@code name} (any case), in the order sent; empty when there is none. */
    List<String> headers(String name);

    /** The first value of the header, or {@code null}. */
    default String header(String name) {
        List<String> values = headers(name);
        return values.isEmpty() ? null : values.get(0);
    }

    /** The address of the peer of the connection (a proxy's, when one is in front). */
    String remoteAddress();

    /** The {@code Content-Length} given, or -1 when the body's length was not declared (chunked or none). */
    long declaredLength();

    /** The body; the core opens it at most once per request. */
    InputStream openBody() throws IOException;
}
