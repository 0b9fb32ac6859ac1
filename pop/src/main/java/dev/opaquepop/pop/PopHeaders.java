package dev.opaquepop.pop;

/** The HTTP header names and fixed values of a PoP-signed request (docs/protocol.md, "Headers"). */
public final class PopHeaders {
    /** Carries {@code Bearer <session_id>}. */
    public static final String AUTHORIZATION = "Authorization";
    /** Unix seconds at signing. */
    public static final String TIMESTAMP = "X-TS";
    /** 16 to 64 characters of {@code [A-Za-z0-9_-]}, never reused within a session. */
    public static final String NONCE = "X-NONCE";
    /** base64url HMAC-SHA256 of the canonical request under the PoP key. */
    public static final String POP = "X-POP";
    /** The Authorization value's prefix before the session id. */
    public static final String BEARER_PREFIX = "Bearer ";
    /** The {@code WWW-Authenticate} challenge a 401 answer for a PoP failure carries. */
    public static final String CHALLENGE = "PoP";
    /** The {@code token_type} of a login's answer: the session is used with PoP signatures, not as a bearer. */
    public static final String TOKEN_TYPE = "PoP";

    private PopHeaders() {}
}
