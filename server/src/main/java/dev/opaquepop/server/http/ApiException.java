package dev.opaquepop.server.http;

/**
 * An answer other than success, as RFC 9457 problem details: status, a stable machine-readable {@code code},
 * a title, and optionally a detail that helps the caller fix the request (never secrets, never stack traces).
 */
public final class ApiException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;
    private final String title;

    public ApiException(int status, String code, String title, String detail) {
        super(detail, null, false, false);
        this.status = status;
        this.code = code;
        this.title = title;
    }

    public static ApiException badRequest(String detail) {
        return new ApiException(400, "invalid_request", "The request is invalid", detail);
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
}
