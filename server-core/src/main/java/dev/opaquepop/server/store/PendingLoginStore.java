package dev.opaquepop.server.store;

import java.util.Optional;

/** Logins waiting for KE3, keyed by login id. Bounded, expiring, and capped per username. */
public interface PendingLoginStore {
    /**
     * Stores the login unless its username already has {@code maxPerUser} pending logins that have not lapsed.
     * The cap counts the username string, whether or not such a user exists.
     *
     * @throws PendingLoginLimitException when the cap is reached; nothing is stored
     */
    void put(String loginId, PendingLogin login, int maxPerUser) throws PendingLoginLimitException;

    /** Removes and returns the login atomically: a login id can be finished once. */
    Optional<PendingLogin> take(String loginId);
}
