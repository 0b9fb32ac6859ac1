package dev.opaquepop.server.limit;

/**
 * The (username, client address) pairs that have completed a login recently. A login from such a pair counts
 * against a bucket of that pair rather than the username's shared one, so guessing from elsewhere cannot delay
 * the user on an address they have used before.
 */
public interface KnownAddresses {
    boolean isKnown(String username, String address);

    /** Remembers the pair for the configured time (again from now if it was already known). */
    void remember(String username, String address);
}
