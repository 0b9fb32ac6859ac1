package dev.opaquepop.server.store;

import java.util.List;
import java.util.Optional;

/**
 * Live sessions by session id, and by user. Bounded and expiring: an entry is purged some time after {@link
 * Session#endsAt()} (memory: cache expiry; Redis: key TTL), and an evicted session is simply logged out.
 *
 * <p>Per-user operations name a session by {@link Session#idHash()}, never by its id.
 */
public interface SessionStore {
    /**
     * Stores a new session under its user. If the user then has more than {@code maxPerUser} sessions, the
     * oldest others (by creation) are ended until {@code maxPerUser} remain.
     *
     * @return how many sessions were ended to make room
     */
    int create(Session session, int maxPerUser);

    /** The session with this id, live or not yet purged. */
    Optional<Session> find(String sessionId);

    /**
     * The session with this id for verifying one signed call. A store may answer from a short-lived cache when
     * its {@link dev.opaquepop.pop.NonceStore} checks, in the claim that accepts the call, that the session still
     * exists (throwing {@link SessionEndedException} when it does not): a session ended elsewhere is then refused
     * at the claim. Its use fields may lag the stored ones by the cache's lifetime.
     */
    default Optional<Session> findForCall(String sessionId) {
        return find(sessionId);
    }

    /**
     * Records a use: replaces the stored session's use fields (last use, idle deadline, client address) and its
     * expiry. Does nothing when the session has ended meanwhile: an update never brings a session back.
     */
    void update(Session session);

    /** The user's sessions, in no particular order; ended but not yet purged ones may be among them. */
    List<SessionSummary> list(String username);

    /**
     * Ends the user's session with this id hash.
     *
     * @return false when there was no such session
     */
    boolean remove(String username, String idHash);

    /**
     * Ends every session of the user except the one with {@code keepIdHash} ({@code null}: all of them).
     *
     * @return how many were ended
     */
    int removeAll(String username, String keepIdHash);
}
