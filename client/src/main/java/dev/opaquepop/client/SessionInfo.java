package dev.opaquepop.client;

import java.time.Instant;
import java.util.Objects;

/**
 * One of the user's sessions as {@code GET /api/sessions} lists it. The server never shows a session's id, only
 * its first 8 characters, which {@link OpaquePopClient#endSession} takes.
 *
 * @param idPrefix the first 8 characters of the session id
 * @param createdAt when its login finished
 * @param lastUsedAt its last recorded use (recorded at most every few seconds)
 * @param clientAddress the client address the server saw at that use
 * @param current whether it is the session that asked
 */
public record SessionInfo(
        String idPrefix, Instant createdAt, Instant lastUsedAt, String clientAddress, boolean current) {
    public SessionInfo {
        Objects.requireNonNull(idPrefix, "idPrefix");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(lastUsedAt, "lastUsedAt");
        Objects.requireNonNull(clientAddress, "clientAddress");
    }
}
