package dev.opaquepop.server.service;

import dev.opaquepop.opaque.OpaqueException;
import dev.opaquepop.opaque.OpaqueServer;
import dev.opaquepop.opaque.RegistrationRecord;
import dev.opaquepop.opaque.RegistrationRequest;
import dev.opaquepop.opaque.RegistrationResponse;
import dev.opaquepop.server.store.UserStore;
import java.time.Clock;

/** OPAQUE registration (RFC 9807 §5): evaluate the blinded password, then store the client's record once. */
public final class RegistrationService {
    private final OpaqueServer opaque;
    private final UserStore users;
    private final Clock clock;

    public RegistrationService(OpaqueServer opaque, UserStore users, Clock clock) {
        this.opaque = opaque;
        this.users = users;
        this.clock = clock;
    }

    public RegistrationResponse start(String username, RegistrationRequest request)
            throws UsernameTakenException, OpaqueException {
        if (users.exists(username)) {
            throw new UsernameTakenException();
        }
        return opaque.registrationResponse(request, Usernames.credentialIdentifier(username));
    }

    /** Stores the record; of racing registrations of one name exactly one succeeds, and nothing is overwritten. */
    public void finish(String username, RegistrationRecord record) throws UsernameTakenException {
        if (!users.insert(username, record, clock.instant())) {
            throw new UsernameTakenException();
        }
    }
}
