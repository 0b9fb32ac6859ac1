package dev.opaquepop.pop;

import java.time.Instant;
import java.util.Objects;

/**
 * A logged-in session as the verifier sees it: valid until {@code expiresAt} (exclusive). {@link #toString()}
 * leaves out the session id.
 *
 * @param sessionId base64url (no padding) of 32 random bytes
 * @param username the user the session belongs to
 * @param popKey the key derived from the login's session key
 * @param expiresAt the first instant at which the session is no longer accepted
 */
public record PopSession(String sessionId, String username, PopKey popKey, Instant expiresAt) {
    public PopSession {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(popKey, "popKey");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    @Override
    public String toString() {
        return "PopSession[username=" + username + ", expiresAt=" + expiresAt + ", id and key redacted]";
    }
}
