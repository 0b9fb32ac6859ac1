package dev.opaquepop.server.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** How session ids may appear outside memory: a short prefix in logs, a SHA-256 in the database. */
public final class SessionIds {
    private static final int PREFIX_LENGTH = 8;

    private SessionIds() {}

    /** The first characters only: enough to correlate log lines, far too few to use. */
    public static String prefix(String sessionId) {
        return sessionId.length() <= PREFIX_LENGTH ? "" : sessionId.substring(0, PREFIX_LENGTH);
    }

    /** Whether two {@link #hash} values are equal, compared in constant time; {@code null} equals nothing. */
    public static boolean sameHash(String a, String b) {
        return a != null
                && b != null
                && MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
    }

    /** Lower-case hex SHA-256 of the session id. */
    public static String hash(String sessionId) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(sessionId.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
