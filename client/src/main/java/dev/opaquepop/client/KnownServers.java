package dev.opaquepop.client;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Trust on first use: where a client keeps each server's key and KSF from its first contact, so that every later
 * contact is checked against them and a substituted server (or a KSF lowered in transit) is refused before any
 * password is stretched or sent. Keyed by the server's {@linkplain #identity identity}: its base URI
 * normalized, so that {@code https://Bank.Example:443/} and {@code https://bank.example} are one server.
 *
 * <p>First use is the weak point: a client whose very first contact reaches an impostor stores the impostor's
 * key. A key obtained out of band ({@link OpaquePopClient.Builder#pinServerKey}) closes that gap, and replaces
 * what was stored.
 */
public interface KnownServers {
    /** What was stored for {@code server}, if anything. */
    Optional<KnownServer> find(URI server) throws IOException;

    /** Stores {@code known} for {@code server}, replacing what was there. */
    void remember(URI server, KnownServer known) throws IOException;

    /**
     * Removes what was stored for {@code server}, so that the next contact is a first contact again: for a server
     * whose operator really replaced its key or changed its KSF, after checking that with them.
     *
     * @return whether there was an entry
     */
    boolean forget(URI server) throws IOException;

    /**
     * The key under which a server is stored: {@code server} normalized as a client's base URI, with the scheme
     * and host in lower case and without a default port. The client passes keys in this form; the stores of this
     * interface also apply it to what they are given.
     *
     * @throws IllegalArgumentException when {@code server} is not a valid server base URI
     */
    static URI identity(URI server) {
        return RequestTarget.identity(server);
    }

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
