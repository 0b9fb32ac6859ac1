package dev.opaquepop.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Problem details answered by Jetty itself, before a request reaches a handler (request limits, malformed
 * requests): the same body, content type and security headers as {@link Problems} writes for handlers.
 */
final class TransportProblems {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TransportProblems() {}

    static ApiException uriTooLong(int maxLength) {
        return new ApiException(
                414,
                "uri_too_long",
                "The request target is too long",
                "request targets (path and query) are limited to " + maxLength + " characters");
    }

    static ApiException tooManyRequests() {
        return new ApiException(
                429,
                "too_many_requests",
                "Too many requests on this connection",
                "slow down, or spread the requests over time; see Retry-After");
    }

    /** The problem for a status Jetty produced on its own; Jetty's reason text is not echoed. */
    static ApiException forStatus(int status) {
        return switch (status) {
            case 400 -> new ApiException(400, "bad_request", "The request is malformed", null);
            case 408 -> new ApiException(408, "request_timeout", "The request was not received in time", null);
            case 413 -> new ApiException(413, "payload_too_large", "The request body is too large", null);
            case 414 -> new ApiException(414, "uri_too_long", "The request target is too long", null);
            case 417 -> new ApiException(417, "expectation_failed", "The Expect header is not supported", null);
            case 431 -> new ApiException(431, "headers_too_large", "The request headers are too large", null);
            // Jetty answers 505 to a request line it cannot split into method, target and version as well as to
            // a version it does not speak: from this server's side both are a malformed request, not a failure.
            case 505 ->
                new ApiException(
                        400,
                        "bad_request",
                        "The request line is malformed or names an HTTP version this server does not speak",
                        null);
            default ->
                status >= 500
                        ? new ApiException(status, "server_error", "Request failed", null)
                        : new ApiException(status, "bad_request", "Request failed", null);
        };
    }

    /** Sets the problem's headers on {@code headers} and returns its body. */
    static ByteBuffer prepare(HttpFields.Mutable headers, ApiException problem) {
        ObjectNode body = JSON.createObjectNode();
        body.put("type", "urn:opaque-pop:problem:" + problem.code());
        body.put("title", problem.title());
        body.put("status", problem.status());
        body.put("code", problem.code());
        if (problem.detail() != null) {
            body.put("detail", problem.detail());
        }
        headers.put(HttpHeader.CONTENT_TYPE, Problems.CONTENT_TYPE);
        headers.put(HttpHeader.CACHE_CONTROL, "no-store");
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
        headers.put("Referrer-Policy", "no-referrer");
        return ByteBuffer.wrap(body.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Answers {@code problem} and completes the exchange. */
    static void write(Response response, Callback callback, ApiException problem) {
        response.setStatus(problem.status());
        ByteBuffer body = prepare(response.getHeaders(), problem);
        response.write(true, body, callback);
    }
}
