package dev.opaquepop.opaque;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opaquepop.opaque.internal.Bytes;
import dev.opaquepop.opaque.internal.Ristretto255;
import dev.opaquepop.testfixtures.Draw;
import dev.opaquepop.testfixtures.FixedRandom;
import dev.opaquepop.testfixtures.RandomSeed;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every decoder of untrusted bytes (the six messages, {@link ServerSetup#decode(byte[])} and {@link
 * ServerLogin#restore}) either returns a value or throws {@link InvalidMessageException}, whatever it is fed:
 * no other exception, no error. What it accepts is exactly what it should (the right length, and every element
 * field a valid ristretto255 element, the setup's private key a canonical non-zero scalar), and an accepted value
 * re-encodes to the very same bytes.
 */
@ExtendWith(RandomSeed.class)
class DecoderPropertiesTest {
    private static final OpaqueConfig CONFIG =
            OpaqueConfig.builder().ksf(Ksf.identityUnsafeForTestsOnly()).build();
    private static final byte[] CREDENTIAL_ID = "decoder-properties".getBytes(StandardCharsets.UTF_8);
    private static final byte[] PASSWORD = "hunter2-decoder".getBytes(StandardCharsets.UTF_8);

    /** The group order l = 2^252 + 27742317777372353535851937790883648493, little-endian. */
    private static final byte[] GROUP_ORDER =
            HexFormat.of().parseHex("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");

    /** The longest random input, the most bytes added to an encoding, the longest patch written over one. */
    private static final int MAX_LENGTH = 400;

    private static final int MAX_EXTRA = 80;
    private static final int MAX_PATCH = 40;
    /** Transcript seeds at the edges of long's range, besides the random ones. */
    private static final long[] EDGE_SEEDS = {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE};

    /** The untrusted-input decoders of the public API, with what each must accept. */
    enum Decoder {
        REGISTRATION_REQUEST,
        REGISTRATION_RESPONSE,
        REGISTRATION_RECORD,
        KE1,
        KE2,
        KE3,
        SERVER_SETUP,
        SERVER_LOGIN_STATE;

        private static final List<Decoder> ALL = List.of(values());

        /** The decoder for case {@code i}: round robin, so every decoder gets the same share of random cases. */
        static Decoder forCase(int i) {
            return ALL.get(i % ALL.size());
        }

        int length() {
            return switch (this) {
                case REGISTRATION_REQUEST -> RegistrationRequest.LENGTH;
                case REGISTRATION_RESPONSE -> RegistrationResponse.LENGTH;
                case REGISTRATION_RECORD -> RegistrationRecord.LENGTH;
                case KE1 -> Ke1.LENGTH;
                case KE2 -> Ke2.LENGTH;
                case KE3 -> Ke3.LENGTH;
                case SERVER_SETUP -> ServerSetup.LENGTH;
                case SERVER_LOGIN_STATE -> ServerLogin.STATE_LENGTH;
            };
        }

        /** Offsets of the fields that must be valid ristretto255 elements. */
        int[] elementOffsets() {
            return switch (this) {
                case REGISTRATION_REQUEST, REGISTRATION_RECORD -> new int[] {0};
                case REGISTRATION_RESPONSE -> new int[] {0, 32};
                case KE1 -> new int[] {0, 64};
                // evaluated_message (32) || masking_nonce (32) || masked_response (128) || server_nonce (32) ||
                // server_public_keyshare (32) || server_mac (64)
                case KE2 -> new int[] {0, 224};
                case SERVER_SETUP -> new int[] {96};
                case KE3, SERVER_LOGIN_STATE -> new int[0];
            };
        }

        Object decode(byte[] encoded) throws InvalidMessageException {
            return switch (this) {
                case REGISTRATION_REQUEST -> RegistrationRequest.decode(encoded);
                case REGISTRATION_RESPONSE -> RegistrationResponse.decode(encoded);
                case REGISTRATION_RECORD -> RegistrationRecord.decode(encoded);
                case KE1 -> Ke1.decode(encoded);
                case KE2 -> Ke2.decode(encoded);
                case KE3 -> Ke3.decode(encoded);
                case SERVER_SETUP -> ServerSetup.decode(encoded);
                case SERVER_LOGIN_STATE -> ServerLogin.restore(SecretBytes.copyOf(encoded));
            };
        }

        /** What a correct decoder accepts: the exact length and valid elements (and scalar) at their offsets. */
        boolean shouldAccept(byte[] encoded) {
            if (encoded.length != length()) {
                return false;
            }
            for (int offset : elementOffsets()) {
                if (!Ristretto255.isValidElement(Arrays.copyOfRange(encoded, offset, offset + 32))) {
                    return false;
                }
            }
            return this != SERVER_SETUP || Ristretto255.isCanonicalNonZeroScalar(Arrays.copyOfRange(encoded, 64, 96));
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Random input

    @Test
    void decode_randomBytesOfRandomLength_returnsValueOrThrowsInvalidMessage(SplittableRandom random) {
        for (int i = 0; i < 5000; i++) {
            assertAcceptsExactlyTheValidOnes(Decoder.forCase(i), Draw.bytes(random, 0, MAX_LENGTH));
        }
    }

    @Test
    void decode_randomBytesOfExactLength_acceptsExactlyTheValidOnes(SplittableRandom random) {
        for (int i = 0; i < 5000; i++) {
            Decoder decoder = Decoder.forCase(i);
            assertAcceptsExactlyTheValidOnes(decoder, Draw.bytes(random, decoder.length()));
        }
    }

    /** No bytes, one byte, and uniform bytes of the exact length, one off, and the longest random length. */
    @Test
    void decode_edgeCaseBytes_acceptsExactlyTheValidOnes() {
        for (Decoder decoder : Decoder.values()) {
            assertAcceptsExactlyTheValidOnes(decoder, new byte[0]);
            for (int fill : new int[] {0x00, 0x01, 0x7f, 0x80, 0xff}) {
                for (int length :
                        new int[] {1, decoder.length() - 1, decoder.length(), decoder.length() + 1, MAX_LENGTH}) {
                    byte[] bytes = new byte[length];
                    Arrays.fill(bytes, (byte) fill);
                    assertAcceptsExactlyTheValidOnes(decoder, bytes);
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Valid encodings, and valid encodings damaged

    @Test
    void decode_validEncoding_roundTrips(SplittableRandom random) throws Exception {
        for (long seed : EDGE_SEEDS) {
            assertRoundTrips(seed);
        }
        for (int i = 0; i < 100; i++) {
            assertRoundTrips(random.nextLong());
        }
    }

    private static void assertRoundTrips(long seed) throws OpaqueException {
        Map<Decoder, byte[]> transcript = transcript(seed);
        for (Decoder decoder : Decoder.values()) {
            byte[] encoded = transcript.get(decoder);
            assertThat(encoded).as("%s length", decoder).hasSize(decoder.length());
            Object decoded = decoder.decode(encoded);
            // Encode once: exporting a ServerLogin hands its state over, so it can be exported only once.
            byte[] reencoded = encode(decoded);
            assertThat(reencoded).as("%s re-encoded", decoder).isEqualTo(encoded);
            Object again = decoder.decode(reencoded);
            if (decoded instanceof Message message) {
                assertThat(again).as("%s decode(encode(x))", decoder).isEqualTo(message);
                assertThat(again.hashCode()).isEqualTo(message.hashCode());
            } else {
                assertThat(encode(again)).as("%s decode(encode(x))", decoder).isEqualTo(encoded);
            }
        }
        ServerSetup setup = ServerSetup.decode(transcript.get(Decoder.SERVER_SETUP));
        assertThat(ServerSetup.decode(setup.encode()).publicKey()).isEqualTo(setup.publicKey());
        assertThat(ServerLogin.restore(SecretBytes.copyOf(transcript.get(Decoder.SERVER_LOGIN_STATE)))
                        .ke2())
                .isNull();
    }

    @Test
    void decode_truncatedValidEncoding_throwsInvalidMessage(SplittableRandom random) throws Exception {
        for (int i = 0; i < 200; i++) {
            Decoder decoder = Decoder.forCase(i);
            byte[] valid = transcript(random.nextLong()).get(decoder);
            assertRejected(decoder, Arrays.copyOf(valid, random.nextInt(valid.length)), "truncated");
        }
    }

    /** Every proper prefix of every encoding, the empty one included. */
    @Test
    void decode_everyTruncationOfAValidEncoding_throwsInvalidMessage() throws Exception {
        Map<Decoder, byte[]> transcript = transcript(0);
        for (Decoder decoder : Decoder.values()) {
            byte[] valid = transcript.get(decoder);
            for (int length = 0; length < valid.length; length++) {
                assertRejected(decoder, Arrays.copyOf(valid, length), "truncated");
            }
        }
    }

    @Test
    void decode_extendedValidEncoding_throwsInvalidMessage(SplittableRandom random) throws Exception {
        for (int i = 0; i < 200; i++) {
            Decoder decoder = Decoder.forCase(i);
            byte[] valid = transcript(random.nextLong()).get(decoder);
            byte[] extra = Draw.bytes(random, 1, MAX_EXTRA);
            boolean prepend = random.nextBoolean();
            assertRejected(
                    decoder,
                    prepend ? Bytes.concat(extra, valid) : Bytes.concat(valid, extra),
                    (prepend ? "prepended with " : "appended with ") + extra.length + " bytes");
        }
    }

    /** One byte and the most bytes added, before and after; the added bytes a copy of the encoding's own. */
    @Test
    void decode_extendedValidEncoding_edgeCases() throws Exception {
        Map<Decoder, byte[]> transcript = transcript(0);
        for (Decoder decoder : Decoder.values()) {
            byte[] valid = transcript.get(decoder);
            for (byte[] extra : new byte[][] {
                new byte[1], new byte[MAX_EXTRA], Arrays.copyOf(valid, 1), Arrays.copyOf(valid, MAX_EXTRA)
            }) {
                assertRejected(decoder, Bytes.concat(extra, valid), "prepended with " + extra.length + " bytes");
                assertRejected(decoder, Bytes.concat(valid, extra), "appended with " + extra.length + " bytes");
            }
        }
    }

    @Test
    void decode_validEncodingWithBytesOverwritten_acceptsExactlyTheValidOnes(SplittableRandom random) throws Exception {
        for (int i = 0; i < 300; i++) {
            Decoder decoder = Decoder.forCase(i);
            byte[] bytes = transcript(random.nextLong()).get(decoder);
            overwrite(bytes, random.nextInt(bytes.length), Draw.bytes(random, 1, MAX_PATCH));
            assertAcceptsExactlyTheValidOnes(decoder, bytes);
        }
    }

    /** The first and last byte, and the longest patch at the start and at the end, with zeros and with ones. */
    @Test
    void decode_validEncodingWithBytesOverwritten_edgeCases() throws Exception {
        Map<Decoder, byte[]> transcript = transcript(0);
        byte[] ones = new byte[MAX_PATCH];
        Arrays.fill(ones, (byte) 0xff);
        for (Decoder decoder : Decoder.values()) {
            int last = decoder.length() - 1;
            for (byte[] patch : new byte[][] {new byte[1], Arrays.copyOf(ones, 1), new byte[MAX_PATCH], ones}) {
                for (int start : new int[] {0, Math.max(0, last - patch.length + 1), last}) {
                    byte[] bytes = transcript.get(decoder).clone();
                    overwrite(bytes, start, patch);
                    assertAcceptsExactlyTheValidOnes(decoder, bytes);
                }
            }
        }
    }

    /** Overwrites {@code bytes} from {@code start} with as much of {@code patch} as fits. */
    private static void overwrite(byte[] bytes, int start, byte[] patch) {
        System.arraycopy(patch, 0, bytes, start, Math.min(patch.length, bytes.length - start));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Explicit examples

    @Test
    void decode_identityElement_rejected() throws Exception {
        Map<Decoder, byte[]> transcript = transcript(1);
        int checked = 0;
        for (Decoder decoder : Decoder.values()) {
            for (int offset : decoder.elementOffsets()) {
                byte[] bytes = transcript.get(decoder).clone();
                Arrays.fill(bytes, offset, offset + 32, (byte) 0);
                assertThatThrownBy(() -> decoder.decode(bytes))
                        .as("%s with the identity at offset %d", decoder, offset)
                        .isInstanceOf(InvalidMessageException.class);
                checked++;
            }
        }
        assertThat(checked).isEqualTo(9);
        assertThatThrownBy(() -> RegistrationRequest.decode(new byte[32])).isInstanceOf(InvalidMessageException.class);
    }

    @Test
    void decode_nonCanonicalElement_rejected() throws Exception {
        Map<Decoder, byte[]> transcript = transcript(2);
        byte[] valid = transcript.get(Decoder.REGISTRATION_REQUEST);
        byte[] allOnes = new byte[32];
        Arrays.fill(allOnes, (byte) 0xff);
        // p = 2^255 - 19 itself: reduces to zero but is not the canonical encoding.
        byte[] fieldPrime = allOnes.clone();
        fieldPrime[0] = (byte) 0xed;
        fieldPrime[31] = 0x7f;
        // p + 1: even, but canonical encodings are < p.
        byte[] fieldPrimePlusOne = fieldPrime.clone();
        fieldPrimePlusOne[0] = (byte) 0xee;
        // s = 1 is "negative" (odd), which ristretto255 encodings never are.
        byte[] negative = new byte[32];
        negative[0] = 1;
        // A valid element with the (always clear) top bit set.
        byte[] topBitSet = valid.clone();
        topBitSet[31] |= (byte) 0x80;
        // A valid element's low bit flipped: the negative of its s.
        byte[] lowBitFlipped = valid.clone();
        lowBitFlipped[0] ^= 1;

        for (byte[] bad : new byte[][] {allOnes, fieldPrime, fieldPrimePlusOne, negative, topBitSet, lowBitFlipped}) {
            assertThat(Ristretto255.isValidElement(bad)).isFalse();
            for (Decoder decoder : Decoder.values()) {
                for (int offset : decoder.elementOffsets()) {
                    byte[] bytes = transcript.get(decoder).clone();
                    System.arraycopy(bad, 0, bytes, offset, 32);
                    assertThatThrownBy(() -> decoder.decode(bytes))
                            .as(
                                    "%s with %s at offset %d",
                                    decoder, HexFormat.of().formatHex(bad), offset)
                            .isInstanceOf(InvalidMessageException.class);
                }
            }
        }
    }

    @Test
    void decodeServerSetup_privateKeyZeroOrNotBelowGroupOrder_rejected() throws Exception {
        byte[] valid = transcript(3).get(Decoder.SERVER_SETUP);
        byte[] orderPlusOne = GROUP_ORDER.clone();
        orderPlusOne[0]++;
        byte[] allOnes = new byte[32];
        Arrays.fill(allOnes, (byte) 0xff);
        byte[] orderTimesTwo = GROUP_ORDER.clone();
        // 2l < 2^256: shift left by one bit, little-endian.
        int carry = 0;
        for (int i = 0; i < 32; i++) {
            int doubled = ((GROUP_ORDER[i] & 0xff) << 1) | carry;
            orderTimesTwo[i] = (byte) doubled;
            carry = doubled >>> 8;
        }
        for (byte[] badKey : new byte[][] {new byte[32], GROUP_ORDER, orderPlusOne, orderTimesTwo, allOnes}) {
            byte[] bytes = valid.clone();
            System.arraycopy(badKey, 0, bytes, 64, 32);
            assertThatThrownBy(() -> ServerSetup.decode(bytes))
                    .as("private key %s", HexFormat.of().formatHex(badKey))
                    .isInstanceOf(InvalidMessageException.class);
            assertThatThrownBy(() -> ServerSetup.decode(SecretBytes.copyOf(bytes)))
                    .isInstanceOf(InvalidMessageException.class);
        }

        // The extremes of the valid range are accepted.
        byte[] orderMinusOne = GROUP_ORDER.clone();
        orderMinusOne[0]--;
        byte[] one = new byte[32];
        one[0] = 1;
        for (byte[] goodKey : new byte[][] {orderMinusOne, one}) {
            byte[] bytes = valid.clone();
            System.arraycopy(goodKey, 0, bytes, 64, 32);
            ServerSetup setup = ServerSetup.decode(bytes);
            assertThat(setup.encode().revealBytes()).isEqualTo(bytes);
            assertThat(setup.publicKey()).isEqualTo(Ristretto255.multiplyBase(goodKey));
        }
    }

    @Test
    void decode_null_throwsInvalidMessage() {
        for (Decoder decoder : Decoder.values()) {
            if (decoder != Decoder.SERVER_LOGIN_STATE) {
                assertThatThrownBy(() -> decoder.decode(null))
                        .as("%s of null", decoder)
                        .isInstanceOf(InvalidMessageException.class);
            }
        }
    }

    @Test
    void decode_emptyAndOffByOneLengths_throwInvalidMessage() {
        for (Decoder decoder : Decoder.values()) {
            for (int length : new int[] {0, 1, decoder.length() - 1, decoder.length() + 1, 2 * decoder.length()}) {
                byte[] bytes = new byte[length];
                Arrays.fill(bytes, (byte) 0x2a);
                assertThatThrownBy(() -> decoder.decode(bytes))
                        .as("%s of %d bytes", decoder, length)
                        .isInstanceOf(InvalidMessageException.class);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Helpers

    /** Decodes {@code bytes}, and checks it accepted them exactly when they are valid, and re-encodes them as is. */
    private static void assertAcceptsExactlyTheValidOnes(Decoder decoder, byte[] bytes) {
        Optional<Object> decoded = decodeOrReject(decoder, bytes);
        assertThat(decoded.isPresent())
                .as("%s accepts %s", decoder, HexFormat.of().formatHex(bytes))
                .isEqualTo(decoder.shouldAccept(bytes));
        decoded.ifPresent(
                value -> assertThat(encode(value)).as("%s re-encoded", decoder).isEqualTo(bytes));
    }

    private static void assertRejected(Decoder decoder, byte[] bytes, String how) {
        assertThat(decodeOrReject(decoder, bytes))
                .as("%s %s: %s", decoder, how, HexFormat.of().formatHex(bytes))
                .isEmpty();
    }

    /** Decodes, turning InvalidMessageException into empty and anything else thrown into a test failure. */
    static Optional<Object> decodeOrReject(Decoder decoder, byte[] bytes) {
        byte[] copy = bytes.clone();
        Object decoded;
        try {
            decoded = decoder.decode(copy);
        } catch (InvalidMessageException e) {
            return Optional.empty();
        } catch (Throwable t) {
            throw new AssertionError(
                    decoder + " of " + bytes.length + " bytes threw " + t + " instead of InvalidMessageException", t);
        }
        assertThat(copy).as("%s left its input alone", decoder).isEqualTo(bytes);
        return Optional.of(decoded);
    }

    static byte[] encode(Object value) {
        return switch (value) {
            case Message message -> message.encode();
            case ServerSetup setup -> setup.encode().revealBytes();
            case ServerLogin login -> login.exportState().revealBytes();
            default -> throw new IllegalArgumentException("not a decoded value: " + value.getClass());
        };
    }

    /** A full registration and login driven by a seeded random source; every decodable encoding it produced. */
    static Map<Decoder, byte[]> transcript(long seed) throws OpaqueException {
        SecureRandom random = FixedRandom.seeded(seed);
        ServerSetup setup = ServerSetup.generate(random);
        OpaqueServer server = new OpaqueServer(CONFIG, setup, random);
        OpaqueClient client = new OpaqueClient(CONFIG, random);

        ClientRegistration registration = client.startRegistration(PASSWORD);
        RegistrationResponse response = server.registrationResponse(registration.request(), CREDENTIAL_ID);
        RegistrationRecord record =
                registration.finish(response, Identities.none()).record();

        ClientLogin login = client.startLogin(PASSWORD);
        ServerLogin serverLogin = server.startLogin(record, login.ke1(), CREDENTIAL_ID, Identities.none());
        byte[] state = serverLogin.exportState().revealBytes();
        ClientLoginResult result = login.finish(serverLogin.ke2(), Identities.none());
        assertThat(ServerLogin.restore(SecretBytes.copyOf(state))
                        .finish(result.ke3())
                        .equalsConstantTime(result.sessionKey()))
                .as("the transcript's login succeeded")
                .isTrue();

        Map<Decoder, byte[]> encodings = new EnumMap<>(Decoder.class);
        encodings.put(Decoder.REGISTRATION_REQUEST, registration.request().encode());
        encodings.put(Decoder.REGISTRATION_RESPONSE, response.encode());
        encodings.put(Decoder.REGISTRATION_RECORD, record.encode());
        encodings.put(Decoder.KE1, login.ke1().encode());
        encodings.put(Decoder.KE2, serverLogin.ke2().encode());
        encodings.put(Decoder.KE3, result.ke3().encode());
        encodings.put(Decoder.SERVER_SETUP, setup.encode().revealBytes());
        encodings.put(Decoder.SERVER_LOGIN_STATE, state);
        return encodings;
    }
}
