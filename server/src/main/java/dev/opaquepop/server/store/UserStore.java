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
}
