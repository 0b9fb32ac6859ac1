package dev.opaquepop.client;

import dev.opaquepop.opaque.Argon2idKsf;
import java.security.MessageDigest;
import java.util.Objects;

/** What a client remembers of a server from its first contact: the OPAQUE public key and the KSF. Immutable. */
public final class KnownServer {
    private final byte[] publicKey;
    private final Argon2idKsf ksf;

    public KnownServer(byte[] publicKey, Argon2idKsf ksf) {
        this.publicKey = Objects.requireNonNull(publicKey, "publicKey").clone();
        this.ksf = Objects.requireNonNull(ksf, "ksf");
    }

    /** The server's long-term OPAQUE public key (32 bytes). */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    public Argon2idKsf ksf() {
        return ksf;
    }

    boolean hasKey(byte[] key) {
        return MessageDigest.isEqual(publicKey, key);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof KnownServer that && hasKey(that.publicKey) && ksf.equals(that.ksf);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(publicKey) * 31 + ksf.hashCode();
    }

    @Override
    public String toString() {
        return "KnownServer[" + ksf + "]";
    }
}
