package dev.opaquepop.server.store.redis;

import dev.opaquepop.opaque.SecretBytes;
import dev.opaquepop.opaque.ServerSetup;
import dev.opaquepop.pop.Hkdf;
import dev.opaquepop.pop.HmacSha256Key;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seals the secrets the server keeps in Redis (PoP keys, OPAQUE login states), so that a copy of Redis (a dump, a
 * replica, a backup) lets no one sign requests or finish logins.
 *
 * <p>The keys are 32 random bytes each, from the sealing key file ({@code --seal-key-file}): the first seals, every
 * one listed opens, so a key can be rotated without anyone logging in again (add the new key to every instance,
 * make it the first, remove the old one once every value sealed under it has expired). Without that file the
 * one key is the one earlier versions used, {@code HKDF-SHA256(salt = empty, IKM = the server setup's 128-byte
 * encoding, info = "opaque-pop v1 redis seal", L = 32)} (RFC 5869), {@link #derivedKey}; it can be listed in the
 * file like any other, so an existing deployment can rotate away from it. Redis never holds a key. A sealed value
 * is
 *
 * <pre>
 * version (1 byte, 0x01) || key id (8 bytes: SHA-256(key)[0..8]) || nonce (12 random bytes) || AES-256-GCM(plaintext) || tag (16 bytes)
 * </pre>
 *
 * with the first 9 bytes and the Redis key as associated data: a value cannot be edited, nor moved to another
 * key (another session's, or a login's). The key id picks the key that opens it. A value that fails (a key id
 * of no key this instance has: another setup, or a key already removed; a bad tag: altered or moved; a bad
 * shape) is treated as absent and logged as a warning without its content.
 *
 * <p>The names key (user tags in key names) stays derived from the setup, whatever the sealing keys: key names
 * must not change when a sealing key does, or the per-user indexes would split in two.
 *
 * <p>Nonces are random: one key may seal up to 2^32 values (about four billion logins) before the chance of a
 * repeated nonce reaches 2^-32 (NIST SP 800-38D §8.3).
 */
public final class Sealer {
    static final byte VERSION = 1;
    static final int KEY_ID_LENGTH = 8;
    static final int NONCE_LENGTH = 12;
    static final int TAG_LENGTH = 16;
    static final int HEADER_LENGTH = 1 + KEY_ID_LENGTH;
    static final int OVERHEAD = HEADER_LENGTH + NONCE_LENGTH + TAG_LENGTH;

    private static final Logger LOG = LoggerFactory.getLogger(Sealer.class);
    private static final byte[] INFO = "opaque-pop v1 redis seal".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NAMES_INFO = "opaque-pop v1 redis user names".getBytes(StandardCharsets.US_ASCII);

    /** 32 bytes: AES-256. */
    public static final int KEY_LENGTH = 32;

    /** A sealing key and its public id, {@code SHA-256(key)[0..8]}. */
    private static final class Key {
        private final byte[] id;
        private final SecretKeySpec spec;

        Key(byte[] id, SecretKeySpec spec) {
            this.id = id.clone();
            this.spec = spec;
        }

        byte[] id() {
            return id.clone();
        }

        SecretKeySpec spec() {
            return spec;
        }
    }

    /** The first seals; all open. */
    private final List<Key> keys;

    private final HmacSha256Key namesKey;
    private final SecureRandom random;

    private Sealer(List<Key> keys, byte[] namesKeyBytes, SecureRandom random) {
        this.keys = List.copyOf(keys);
        this.namesKey = HmacSha256Key.of(namesKeyBytes);
        this.random = random;
    }

    /** The sealer of earlier versions: one key, derived from {@code setup}. */
    public static Sealer fromSetup(ServerSetup setup, SecureRandom random) {
        SecretBytes derived = derivedKey(setup);
        try {
            return withKeys(setup, List.of(derived), random);
        } finally {
            derived.destroy();
        }
    }

    /**
     * A sealer sealing under {@code keys.get(0)} and opening values sealed under any of {@code keys}; user tags
     * under the names key derived from {@code setup}. The keys are copied.
     *
     * @throws IllegalArgumentException for no key, a key that is not 32 bytes, or one listed twice
     */
    public static Sealer withKeys(ServerSetup setup, List<SecretBytes> keys, SecureRandom random) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("at least one sealing key is needed");
        }
        List<Key> parsed = new ArrayList<>();
        for (SecretBytes key : keys) {
            if (key.size() != KEY_LENGTH) {
                throw new IllegalArgumentException(
                        "a sealing key must be " + KEY_LENGTH + " bytes, got one of " + key.size());
            }
            byte[] bytes = key.revealBytes();
            try {
                byte[] id = Arrays.copyOf(sha256(bytes), KEY_ID_LENGTH);
                for (Key other : parsed) {
                    if (MessageDigest.isEqual(other.id(), id)) {
                        throw new IllegalArgumentException(
                                "the sealing key with id " + HexFormat.of().formatHex(id) + " is listed twice");
                    }
                }
                parsed.add(new Key(id, new SecretKeySpec(bytes, "AES")));
            } finally {
                Arrays.fill(bytes, (byte) 0);
            }
        }
        SecretBytes encoded = setup.encode();
        byte[] ikm = encoded.revealBytes();
        byte[] names = null;
        try {
            names = Hkdf.derive(new byte[0], ikm, NAMES_INFO, KEY_LENGTH);
            return new Sealer(parsed, names, random);
        } finally {
            Arrays.fill(ikm, (byte) 0);
            if (names != null) {
                Arrays.fill(names, (byte) 0);
            }
            encoded.destroy();
        }
    }

    /** The key earlier versions sealed with: HKDF-SHA256 of the setup, {@code info = "opaque-pop v1 redis seal"}. */
    public static SecretBytes derivedKey(ServerSetup setup) {
        SecretBytes encoded = setup.encode();
        byte[] ikm = encoded.revealBytes();
        byte[] okm = null;
        try {
            okm = Hkdf.derive(new byte[0], ikm, INFO, KEY_LENGTH);
            return SecretBytes.copyOf(okm);
        } finally {
            Arrays.fill(ikm, (byte) 0);
            if (okm != null) {
                Arrays.fill(okm, (byte) 0);
            }
            encoded.destroy();
        }
    }

    /** The id of the key new values are sealed under (public: it is in every value). */
    public String sealingKeyId() {
        return HexFormat.of().formatHex(keys.get(0).id());
    }

    /** The ids of every key values are opened with, the sealing one first. */
    public List<String> keyIds() {
        return keys.stream().map(k -> HexFormat.of().formatHex(k.id())).toList();
    }

    /**
     * The name of a user in Redis key names: lower-case hex of {@code HMAC-SHA256(names key, UTF-8 username)}
     * truncated to 16 bytes, where the names key is HKDF-SHA256 of the setup like the seal key, with {@code info =
     * "opaque-pop v1 redis user names"}. Every instance with the same setup computes the same tag; a Redis dump
     * does not say which usernames are logged in or trying to.
     */
    String userTag(String username) {
        byte[] tag = namesKey.mac(username.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(tag, 0, 16);
    }

    /** Seals {@code plaintext} for storage under {@code redisKey}. */
    byte[] seal(String redisKey, byte[] plaintext) {
        byte[] nonce = new byte[NONCE_LENGTH];
        random.nextBytes(nonce);
        Key key = keys.get(0);
        ByteBuffer out = ByteBuffer.allocate(OVERHEAD + plaintext.length);
        out.put(VERSION).put(key.id()).put(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key.spec(), new GCMParameterSpec(TAG_LENGTH * 8, nonce));
            cipher.updateAAD(associatedData(out.array(), redisKey));
            cipher.doFinal(ByteBuffer.wrap(plaintext), out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is not available", e);
        }
        return out.array();
    }

    /**
     * Opens a value read from {@code redisKey}.
     *
     * @param kind what the value is, for the warning ("session", "pending login")
     * @return the plaintext, or empty when the value was not sealed by this setup for this key
     */
    Optional<byte[]> open(String redisKey, byte[] sealed, String kind) {
        if (sealed.length < OVERHEAD || sealed[0] != VERSION) {
            return rejected(kind, "unknown format");
        }
        Optional<Key> key = keyFor(Arrays.copyOfRange(sealed, 1, HEADER_LENGTH));
        if (key.isEmpty()) {
            return rejected(
                    kind,
                    "sealed under a key this server does not have (another setup, or a sealing key"
                            + " no longer listed)");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(
                    Cipher.DECRYPT_MODE,
                    key.get().spec(),
                    new GCMParameterSpec(TAG_LENGTH * 8, sealed, HEADER_LENGTH, NONCE_LENGTH));
            cipher.updateAAD(associatedData(sealed, redisKey));
            int offset = HEADER_LENGTH + NONCE_LENGTH;
            return Optional.of(cipher.doFinal(sealed, offset, sealed.length - offset));
        } catch (AEADBadTagException e) {
            return rejected(kind, "authentication failed (altered, or moved from another key)");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is not available", e);
        }
    }

    private Optional<Key> keyFor(byte[] id) {
        for (Key key : keys) {
            if (MessageDigest.isEqual(key.id(), id)) {
                return Optional.of(key);
            }
        }
        return Optional.empty();
    }

    /** Header || Redis key: binds the version, the key id and the place the value was stored. */
    private static byte[] associatedData(byte[] value, String redisKey) {
        byte[] name = redisKey.getBytes(StandardCharsets.UTF_8);
        byte[] aad = new byte[HEADER_LENGTH + name.length];
        System.arraycopy(value, 0, aad, 0, HEADER_LENGTH);
        System.arraycopy(name, 0, aad, HEADER_LENGTH, name.length);
        return aad;
    }

    private static Optional<byte[]> rejected(String kind, String reason) {
        LOG.warn("redis: rejected a stored {}: {}", kind, reason);
        return Optional.empty();
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** The key ids are public (they are in every value); the keys are not shown. */
    @Override
    public String toString() {
        return "Sealer[keyIds=" + String.join(",", keyIds()) + ", keys redacted]";
    }
}
