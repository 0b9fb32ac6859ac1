package dev.opaquepop.server.store.memory;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.opaquepop.server.store.PendingLogin;
import dev.opaquepop.server.store.PendingLoginStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Pending logins in a bounded cache with a fixed TTL. When the bound is reached the oldest pending logins are
 * dropped; their clients must start over, nobody gets in who should not.
 */
public final class MemoryPendingLoginStore implements PendingLoginStore {
    private final Cache<String, PendingLogin> logins;
    private final Clock clock;

    public MemoryPendingLoginStore(long maximumSize, Duration ttl, Clock clock, Ticker ticker) {
        this.clock = clock;
        this.logins = Caffeine.newBuilder()
                .maximumSize(maximumSize)
                .expireAfterWrite(ttl)
                .ticker(ticker)
                .build();
    }

    @Override
    public void put(String loginId, PendingLogin login) {
        logins.put(loginId, login);
    }

    @Override
    public Optional<PendingLogin> take(String loginId) {
        PendingLogin login = logins.asMap().remove(loginId);
        if (login == null || !clock.instant().isBefore(login.expiresAt())) {
            return Optional.empty();
        }
        return Optional.of(login);
    }
}
