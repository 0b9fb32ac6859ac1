package dev.opaquepop.pop;

/**
 * Why a request's PoP credentials were refused, in the order {@link PopVerifier} checks them. Each is
 * answered with 401, {@code WWW-Authenticate: PoP} and a problem+json body carrying {@link #code()}
 * (docs/protocol.md, "Errors").
 */
public enum PopFailure {
    MISSING_CREDENTIALS("missing_credentials", "The request carries no PoP credentials."),
    MALFORMED_CREDENTIALS("malformed_credentials", "The PoP credentials are malformed."),
    UNKNOWN_SESSION("unknown_session", "The session is unknown."),
    EXPIRED_SESSION("expired_session", "The session has expired."),
    STALE_TIMESTAMP("stale_timestamp", "The request timestamp is outside the allowed window."),
    INVALID_SIGNATURE("invalid_signature", "The request signature is invalid."),
    REPLAYED_NONCE("replayed_nonce", "The request nonce was already used.");

    private final String code;
    private final String title;

    PopFailure(String code, String title) {
        this.code = code;
        this.title = title;
    }

    /** The snake_case problem code, stable on the wire. */
    public String code() {
        return code;
    }

    /** A short human sentence for the problem title. */
    public String title() {
        return title;
    }
}
