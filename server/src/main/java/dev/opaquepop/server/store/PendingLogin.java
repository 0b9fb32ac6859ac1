package dev.opaquepop.server.store;

import dev.opaquepop.opaque.SecretBytes;
import java.time.Instant;

/** A login between KE2 and KE3: whose it is, the exported server login state (secret), and when it lapses. */
public record PendingLogin(String username, SecretBytes state, Instant expiresAt) {
    @Override
    public String toString() {
        return "PendingLogin[state redacted, expiresAt=" + expiresAt + "]";
    }
}
