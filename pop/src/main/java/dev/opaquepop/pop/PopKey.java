package dev.opaquepop.pop;

import dev.opaquepop.opaque.SecretBytes;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * The 32-byte HMAC key that proves possession of an OPAQUE session: {@code pop_key = HKDF-SHA256(salt = empty,
 * IKM = session_key, info = "opaque-pop v1 pop key", L = 32)} (docs/protocol.md, "PoP key"; RFC 5869).
 *
 * <p>Client and server derive it independently from the session key both hold after a login, so it never
 * crosses the network. No {@code equals} or {@code hashCode}: keys are compared through the MACs they make.
 */
public final class PopKey {
    /** The key length L in bytes. */
    public static final int LENGTH = 32;

    private static final int SESSION_KEY_LENGTH = 64;
    private static final byte[] INFO = "opaque-pop v1 pop key".getBytes(StandardCharsets.US_ASCII);

    private final SecretBytes key;

    /**
     * HMAC-SHA256 keyed with {@link #key} once, for every {@link #mac}: keying per request cost more than the MAC
     * itself under load (BENCHMARKS.md, "Signed calls"). As secret as the key and, like it, never leaves this
     * object. Made on first use; two threads racing make two equal ones, which is harmless.
     */
    private volatile HmacSha256Key keyed;

    private PopKey(SecretBytes key) {
        this.key = key;
    }

    /**
     * Derives the PoP key from an OPAQUE session key.
     *
     * @throws IllegalArgumentException unless the session key has the 64 bytes of RFC 9807's ristretto255-SHA512
     *     suite: anything else means the caller passed the wrong secret
     */
    public static PopKey derive(SecretBytes sessionKey) {
        Objects.requireNonNull(sessionKey, "sessionKey");
        if (sessionKey.size() != SESSION_KEY_LENGTH) {
            throw new IllegalArgumentException(
                    "an OPAQUE session key has " + SESSION_KEY_LENGTH + " bytes, got " + sessionKey.size());
        }
        byte[] ikm = sessionKey.revealBytes();
        byte[] okm = Hkdf.derive(new byte[0], ikm, INFO, LENGTH);
        try {
            return new PopKey(SecretBytes.copyOf(okm));
        } finally {
            wipe(ikm, okm);
        }
    }

    /**
     * Wraps a copy of a stored key (a saved client session, a server's session table).
     *
     * @throws IllegalArgumentException unless {@code key32} has exactly 32 bytes
     */
    public static PopKey fromBytes(byte[] key32) {
        Objects.requireNonNull(key32, "key32");
        if (key32.length != LENGTH) {
            throw new IllegalArgumentException("a PoP key has " + LENGTH + " bytes, got " + key32.length);
        }
        return new PopKey(SecretBytes.copyOf(key32));
    }

    /** A copy of the key, for storage; destroying the copy does not affect this key. */
    public SecretBytes secret() {
        byte[] bytes = key.revealBytes();
        try {
            return SecretBytes.copyOf(bytes);
        } finally {
            wipe(bytes);
        }
    }

    /** HMAC-SHA256 (RFC 2104) of {@code message} under this key. */
    byte[] mac(byte[] message) {
        HmacSha256Key hmac = keyed;
        if (hmac == null) {
            byte[] bytes = key.revealBytes();
            try {
                hmac = HmacSha256Key.of(bytes);
            } finally {
                wipe(bytes);
            }
            keyed = hmac;
        }
        return hmac.mac(message);
    }

    private static void wipe(byte[]... arrays) {
        for (byte[] array : arrays) {
            Arrays.fill(array, (byte) 0);
        }
    }

    @Override
    public String toString() {
        return "PopKey[redacted]";
    }
}
