package dev.opaquepop.client;

import java.util.Objects;
import java.util.Optional;

/**
 * The one checked exception of the client SDK. It carries the HTTP status ({@code 0} when no response was
 * involved) and a problem {@link #code()}: the server's RFC 9457 {@code code} for error answers, or one of the
 * client's own codes below. Messages never contain keys, passwords or session ids.
 *
 * <ul>
 *   <li>{@value #LOGIN_FAILED}: the password is wrong, the user does not exist, or the server's answer did not
 *       authenticate (OPAQUE does not tell which);
 *   <li>{@value #SERVER_KEY_MISMATCH}: the server's key is not the pinned one, not the one this client stored at
 *       first contact (see {@link KnownServers}), or not the one the login authenticated;
 *   <li>{@value #REGISTRATION_FAILED}: the server's registration response was refused;
 *   <li>{@value #INVALID_RESPONSE}: the server answered something that does not follow the protocol;
 *   <li>{@value #UNSUPPORTED_SERVER}: the server speaks another protocol version, suite or KSF;
 *   <li>{@value #WEAK_KSF} and {@value #KSF_TOO_COSTLY}: the server asks for Argon2id parameters outside the
 *       client's {@link KsfPolicy}; nothing was stretched or sent;
 *   <li>{@value #SERVER_CHANGED}: the server's KSF differs from the one this client stored at first contact;
 *       nothing was stretched or sent;
 *   <li>{@value #DISCOVERY_FAILED}: {@code /.well-known/opaque-pop} could not be read, so the server's key and
 *       KSF are unknown; nothing was stretched or sent;
 *   <li>{@value #HTTP_ERROR}: an error status without a problem body;
 *   <li>{@value #NETWORK_ERROR} and {@value #INTERRUPTED}: no answer arrived.
 * </ul>
 */
public final class OpaquePopClientException extends Exception {
    public static final String LOGIN_FAILED = "login_failed";
    public static final String SERVER_KEY_MISMATCH = "server_key_mismatch";
    public static final String REGISTRATION_FAILED = "registration_failed";
    public static final String INVALID_RESPONSE = "invalid_response";
    public static final String UNSUPPORTED_SERVER = "unsupported_server";
    public static final String WEAK_KSF = "weak_ksf";
    public static final String KSF_TOO_COSTLY = "ksf_too_costly";
    public static final String SERVER_CHANGED = "server_changed";
    public static final String DISCOVERY_FAILED = "discovery_failed";
    /** The {@link KnownServers} store could not be read or written (a damaged file, say). */
    public static final String KNOWN_SERVERS_ERROR = "known_servers_error";

    public static final String HTTP_ERROR = "http_error";
    public static final String NETWORK_ERROR = "network_error";
    /** The TLS handshake failed: typically a server certificate the client does not trust, or a wrong name. */
    public static final String TLS_ERROR = "tls_error";

    public static final String INTERRUPTED = "interrupted";

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;
    private final String title;

    OpaquePopClientException(int status, String code, String title) {
        this(status, code, title, null);
    }

    OpaquePopClientException(int status, String code, String title, Throwable cause) {
        super(message(status, code, title), cause);
        this.status = status;
        this.code = Objects.requireNonNull(code, "code");
        this.title = title;
    }

    private static String message(int status, String code, String title) {
        String text = title == null ? code : code + ": " + title;
        return status == 0 ? text : "HTTP " + status + " " + text;
    }

    static OpaquePopClientException loginFailed() {
        return new OpaquePopClientException(0, LOGIN_FAILED, "login failed");
    }

    static OpaquePopClientException serverKeyMismatch() {
        return new OpaquePopClientException(
                0, SERVER_KEY_MISMATCH, "the server authenticated with another key than it advertises");
    }

    /**
     * An answer that does not have the shape its endpoint promises, {@value #INVALID_RESPONSE}: for an
     * application's own client reading its endpoints' answers (see {@link OpaquePopClient#call}).
     *
     * @param detail what is wrong, naming the field; never a value from the answer, which may be a secret
     */
    public static OpaquePopClientException invalidResponse(String detail) {
        return new OpaquePopClientException(0, INVALID_RESPONSE, detail);
    }

    /** The HTTP status of the answer, or {@code 0} when the failure was not an HTTP answer. */
    public int status() {
        return status;
    }

    /** The problem code: the server's, or one of the constants of this class. */
    public String code() {
        return code;
    }

    /** The human-readable title, when there is one. */
    public Optional<String> title() {
        return Optional.ofNullable(title);
    }
}
