package dev.opaquepop.pop;

import java.security.GeneralSecurityException;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An HMAC-SHA256 key (RFC 2104) keyed once and used for many messages. Looking the algorithm up and keying a new
 * {@link Mac} per message cost more than the MAC itself where one is computed per request (the PoP signature, a
 * rate-limit key name, a user's tag in Redis key names): this keys one instance, never uses it, and clones it for
 * each message. The keyed instance holds the key's HMAC pads, so it is exactly as secret as the key and never
 * leaves this object. Thread-safe.
 */
public final class HmacSha256Key {
    /** Length of a MAC. */
    public static final int LENGTH = 32;

    private static final String HMAC = "HmacSHA256";

    private final Mac prototype;

    private HmacSha256Key(Mac prototype) {
        this.prototype = prototype;
    }

    /**
     * Keys an HMAC with a copy of {@code key}; the caller keeps and wipes its array.
     *
     * @throws IllegalArgumentException for an empty key: a caller that meant a key and passed none must not get a
     *     working MAC (HKDF's empty salt, which does mean zeros, is {@link Hkdf}'s to spell out)
     */
    public static HmacSha256Key of(byte[] key) {
        Objects.requireNonNull(key, "key");
        if (key.length == 0) {
            throw new IllegalArgumentException("an HMAC key must not be empty");
        }
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(key, HMAC));
            return new HmacSha256Key(mac);
        } catch (GeneralSecurityException e) {
            // Every JDK ships HmacSHA256 (it is a required algorithm), so this is a broken runtime.
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }

    /** HMAC-SHA256 of {@code message}. */
    public byte[] mac(byte[] message) {
        return fresh().doFinal(message);
    }

    /** A keyed instance of its own, for a caller that feeds the message in parts; the prototype stays unused. */
    Mac fresh() {
        try {
            return (Mac) prototype.clone();
        } catch (CloneNotSupportedException e) {
            // The JDK's HmacSHA256 is cloneable; one that is not would be as broken as one without the algorithm.
            throw new IllegalStateException("the HmacSHA256 provider cannot copy a keyed instance", e);
        }
    }

    @Override
    public String toString() {
        return "HmacSha256Key[not shown]";
    }
}
