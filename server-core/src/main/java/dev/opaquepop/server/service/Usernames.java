package dev.opaquepop.server.service;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Usernames are 1 to 64 characters of {@code [A-Za-z0-9._@-]}: unambiguous in logs and URLs, and the same
 * bytes (their UTF-8, here plain ASCII) are OPAQUE's credential identifier on every client.
 */
public final class Usernames {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._@-]{1,64}");

    private Usernames() {}

    public static String validate(String field, String username) throws InvalidInputException {
        if (username == null || !VALID.matcher(username).matches()) {
            throw new InvalidInputException(field + " must be 1 to 64 characters of A-Z a-z 0-9 . _ @ -");
        }
        return username;
    }

    /** OPAQUE's credential_identifier for a username. */
    public static byte[] credentialIdentifier(String username) {
        return username.getBytes(StandardCharsets.UTF_8);
    }
}
