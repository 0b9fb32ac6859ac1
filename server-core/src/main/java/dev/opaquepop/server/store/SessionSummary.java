package dev.opaquepop.server.store;

import java.time.Instant;
import java.util.Objects;

/**
 * One of a user's sessions as a listing shows it: no session id (only its hash, and the short prefix that logs
 * also show) and no key.
 */
public record SessionSummary(
        String idHash,
        String idPrefix,
        Instant createdAt,
        Instant lastUsedAt,
        Instant idleExpiresAt,
        Instant expiresAt,
        String clientAddress) {
    public SessionSummary {
        Objects.requireNonNull(idHash, "idHash");
        Objects.requireNonNull(idPrefix, "idPrefix");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(lastUsedAt, "lastUsedAt");
        Objects.requireNonNull(idleExpiresAt, "idleExpiresAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(clientAddress, "clientAddress");
    }

    public static SessionSummary of(Session session) {
        return new SessionSummary(
                session.idHash(),
                SessionIds.prefix(session.sessionId()),
                session.createdAt(),
                session.lastUsedAt(),
                session.idleExpiresAt(),
                session.expiresAt(),
                session.clientAddress());
    }

    public boolean isLiveAt(Instant now) {
        return now.isBefore(idleExpiresAt) && now.isBefore(expiresAt);
    }
}
