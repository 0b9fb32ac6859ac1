package dev.opaquepop.pop;

import java.util.Objects;

/**
 * What the verifier needs from a received HTTP request: method, target, the four PoP header values and the
 * exact body bytes. A header value is {@code null} when the header is absent. Immutable; the body is copied in
 * and out.
 */
public final class IncomingRequest {
    private static final byte[] EMPTY = new byte[0];

    private final String method;
    private final String target;
    private final String authorization;
    private final String timestamp;
    private final String nonce;
    private final String pop;
    private final byte[] body;

    private IncomingRequest(
            String method,
            String target,
            String authorization,
            String timestamp,
            String nonce,
            String pop,
            byte[] body) {
        this.method = method;
        this.target = target;
        this.authorization = authorization;
        this.timestamp = timestamp;
        this.nonce = nonce;
        this.pop = pop;
        this.body = body;
    }

    /**
     * @param method the request method as received
     * @param target the request target exactly as received: path plus {@code ?query} when present
     * @param authorization the {@code Authorization} header or {@code null}
     * @param timestamp the {@code X-TS} header or {@code null}
     * @param nonce the {@code X-NONCE} header or {@code null}
     * @param pop the {@code X-POP} header or {@code null}
     * @param body the exact body bytes; {@code null} for none
     */
    public static IncomingRequest of(
            String method,
            String target,
            String authorization,
            String timestamp,
            String nonce,
            String pop,
            byte[] body) {
        return new IncomingRequest(
                Objects.requireNonNull(method, "method"),
                Objects.requireNonNull(target, "target"),
                authorization,
                timestamp,
                nonce,
                pop,
                body == null ? EMPTY : body.clone());
    }

    public String method() {
        return method;
    }

    public String target() {
        return target;
    }

    /** The {@code Authorization} header, or {@code null} when absent. */
    public String authorization() {
        return authorization;
    }

    /** The {@code X-TS} header, or {@code null} when absent. */
    public String timestamp() {
        return timestamp;
    }

    /** The {@code X-NONCE} header, or {@code null} when absent. */
    public String nonce() {
        return nonce;
    }

    /** The {@code X-POP} header, or {@code null} when absent. */
    public String pop() {
        return pop;
    }

    /** A copy of the body bytes (empty when there was none). */
    public byte[] body() {
        return body.clone();
    }

    /** The body without a copy, for hashing inside this package. */
    byte[] bodyUnsafe() {
        return body;
    }

    @Override
    public String toString() {
        return "IncomingRequest[" + method + " " + target + ", body " + body.length + " bytes, credentials redacted]";
    }
}
