package dev.opaquepop.pop;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

/**
 * The string a PoP MAC covers (docs/protocol.md, "Canonical request"): seven lines joined with {@code "\n"}, no
 * trailing newline, UTF-8.
 *
 * <pre>
 * OPAQUE-POP-V1
 * METHOD                 upper case
 * /path?query            the request target exactly as sent
 * session_id
 * X-TS
 * X-NONCE
 * hex(SHA-256(body))     lower case; of the empty string when there is no body
 * </pre>
 */
public final class CanonicalRequest {
    static final String VERSION = "OPAQUE-POP-V1";

    /** Most signed requests (every GET) have no body; hashing the empty string once saves a digest on each. */
    private static final String EMPTY_BODY_SHA256 = sha256Hex(new byte[0]);

    private CanonicalRequest() {}

    /**
     * Builds the canonical request bytes. A {@code null} body is the empty body.
     *
     * @throws IllegalArgumentException when a field contains a line break: one field could then pose as two,
     *     and two different requests would share a canonical form
     */
    public static byte[] build(
            String method, String target, String sessionId, String timestamp, String nonce, byte[] body) {
        String canonical = String.join(
                "\n",
                VERSION,
                line("method", method).toUpperCase(Locale.ROOT),
                line("target", target),
                line("sessionId", sessionId),
                line("timestamp", timestamp),
                line("nonce", nonce),
                bodySha256Hex(body));
        return canonical.getBytes(StandardCharsets.UTF_8);
    }

    /** Lower-case hex SHA-256 of the exact body bytes; a {@code null} body hashes as the empty string. */
    public static String bodySha256Hex(byte[] body) {
        return body == null || body.length == 0 ? EMPTY_BODY_SHA256 : sha256Hex(body);
    }

    private static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            // SHA-256 is a required algorithm of every JDK.
            throw new IllegalStateException("SHA-256 is unavailable", e);
        }
    }

    static boolean hasLineBreak(String field) {
        return field.indexOf('\n') >= 0 || field.indexOf('\r') >= 0;
    }

    private static String line(String name, String field) {
        Objects.requireNonNull(field, name);
        if (hasLineBreak(field)) {
            throw new IllegalArgumentException(name + " must not contain a line break");
        }
        return field;
    }
}
