package dev.opaquepop.server.store;

import dev.opaquepop.opaque.RegistrationRecord;
import java.time.Instant;
import java.util.Optional;

/** Registered users: username to OPAQUE registration record. Never a password, never a password hash. */
public interface UserStore {
    /**
     * Stores a new user atomically.
     *
     * @return false when the username is taken; an existing record is never overwritten
     */
    boolean insert(String username, RegistrationRecord record, Instant createdAt);

    Optional<RegistrationRecord> find(String username);

    boolean exists(String username);

    /**
     * Replaces the user's record with {@code replacement} if it is still {@code expected}: one atomic
     * compare-and-set, so of racing changes (or a change racing a deletion) at most one applies to a given record,
     * and a record is never half written.
     *
     * @return false when the user is gone or holds another record than {@code expected}
     */
    boolean replace(String username, RegistrationRecord expected, RegistrationRecord replacement);

    /**
     * Deletes the user if their record is still {@code expected}, in one transaction with whatever the schema
     * deletes with the user (the demo bank's transfers: a foreign key with {@code ON DELETE CASCADE}), so a
     * username registered again later starts with no history.
     *
     * @return false when the user is gone or holds another record than {@code expected}
     */
    boolean delete(String username, RegistrationRecord expected);
}
