package dev.opaquepop.server.store.memory;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.opaquepop.server.store.Session;
import dev.opaquepop.server.store.SessionStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Sessions in a bounded cache. Entries expire at the session's own expiry (plus a grace period so a request
 * just after expiry is told {@code expired_session} rather than {@code unknown_session}); when the bound is
 * reached the least recently used session is dropped, which logs it out: it fails closed.
 */
public final class MemorySessionStore implements SessionStore {
    private static final Duration GRACE = Duration.ofMinutes(5);

    private final Cache<String, Session> sessions;

    public MemorySessionStore(long maximumSize, Clock clock, Ticker ticker) {
        this.sessions = Caffeine.newBuilder()
                .maximumSize(maximumSize)
                .expireAfter(Expiry.<String, Session>creating((id, session) -> {
                    Duration left = Duration.between(clock.instant(), session.expiresAt());
                    return left.isNegative() ? GRACE : left.plus(GRACE);
                }))
                .ticker(ticker)
                .build();
    }

    @Override
    public void put(Session session) {
        sessions.put(session.sessionId(), session);
    }

    @Override
    public Optional<Session> find(String sessionId) {
        return Optional.ofNullable(sessions.getIfPresent(sessionId));
    }

    @Override
    public void remove(String sessionId) {
        sessions.invalidate(sessionId);
    }
}
