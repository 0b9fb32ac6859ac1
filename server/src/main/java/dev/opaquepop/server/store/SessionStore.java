package dev.opaquepop.server.store;

import java.util.Optional;

/** Live sessions by session id. Bounded and expiring; an evicted session is simply logged out. */
public interface SessionStore {
    void put(Session session);

    Optional<Session> find(String sessionId);

    void remove(String sessionId);
}
