package dev.opaquepop.client;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Trust on first use: where a client keeps each server's key and KSF from its first contact, so that every later
 * contact is checked against them and a substituted server (or a KSF lowered in transit) is refused before any
 * password is stretched or sent. Keyed by the server's normalized base URI.
 *
 * <p>First use is the weak point: a client whose very first contact reaches an impostor stores the impostor's
 * key. A key obtained out of band ({@link OpaquePopClient.Builder#pinServerKey}) closes that gap.
 */
public interface KnownServers {
    /** What was stored for {@code server}, if anything. */
    Optional<KnownServer> find(URI server) throws IOException;

    /** Stores {@code known} for {@code server}, replacing what was there. */
    void remember(URI server, KnownServer known) throws IOException;

    /** Kept in memory, for the life of the object (the SDK's default: one client instance). */
    static KnownServers inMemory() {
        return new InMemoryKnownServers();
    }

    /**
     * Kept in a JSON file, written owner-only (mode 0600) and replaced atomically; its directory is created
     * owner-only when missing. Two processes writing at once may lose one of their entries (the next contact
     * stores it again).
     */
    static KnownServers file(Path file) {
        return new FileKnownServers(file);
    }
}
