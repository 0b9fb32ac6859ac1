package dev.opaquepop.server.http;

import dev.opaquepop.server.api.ApiProblem;
import dev.opaquepop.server.api.ApiResponse;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Problem details answered by Jetty itself, before a request reaches a handler (request limits, malformed
 * requests): the same body, content type and security headers as every other problem ({@link ApiProblem#response()}).
 */
final class TransportProblems {
    private TransportProblems() {}

    static ApiProblem uriTooLong(int maxLength) {
        return new ApiProblem(
                414,
                "uri_too_long",
                "The request target is too long",
                "request targets (path and query) are limited to " + maxLength + " characters");
    }

    static ApiProblem tooManyRequests() {
        return new ApiProblem(
                429,
                "too_many_requests",
                "Too many requests on this connection",
                "slow down, or spread the requests over time; see Retry-After");
    }

    /** The problem for a status Jetty produced on its own; Jetty's reason text is not echoed. */
    static ApiProblem forStatus(int status) {
        return switch (status) {
            case 400 -> new ApiProblem(400, "bad_request", "The request is malformed", null);
            case 408 -> new ApiProblem(408, "request_timeout", "The request was not received in time", null);
            case 413 -> new ApiProblem(413, "payload_too_large", "The request body is too large", null);
            case 414 -> new ApiProblem(414, "uri_too_long", "The request target is too long", null);
            case 417 -> new ApiProblem(417, "expectation_failed", "The Expect header is not supported", null);
            case 431 -> new ApiProblem(431, "headers_too_large", "The request headers are too large", null);
            // Jetty answers 505 to a request line it cannot split into method, target and version as well as to
            // a version it does not speak: from this server's side both are a malformed request, not a failure.
            case 505 ->
                new ApiProblem(
                        400,
                        "bad_request",
                        "The request line is malformed or names an HTTP version this server does not speak",
                        null);
            default ->
                status >= 500
                        ? new ApiProblem(status, "server_error", "Request failed", null)
                        : new ApiProblem(status, "bad_request", "Request failed", null);
        };
    }

    /** Sets the problem's headers on {@code headers} and returns its body. */
    static ByteBuffer prepare(HttpFields.Mutable headers, ApiProblem problem) {
        ApiResponse response = problem.response();
        headers.put(HttpHeader.CONTENT_TYPE, response.contentType());
        response.headers().forEach(headers::put);
        return ByteBuffer.wrap(response.body());
    }

    /** Answers {@code problem} and completes the exchange. */
    static void write(Response response, Callback callback, ApiProblem problem) {
        response.setStatus(problem.status());
        ByteBuffer body = prepare(response.getHeaders(), problem);
        response.write(true, body, callback);
    }
}
