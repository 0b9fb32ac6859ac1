package dev.opaquepop.server.store;

import dev.opaquepop.pop.PopKey;
import java.time.Instant;

/** A logged-in session: the PoP key derived from the OPAQUE session key (never the session key itself). */
public record Session(String sessionId, String username, PopKey popKey, Instant createdAt, Instant expiresAt) {
    @Override
    public String toString() {
        return "Session[" + SessionIds.prefix(sessionId) + "…, user=" + username + ", expiresAt=" + expiresAt + "]";
    }
}
