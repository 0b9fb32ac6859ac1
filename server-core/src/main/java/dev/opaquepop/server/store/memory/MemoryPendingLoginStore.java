package dev.opaquepop.server.store.memory;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Scheduler;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.opaquepop.server.store.CapacityExceededException;
import dev.opaquepop.server.store.PendingLogin;
import dev.opaquepop.server.store.PendingLoginLimitException;
import dev.opaquepop.server.store.PendingLoginStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Pending logins in a bounded cache with a fixed TTL, and per username the ids and deadlines of its pending
 * logins, for the per-user cap. When the global bound is reached new logins are refused ({@link
 * CapacityExceededException}, 503) until pending ones finish or expire: evicting the oldest instead would let a
 * {@code login/start} flood (from many networks, each under its own limit) drop real users' logins between their
 * start and finish. The per-user index only names logins the cache holds (the removal listener drops the
 * others), so it is bounded by the cache, however many usernames are tried.
 */
public final class MemoryPendingLoginStore implements PendingLoginStore {
    private final Cache<String, PendingLogin> logins;
    /** username → (login id → expiry). */
    private final ConcurrentHashMap<String, Map<String, Instant>> byUser = new ConcurrentHashMap<>();

    private final Clock clock;
    private final long capacity;

    public MemoryPendingLoginStore(long capacity, Duration ttl, Clock clock, Ticker ticker) {
        this.clock = clock;
        this.capacity = capacity;
        this.logins = Caffeine.newBuilder()
                .expireAfterWrite(ttl)
                .scheduler(Scheduler.systemScheduler())
                .ticker(ticker)
                .removalListener((String loginId, PendingLogin login, RemovalCause cause) -> {
                    if (login != null && loginId != null) {
                        unindex(login.username(), loginId);
                    }
                })
                .build();
    }

    @Override
    public void put(String loginId, PendingLogin login, int maxPerUser) throws PendingLoginLimitException {
        if (logins.estimatedSize() >= capacity) {
            logins.cleanUp();
            if (logins.estimatedSize() >= capacity) {
                throw new CapacityExceededException("pending-login store is full");
            }
        }
        Instant now = clock.instant();
        Instant[] refusedUntil = {null};
        byUser.compute(login.username(), (user, index) -> {
            Map<String, Instant> pending = index == null ? new HashMap<>() : index;
            pending.entrySet().removeIf(e -> !now.isBefore(e.getValue()) || logins.getIfPresent(e.getKey()) == null);
            if (pending.size() >= maxPerUser) {
                refusedUntil[0] =
                        pending.values().stream().min(Instant::compareTo).orElse(now);
            } else {
                logins.put(loginId, login);
                pending.put(loginId, login.expiresAt());
            }
            return pending.isEmpty() ? null : pending;
        });
        if (refusedUntil[0] != null) {
            throw new PendingLoginLimitException(refusedUntil[0]);
        }
    }

    @Override
    public Optional<PendingLogin> take(String loginId) {
        PendingLogin login = logins.asMap().remove(loginId);
        if (login == null) {
            return Optional.empty();
        }
        unindex(login.username(), loginId);
        if (!clock.instant().isBefore(login.expiresAt())) {
            return Optional.empty();
        }
        return Optional.of(login);
    }

    private void unindex(String username, String loginId) {
        byUser.computeIfPresent(username, (user, pending) -> {
            pending.remove(loginId);
            return pending.isEmpty() ? null : pending;
        });
    }
}
