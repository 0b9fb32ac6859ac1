package dev.opaquepop.pop;

import java.util.Optional;

/** Where the verifier finds sessions by id; the server's session store implements it. */
@FunctionalInterface
public interface PopSessionLookup {
    /** The session with this id, expired or not; empty when there is none. */
    Optional<PopSession> find(String sessionId);
}
