package dev.opaquepop.server.service;

import dev.opaquepop.pop.PopSession;
import dev.opaquepop.pop.PopSessionLookup;
import dev.opaquepop.server.store.SessionStore;
import java.util.Optional;

/** Sessions as the PoP verifier sees them, and logout. */
public final class SessionService implements PopSessionLookup {
    private final SessionStore sessions;

    public SessionService(SessionStore sessions) {
        this.sessions = sessions;
    }

    @Override
    public Optional<PopSession> find(String sessionId) {
        return sessions.find(sessionId)
                .map(s -> new PopSession(s.sessionId(), s.username(), s.popKey(), s.expiresAt()));
    }

    public void logout(String sessionId) {
        sessions.remove(sessionId);
    }
}
