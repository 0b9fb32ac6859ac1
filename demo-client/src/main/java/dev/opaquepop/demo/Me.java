package dev.opaquepop.demo;

import java.time.Instant;
import java.util.Objects;

/**
 * The answer of {@code GET /api/me}: who the session belongs to and until when it is valid.
 *
 * @param username the logged-in user
 * @param sessionExpiresAt when the server stops accepting the session
 */
public record Me(String username, Instant sessionExpiresAt) {
    public Me {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(sessionExpiresAt, "sessionExpiresAt");
    }
}
