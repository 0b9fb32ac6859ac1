package dev.opaquepop.opaque;

import java.util.Arrays;
import java.util.Optional;

/**
 * The optional client and server identities of RFC 9807 §4.1.2. An absent identity defaults to the party's
 * public key, which is what {@link #none()} (and opaque-ke's default) gives. Both sides must agree on them at
 * registration and at every login.
 */
public final class Identities {
    private static final Identities NONE = new Identities(null, null);

    private final byte[] client;
    private final byte[] server;

    private Identities(byte[] client, byte[] server) {
        this.client = client;
        this.server = server;
    }

    /** No explicit identities: both default to the public keys. */
    public static Identities none() {
        return NONE;
    }

    /** Explicit identities; either may be {@code null} to keep that party's default. */
    public static Identities of(byte[] client, byte[] server) {
        checkLength("client identity", client);
        checkLength("server identity", server);
        return new Identities(client == null ? null : client.clone(), server == null ? null : server.clone());
    }

    private static void checkLength(String what, byte[] identity) {
        if (identity != null && identity.length > 0xffff) {
            throw new IllegalArgumentException(what + " is longer than 65535 bytes");
        }
    }

    /** The client identity, if one was given. */
    public Optional<byte[]> client() {
        return Optional.ofNullable(client).map(byte[]::clone);
    }

    /** The server identity, if one was given. */
    public Optional<byte[]> server() {
        return Optional.ofNullable(server).map(byte[]::clone);
    }

    /** The client identity or {@code null} for "the client's public key"; not copied. */
    byte[] clientOrNull() {
        return client;
    }

    /** The server identity or {@code null} for "the server's public key"; not copied. */
    byte[] serverOrNull() {
        return server;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Identities that
                && Arrays.equals(client, that.client)
                && Arrays.equals(server, that.server);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(client) + Arrays.hashCode(server);
    }

    @Override
    public String toString() {
        return "Identities[client=" + (client == null ? "public key" : client.length + " bytes") + ", server="
                + (server == null ? "public key" : server.length + " bytes") + "]";
    }
}
