package dev.opaquepop.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A complete answer: status, headers, content type and body. Every answer of the core carries {@link
 * #SECURITY_HEADERS}; an adapter writes it as it is (see {@link ServletApi#write}).
 */
public final class ApiResponse {
    /**
     * Headers on every answer: nothing is cached, nothing sniffed, and since the API's answers are data, never a
     * document to render, no source may load and no page may frame them.
     */
    public static final Map<String, String> SECURITY_HEADERS = securityHeaders();

    public static final String JSON = "application/json";
    public static final String PROBLEM_JSON = "application/problem+json";
    private static final byte[] EMPTY = new byte[0];

    private final int status;
    private final Map<String, String> headers;
    private final String contentType;
    private final byte[] body;

    private ApiResponse(int status, Map<String, String> headers, String contentType, byte[] body) {
        this.status = status;
        this.headers = Collections.unmodifiableMap(headers);
        this.contentType = contentType;
        this.body = body;
    }

    /** A JSON answer. */
    public static ApiResponse json(int status, JsonNode body) {
        return new ApiResponse(
                status,
                new LinkedHashMap<>(SECURITY_HEADERS),
                JSON,
                body.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** An answer without a body, such as 204. */
    public static ApiResponse empty(int status) {
        return new ApiResponse(status, new LinkedHashMap<>(SECURITY_HEADERS), null, EMPTY);
    }

    /** Any other answer, with the security headers and {@code extraHeaders}. */
    public static ApiResponse of(int status, Map<String, String> extraHeaders, String contentType, byte[] body) {
        Map<String, String> headers = new LinkedHashMap<>(extraHeaders);
        headers.putAll(SECURITY_HEADERS);
        return new ApiResponse(status, headers, contentType, body.clone());
    }

    /** This answer with one more header (replacing one of the same name). */
    public ApiResponse withHeader(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.put(name, value);
        return new ApiResponse(status, copy, contentType, body);
    }

    public int status() {
        return status;
    }

    /** Header names to values, in the order they were set. */
    public Map<String, String> headers() {
        return headers;
    }

    /** The body's media type, or {@code null} when there is no body. */
    public String contentType() {
        return contentType;
    }

    public byte[] body() {
        return body.clone();
    }

    /** The body's length without copying it. */
    public int bodyLength() {
        return body.length;
    }

    private static Map<String, String> securityHeaders() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Cache-Control", "no-store");
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
        headers.put("Referrer-Policy", "no-referrer");
        return Collections.unmodifiableMap(headers);
    }

    @Override
    public String toString() {
        return "ApiResponse[" + status + ", " + contentType + ", " + body.length + " bytes]";
    }
}
