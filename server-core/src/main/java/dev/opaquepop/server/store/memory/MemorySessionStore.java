package dev.opaquepop.server.store.memory;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Scheduler;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.opaquepop.server.store.Session;
import dev.opaquepop.server.store.SessionIds;
import dev.opaquepop.server.store.SessionStore;
import dev.opaquepop.server.store.SessionSummary;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sessions in a bounded cache, plus an index from each user to their sessions. Entries expire at the session's
 * own end (idle or absolute, plus a grace period so a request just after it is told {@code expired_session}
 * rather than {@code unknown_session}); when the bound is reached the least recently used session is dropped,
 * which logs it out: it fails closed.
 *
 * <p>Every per-user change (a new session and the trimming to the per-user cap, ending one, ending all) runs
 * inside one atomic {@code compute} on that user's index entry, so they are serialized per user. Sessions the
 * cache drops by itself leave the index through the removal listener.
 */
public final class MemorySessionStore implements SessionStore {
    private static final Duration GRACE = Duration.ofMinutes(5);

    private final Cache<String, Session> sessions;
    /** username → (id hash → session id). May briefly name sessions the cache has already dropped. */
    private final ConcurrentHashMap<String, Map<String, String>> byUser = new ConcurrentHashMap<>();

    public MemorySessionStore(long maximumSize, Clock clock, Ticker ticker) {
        this.sessions = Caffeine.newBuilder()
                .maximumSize(maximumSize)
                .expireAfter(new Expiry<String, Session>() {
                    @Override
                    public long expireAfterCreate(String id, Session session, long currentTime) {
                        return untilPurge(session, clock);
                    }

                    @Override
                    public long expireAfterUpdate(String id, Session session, long currentTime, long currentDuration) {
                        return untilPurge(session, clock);
                    }

                    @Override
                    public long expireAfterRead(String id, Session session, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                .scheduler(Scheduler.systemScheduler())
                .ticker(ticker)
                .removalListener((String id, Session session, RemovalCause cause) -> {
                    if (session != null && cause != RemovalCause.REPLACED) {
                        unindex(session.username(), session.idHash());
                    }
                })
                .build();
    }

    private static long untilPurge(Session session, Clock clock) {
        Duration left = Duration.between(clock.instant(), session.endsAt());
        return (left.isNegative() ? GRACE : left.plus(GRACE)).toNanos();
    }

    @Override
    public int create(Session session, int maxPerUser) {
        int[] ended = {0};
        byUser.compute(session.username(), (user, index) -> {
            Map<String, String> ids = index == null ? new HashMap<>() : index;
            if (ids.size() >= maxPerUser) {
                // Only where the cap is at stake: the removal listener unindexes expired sessions on its own, so
                // scanning the index on every login (O(sessions of the user)) would buy nothing below the cap.
                ids.values().removeIf(id -> sessions.getIfPresent(id) == null);
            }
            sessions.put(session.sessionId(), session);
            ids.put(session.idHash(), session.sessionId());
            if (ids.size() > maxPerUser) {
                List<Session> others = new ArrayList<>();
                for (String id : ids.values()) {
                    Session other = sessions.getIfPresent(id);
                    if (other != null && !id.equals(session.sessionId())) {
                        others.add(other);
                    }
                }
                others.sort(Comparator.comparing(Session::createdAt));
                for (int i = 0; i < others.size() && ids.size() > maxPerUser; i++) {
                    Session oldest = others.get(i);
                    sessions.invalidate(oldest.sessionId());
                    ids.remove(oldest.idHash());
                    ended[0]++;
                }
            }
            return ids;
        });
        return ended[0];
    }

    @Override
    public Optional<Session> find(String sessionId) {
        return Optional.ofNullable(sessions.getIfPresent(sessionId));
    }

    @Override
    public void update(Session session) {
        sessions.asMap().computeIfPresent(session.sessionId(), (id, stored) -> session);
    }

    @Override
    public List<SessionSummary> list(String username) {
        List<SessionSummary> out = new ArrayList<>();
        byUser.computeIfPresent(username, (user, ids) -> {
            ids.values().removeIf(id -> {
                Session session = sessions.getIfPresent(id);
                if (session == null) {
                    return true;
                }
                out.add(SessionSummary.of(session));
                return false;
            });
            return ids.isEmpty() ? null : ids;
        });
        return out;
    }

    @Override
    public boolean remove(String username, String idHash) {
        boolean[] removed = {false};
        byUser.computeIfPresent(username, (user, ids) -> {
            String id = ids.remove(idHash);
            if (id != null) {
                removed[0] = sessions.asMap().remove(id) != null;
            }
            return ids.isEmpty() ? null : ids;
        });
        return removed[0];
    }

    @Override
    public int removeAll(String username, String keepIdHash) {
        int[] removed = {0};
        byUser.computeIfPresent(username, (user, ids) -> {
            ids.entrySet().removeIf(entry -> {
                if (SessionIds.sameHash(entry.getKey(), keepIdHash)) {
                    return false;
                }
                if (sessions.asMap().remove(entry.getValue()) != null) {
                    removed[0]++;
                }
                return true;
            });
            return ids.isEmpty() ? null : ids;
        });
        return removed[0];
    }

    /** Drops a session the cache removed from its user's index (runs on Caffeine's executor, not the caller's). */
    private void unindex(String username, String idHash) {
        byUser.computeIfPresent(username, (user, ids) -> {
            String id = ids.get(idHash);
            if (id != null && sessions.getIfPresent(id) == null) {
                ids.remove(idHash);
            }
            return ids.isEmpty() ? null : ids;
        });
    }
}
