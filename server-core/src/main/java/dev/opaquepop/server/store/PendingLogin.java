package dev.opaquepop.server.store;

import dev.opaquepop.opaque.SecretBytes;
import java.time.Instant;

/**
 * A login between KE2 and KE3: whose it is, the registration its KE2 was computed from ({@link RecordTag#NONE}
 * for an unknown user), the exported server login state (secret), and when it lapses.
 */
public record PendingLogin(String username, RecordTag recordTag, SecretBytes state, Instant expiresAt) {
    @Override
    public String toString() {
        return "PendingLogin[user=" + username + ", state redacted, expiresAt=" + expiresAt + "]";
    }
}
