package dev.opaquepop.server.store.redis;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opaquepop.opaque.SecretBytes;
import dev.opaquepop.opaque.ServerSetup;
import dev.opaquepop.pop.LoginPurpose;
import dev.opaquepop.pop.PopKey;
import dev.opaquepop.server.store.PendingLogin;
import dev.opaquepop.server.store.RecordTag;
import dev.opaquepop.server.store.Session;
import dev.opaquepop.server.store.SessionSummary;
import dev.opaquepop.testfixtures.FixedRandom;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The sealing of Redis values: the key derivation and the value format against values computed independently
 * (Python's hmac/hashlib and the cryptography package's AESGCM), and every way a stored value can be altered,
 * moved or foreign being rejected.
 */
class SealerTest {
    /** A fixed setup (128 bytes, base64url) for snapshots. Not used anywhere else. */
    private static final String SETUP =
            "npvtzYuEoP6ABV_AybTcXJ1ugKsDxkPC3CO1tEp5t7D5BMjwJE6sBbvlGqYHqHiatR5e9TGpCmMz-c-3NlM5FiQZ_2sOK2StumQ"
                    + "ihO6A_VHWQsv8nIn3r9haj9pSrCsAfDvcckxnyWRZ-ebbItq3SqUxzTN3TLUU8hZVM3ymaw4";

    private static final String OTHER_SETUP =
            "dTWNXJQyD-Thy0xzfHiBBKZk0IJkdB_VZilJR-tsfbQWxqt6mhjiFA1TF2m2iDXQOYjzVvA6vQXPTnFrbfIcdRdJkINiRni1JMME"
                    + "Nb4IYRVQjk1WIJkuGH0QT9hDTCwDXi4kqk-1KHV2sPgvyrJyESxWsTYj6wNNgatjoqEZAyY";
    /**
     * key = HKDF-SHA256(salt = empty, IKM = SETUP, info = "opaque-pop v1 redis seal", L = 32) =
     * 1862903be740fe35b304e4e50f400dca7eefbdfa8b8c911eed7290953379c15c; key id = SHA-256(key)[0..8].
     */
    private static final String KEY_ID = "d84e6c95e71d4330";

    private static final String SESSION_ID = "QEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaW1xdXl8";
    private static final String REDIS_KEY = "opaque-pop:{s:0123}:session";
    private static final byte[] PLAINTEXT = "sealed by opaque-pop".getBytes(UTF_8);
    /** version || key id || nonce 000102…0b || AES-256-GCM(PLAINTEXT, aad = version || key id || REDIS_KEY). */
    private static final String SEALED_SNAPSHOT = "01d84e6c95e71d4330000102030405060708090a0b"
            + "0315bca530d8045c6e4c80eb04f85749b0008258139a21f54ebf45bcfac645728ae34f11";

    @Test
    void sealedValue_matchesTheIndependentlyComputedSnapshot() {
        Sealer sealer = Sealer.fromSetup(setup(SETUP), FixedRandom.counting());
        assertThat(sealer.toString()).contains(KEY_ID).doesNotContain("1862903be740");
        byte[] sealed = sealer.seal(REDIS_KEY, PLAINTEXT);
        assertThat(HexFormat.of().formatHex(sealed)).isEqualTo(SEALED_SNAPSHOT);
        assertThat(sealer.open(REDIS_KEY, HexFormat.of().parseHex(SEALED_SNAPSHOT), "test"))
                .hasValueSatisfying(plaintext -> assertThat(plaintext).isEqualTo(PLAINTEXT));
    }

    @Test
    void sealing_usesAFreshNonceEachTime() {
        Sealer sealer = Sealer.fromSetup(setup(SETUP), new SecureRandom());
        assertThat(sealer.seal(REDIS_KEY, PLAINTEXT)).isNotEqualTo(sealer.seal(REDIS_KEY, PLAINTEXT));
    }

    @Test
    void everyBitFlip_isRejected() {
        Sealer sealer = Sealer.fromSetup(setup(SETUP), new SecureRandom());
        byte[] sealed = sealer.seal(REDIS_KEY, PLAINTEXT);
        for (int bit = 0; bit < sealed.length * 8; bit++) {
            byte[] altered = sealed.clone();
            altered[bit / 8] ^= (byte) (1 << (bit % 8));
            assertThat(sealer.open(REDIS_KEY, altered, "test"))
                    .as("bit %d", bit)
                    .isEmpty();
        }
    }

    @Test
    void truncatedOrExtendedOrForeignFormat_isRejected() {
        Sealer sealer = Sealer.fromSetup(setup(SETUP), new SecureRandom());
        byte[] sealed = sealer.seal(REDIS_KEY, PLAINTEXT);
        for (int length = 0; length < sealed.length; length++) {
            assertThat(sealer.open(REDIS_KEY, Arrays.copyOf(sealed, length), "test"))
                    .as("length %d", length)
                    .isEmpty();
        }
        assertThat(sealer.open(REDIS_KEY, Arrays.copyOf(sealed, sealed.length + 1), "test"))
                .isEmpty();
        assertThat(sealer.open(REDIS_KEY, "1".getBytes(UTF_8), "test")).isEmpty();
        byte[] versionTwo = sealed.clone();
        versionTwo[0] = 2;
        assertThat(sealer.open(REDIS_KEY, versionTwo, "test")).isEmpty();
    }

    /** The Redis key is authenticated: a value copied to another session's key (or a login's) does not open. */
    @Test
    void valueMovedToAnotherKey_isRejected() {
        Sealer sealer = Sealer.fromSetup(setup(SETUP), new SecureRandom());
        byte[] sealed = sealer.seal(REDIS_KEY, PLAINTEXT);
        assertThat(sealer.open("opaque-pop:{s:0124}:session", sealed, "test")).isEmpty();
        assertThat(sealer.open("opaque-pop:{l:0123}:login", sealed, "test")).isEmpty();
        assertThat(sealer.open("other-prefix:{s:0123}:session", sealed, "test")).isEmpty();
    }

    @Test
    void valueSealedUnderAnotherSetup_isRejected_evenWithTheKeyIdForged() {
        Sealer mine = Sealer.fromSetup(setup(SETUP), new SecureRandom());
        Sealer theirs = Sealer.fromSetup(setup(OTHER_SETUP), new SecureRandom());
        byte[] foreign = theirs.seal(REDIS_KEY, PLAINTEXT);
        assertThat(mine.open(REDIS_KEY, foreign, "test")).isEmpty();
        System.arraycopy(HexFormat.of().parseHex(KEY_ID), 0, foreign, 1, Sealer.KEY_ID_LENGTH);
        assertThat(mine.open(REDIS_KEY, foreign, "test")).isEmpty();
    }

    /** Rotation: the first key seals, every listed key opens, a key no longer listed opens nothing. */
    @Test
    void severalKeys_theFirstSeals_everyOneOpens_anUnlistedOneIsRefused() {
        SecretBytes oldKey = randomKey();
        SecretBytes newKey = randomKey();
        Sealer before = Sealer.withKeys(setup(SETUP), List.of(oldKey), new SecureRandom());
        Sealer during = Sealer.withKeys(setup(SETUP), List.of(newKey, oldKey), new SecureRandom());
        Sealer after = Sealer.withKeys(setup(SETUP), List.of(newKey), new SecureRandom());
        byte[] old = before.seal(REDIS_KEY, PLAINTEXT);
        byte[] fresh = during.seal(REDIS_KEY, PLAINTEXT);

        assertThat(HexFormat.of().formatHex(fresh, 1, 1 + Sealer.KEY_ID_LENGTH))
                .isEqualTo(during.sealingKeyId())
                .isEqualTo(after.sealingKeyId());
        assertThat(during.keyIds()).containsExactly(after.sealingKeyId(), before.sealingKeyId());
        assertThat(during.open(REDIS_KEY, old, "test"))
                .hasValueSatisfying(p -> assertThat(p).isEqualTo(PLAINTEXT));
        assertThat(during.open(REDIS_KEY, fresh, "test"))
                .hasValueSatisfying(p -> assertThat(p).isEqualTo(PLAINTEXT));
        assertThat(after.open(REDIS_KEY, fresh, "test")).isPresent();
        assertThat(after.open(REDIS_KEY, old, "test")).isEmpty();
        assertThat(before.open(REDIS_KEY, fresh, "test")).isEmpty();
        // The names key does not move with the sealing keys: indexes keep their key names across a rotation.
        assertThat(after.userTag("alice"))
                .isEqualTo(before.userTag("alice"))
                .isEqualTo("bc6adce019350b56868b887058df10b0");
    }

    /** The setup-derived key is the key earlier versions sealed with: their values open when it is listed. */
    @Test
    void theSetupDerivedKey_opensWhatEarlierVersionsSealed() {
        SecretBytes derived = Sealer.derivedKey(setup(SETUP));
        assertThat(HexFormat.of().formatHex(derived.revealBytes()))
                .isEqualTo("1862903be740fe35b304e4e50f400dca7eefbdfa8b8c911eed7290953379c15c");
        Sealer rotating = Sealer.withKeys(setup(SETUP), List.of(randomKey(), derived), new SecureRandom());
        assertThat(rotating.open(REDIS_KEY, HexFormat.of().parseHex(SEALED_SNAPSHOT), "test"))
                .hasValueSatisfying(plaintext -> assertThat(plaintext).isEqualTo(PLAINTEXT));
        assertThat(rotating.sealingKeyId()).isNotEqualTo(KEY_ID);
    }

    @Test
    void keysOfTheWrongLength_aKeyListedTwice_orNone_areRefused() {
        SecretBytes key = randomKey();
        assertThatThrownBy(() -> Sealer.withKeys(setup(SETUP), List.of(), new SecureRandom()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() ->
                        Sealer.withKeys(setup(SETUP), List.of(SecretBytes.copyOf(new byte[16])), new SecureRandom()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("32 bytes");
        assertThatThrownBy(() -> Sealer.withKeys(setup(SETUP), List.of(key, key), new SecureRandom()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("listed twice");
    }

    /**
     * The user tag in key names: HMAC-SHA256 under HKDF-SHA256(IKM = SETUP, info = "opaque-pop v1 redis user
     * names") = 9791333443df9760b44e8476b3094c0a4c594819a230cf1558acc9632fd92f26, first 16 bytes (Python hmac).
     */
    @Test
    void userTag_matchesTheIndependentlyComputedValue_andDependsOnTheSetup() {
        Sealer mine = Sealer.fromSetup(setup(SETUP), new SecureRandom());
        assertThat(mine.userTag("alice")).isEqualTo("bc6adce019350b56868b887058df10b0");
        assertThat(mine.userTag("alicf")).isNotEqualTo(mine.userTag("alice"));
        assertThat(Sealer.fromSetup(setup(OTHER_SETUP), new SecureRandom()).userTag("alice"))
                .isNotEqualTo(mine.userTag("alice"));
    }

    @Test
    void sessionRecord_hasTheDocumentedLayout_andRoundTrips() {
        byte[] key = new byte[32];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) i;
        }
        byte[] tag = new byte[RecordTag.LENGTH];
        Arrays.fill(tag, (byte) 0xaa);
        Instant created = Instant.ofEpochSecond(1767225600);
        Session session = new Session(
                SESSION_ID,
                "alice",
                PopKey.fromBytes(key),
                created,
                created.plusSeconds(60),
                created.plusSeconds(960),
                created.plusSeconds(3600),
                "127.0.0.1",
                RecordTag.fromBytes(tag),
                LoginPurpose.PASSWORD_CHANGE);
        byte[] plaintext = Records.session(session);
        HexFormat hex = HexFormat.of();
        assertThat(hex.formatHex(plaintext))
                .isEqualTo("03" + "000000006955b900" + "00000000" + "000000006955b93c" + "00000000"
                        + "000000006955bcc0" + "00000000" + "000000006955c710" + "00000000"
                        + hex.formatHex(key) + hex.formatHex(tag) + "01"
                        + "08" + hex.formatHex("QEFCQ0RF".getBytes(UTF_8))
                        + "09" + hex.formatHex("127.0.0.1".getBytes(UTF_8))
                        + hex.formatHex("alice".getBytes(UTF_8)));
        Session back = Records.session(SESSION_ID, plaintext).orElseThrow();
        assertThat(back.sessionId()).isEqualTo(SESSION_ID);
        assertThat(back.username()).isEqualTo("alice");
        assertThat(back.createdAt()).isEqualTo(session.createdAt());
        assertThat(back.lastUsedAt()).isEqualTo(session.lastUsedAt());
        assertThat(back.idleExpiresAt()).isEqualTo(session.idleExpiresAt());
        assertThat(back.expiresAt()).isEqualTo(session.expiresAt());
        assertThat(back.clientAddress()).isEqualTo("127.0.0.1");
        assertThat(back.recordTag()).isEqualTo(session.recordTag());
        assertThat(back.purpose()).isEqualTo(LoginPurpose.PASSWORD_CHANGE);
        assertThat(back.popKey().secret().revealBytes()).isEqualTo(key);

        SessionSummary summary = Records.summary("hash", plaintext).orElseThrow();
        assertThat(summary.idPrefix()).isEqualTo("QEFCQ0RF");
        assertThat(summary.idHash()).isEqualTo("hash");
        assertThat(summary.lastUsedAt()).isEqualTo(session.lastUsedAt());
        assertThat(summary.clientAddress()).isEqualTo("127.0.0.1");

        assertThat(Records.session("X" + SESSION_ID.substring(1), plaintext))
                .as("a value whose id prefix is another session's")
                .isEmpty();
        assertThat(Records.session(SESSION_ID, Arrays.copyOf(plaintext, 40))).isEmpty();
        assertThat(Records.summary("hash", Arrays.copyOf(plaintext, 40))).isEmpty();
        assertThat(Records.session(SESSION_ID, Arrays.copyOf(plaintext, plaintext.length - 5)))
                .as("no username")
                .isEmpty();
        byte[] oldLayout = plaintext.clone();
        oldLayout[0] = 0;
        assertThat(Records.session(SESSION_ID, oldLayout))
                .as("the layout before format bytes")
                .isEmpty();
        assertThat(Records.summary("hash", oldLayout)).isEmpty();
        byte[] unknownPurpose = plaintext.clone();
        unknownPurpose[1 + 4 * 12 + 32 + RecordTag.LENGTH] = 9;
        assertThat(Records.session(SESSION_ID, unknownPurpose))
                .as("a purpose this server does not know")
                .isEmpty();

        // Written before logins had a purpose: format 2, no purpose byte. Read as an ordinary sign-in, so that
        // an upgrade keeps users logged in but never lets such a session change a password.
        byte[] formatTwo = new byte[plaintext.length - 1];
        int purposeAt = 1 + 4 * 12 + 32 + RecordTag.LENGTH;
        System.arraycopy(plaintext, 0, formatTwo, 0, purposeAt);
        System.arraycopy(plaintext, purposeAt + 1, formatTwo, purposeAt, plaintext.length - purposeAt - 1);
        formatTwo[0] = 2;
        Session before = Records.session(SESSION_ID, formatTwo).orElseThrow();
        assertThat(before.purpose()).isEqualTo(LoginPurpose.SIGN_IN);
        assertThat(before.username()).isEqualTo("alice");
        assertThat(before.clientAddress()).isEqualTo("127.0.0.1");
        assertThat(Records.summary("hash", formatTwo).orElseThrow().idPrefix()).isEqualTo("QEFCQ0RF");
    }

    @Test
    void pendingLoginRecord_roundTrips_andRejectsMalformedPlaintexts() {
        byte[] state = new byte[128];
        new SecureRandom().nextBytes(state);
        byte[] tag = new byte[RecordTag.LENGTH];
        Arrays.fill(tag, (byte) 0x55);
        PendingLogin login = new PendingLogin(
                "bob", RecordTag.fromBytes(tag), SecretBytes.copyOf(state), Instant.ofEpochSecond(1767225660, 5));
        byte[] plaintext = Records.pendingLogin(login);
        assertThat(HexFormat.of().formatHex(plaintext, 0, 1 + 12 + 16 + 2))
                .isEqualTo(
                        "02" + "000000006955b93c" + "00000005" + HexFormat.of().formatHex(tag) + "0080");
        PendingLogin back = Records.pendingLogin(plaintext).orElseThrow();
        assertThat(back.username()).isEqualTo("bob");
        assertThat(back.expiresAt()).isEqualTo(login.expiresAt());
        assertThat(back.recordTag()).isEqualTo(login.recordTag());
        assertThat(back.state().revealBytes()).isEqualTo(state);
        assertThat(back.toString()).doesNotContain(Base64.getEncoder().encodeToString(state));
        assertThat(Records.pendingLogin(Arrays.copyOf(plaintext, 100))).isEmpty();
        byte[] hugeLength = plaintext.clone();
        hugeLength[29] = (byte) 0xff;
        assertThat(Records.pendingLogin(hugeLength)).isEmpty();
        byte[] oldLayout = plaintext.clone();
        oldLayout[0] = 0;
        assertThat(Records.pendingLogin(oldLayout)).isEmpty();
    }

    private static SecretBytes randomKey() {
        byte[] key = new byte[Sealer.KEY_LENGTH];
        new SecureRandom().nextBytes(key);
        return SecretBytes.copyOf(key);
    }

    private static ServerSetup setup(String base64url) {
        try {
            return ServerSetup.decode(Base64.getUrlDecoder().decode(base64url));
        } catch (dev.opaquepop.opaque.InvalidMessageException e) {
            throw new IllegalStateException(e);
        }
    }
}
