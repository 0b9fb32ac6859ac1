package dev.opaquepop.server.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opaquepop.pop.PopFailure;
import dev.opaquepop.pop.PopHeaders;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;

/**
 * An answer other than success, as RFC 9457 problem details: status, a stable machine-readable {@code code}, a
 * title, optionally a detail that helps the caller fix the request (never secrets, never stack traces), and the
 * headers the answer needs ({@code WWW-Authenticate}, {@code Retry-After}).
 */
public final class ApiProblem extends Exception {
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TYPE_PREFIX = "urn:opaque-pop:problem:";

    private final int status;
    private final String code;
    private final String title;
    private final LinkedHashMap<String, String> headers = new LinkedHashMap<>();

    public ApiProblem(int status, String code, String title, String detail) {
        super(detail, null, false, false);
        this.status = status;
        this.code = code;
        this.title = title;
    }

    public static ApiProblem badRequest(String detail) {
        return new ApiProblem(400, "invalid_request", "The request is invalid", detail);
    }

    /** A 401 that asks for a PoP-signed request, as every refused PoP check answers. */
    static ApiProblem unauthorized(String code, String title, String detail) {
        return new ApiProblem(401, code, title, detail).withHeader("WWW-Authenticate", PopHeaders.CHALLENGE);
    }

    /** A 401 with a PoP failure's code and title, asking for a PoP-signed request (as an application may answer). */
    public static ApiProblem unauthorized(PopFailure failure) {
        return unauthorized(failure.code(), failure.title(), null);
    }

    /** Adds a header to the answer; returns this problem. */
    public ApiProblem withHeader(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String title() {
        return title;
    }

    /** The detail for the caller, or {@code null}. */
    public String detail() {
        return getMessage();
    }

    /** The problem+json body. */
    public byte[] body() {
        ObjectNode body = JSON.createObjectNode();
        body.put("type", TYPE_PREFIX + code);
        body.put("title", title);
        body.put("status", status);
        body.put("code", code);
        if (detail() != null) {
            body.put("detail", detail());
        }
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The complete answer: status, this problem's headers, the security headers and the body. */
    public ApiResponse response() {
        return ApiResponse.of(status, headers, ApiResponse.PROBLEM_JSON, body());
    }
}
