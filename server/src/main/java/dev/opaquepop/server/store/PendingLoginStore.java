package dev.opaquepop.server.store;

import java.util.Optional;

/** Logins waiting for KE3, keyed by login id. Bounded and expiring. */
public interface PendingLoginStore {
    void put(String loginId, PendingLogin login);

    /** Removes and returns the login atomically: a login id can be finished once. */
    Optional<PendingLogin> take(String loginId);
}
