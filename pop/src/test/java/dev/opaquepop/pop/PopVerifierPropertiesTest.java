package dev.opaquepop.pop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opaquepop.testfixtures.Draw;
import dev.opaquepop.testfixtures.RandomSeed;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Never-crash and round-trip properties: whatever arrives in the headers, the verifier only ever refuses. */
@ExtendWith(RandomSeed.class)
class PopVerifierPropertiesTest {
    private static final String HEADER_NOISE = "ABCxyz019-_=+/ ";
    private static final String SESSION_ID_CHARACTERS = "ABCxyz019-_";
    private static final String NONCE_CHARACTERS = "ab01-_";
    private static final String TARGET_CHARACTERS = "abc/?&=%é~._-0123456789";
    private static final List<String> METHODS = List.of("GET", "POST", "post", "DELETE", "PATCH");
    private static final List<String> SESSIONS =
            List.of(PopFixture.SESSION_ID, PopFixture.OTHER_SESSION_ID, PopFixture.SESSION_ID.toLowerCase(Locale.ROOT));

    /**
     * Header values on the edges of what the verifier parses: absent, empty, lone and odd characters, the scheme
     * alone, session ids, timestamps, nonces and MACs one character short of, at, and one beyond their limits.
     */
    private static final List<String> EDGE_HEADERS = Arrays.asList(
            null,
            "",
            " ",
            "\u0000",
            "\uffff",
            "\ud800",
            "\u212a",
            "Bearer ",
            "bearer " + "A".repeat(43),
            "Bearer " + "A".repeat(42),
            "Bearer " + "A".repeat(43),
            "Bearer " + "A".repeat(44),
            "Bearer " + "A".repeat(42) + "\ud800",
            "0",
            "9".repeat(15),
            "9".repeat(16),
            "-1",
            "a".repeat(15),
            "a".repeat(16),
            "a".repeat(64),
            "a".repeat(65),
            "A".repeat(42),
            "A".repeat(43),
            "A".repeat(43) + "=",
            "A".repeat(43) + "==",
            "A".repeat(44),
            "=".repeat(44));

    // ---------------------------------------------------------------------------------------------------------
    // Anything in the headers

    @Test
    void verify_arbitraryHeaders_onlyPopVerificationException(SplittableRandom random) {
        for (int i = 0; i < 2000; i++) {
            assertOnlyRefuses(IncomingRequest.of(
                    Draw.anyString(random, 80),
                    Draw.anyString(random, 80),
                    headerOrNull(random),
                    headerOrNull(random),
                    headerOrNull(random),
                    headerOrNull(random),
                    Draw.bytes(random, 0, 64)));
        }
    }

    /** Each edge value in each header of an otherwise valid request, and odd methods, targets and bodies. */
    @Test
    void verify_edgeCaseHeaders_onlyPopVerificationException() {
        SignedRequest s = new PopFixture().sign("GET", "/api/me", null);
        for (String edge : EDGE_HEADERS) {
            assertOnlyRefuses(IncomingRequest.of("GET", "/api/me", edge, s.timestamp(), s.nonce(), s.pop(), null));
            assertOnlyRefuses(IncomingRequest.of("GET", "/api/me", s.authorization(), edge, s.nonce(), s.pop(), null));
            assertOnlyRefuses(
                    IncomingRequest.of("GET", "/api/me", s.authorization(), s.timestamp(), edge, s.pop(), null));
            assertOnlyRefuses(
                    IncomingRequest.of("GET", "/api/me", s.authorization(), s.timestamp(), s.nonce(), edge, null));
            assertOnlyRefuses(IncomingRequest.of("GET", "/api/me", edge, edge, edge, edge, null));
        }
        for (String odd : List.of("", "\n", "\r\n", "GET\r\n", "\u0085", "\u2028", "\ud800", "\u0000")) {
            assertOnlyRefuses(PopFixture.incoming(odd, "/api/me", s, null));
            assertOnlyRefuses(PopFixture.incoming("GET", odd, s, null));
        }
        for (byte[] body : List.of(new byte[0], new byte[1], new byte[64])) {
            assertOnlyRefuses(PopFixture.incoming("GET", "/api/me", s, body));
        }
    }

    private static void assertOnlyRefuses(IncomingRequest request) {
        PopFixture f = new PopFixture();
        try {
            f.verifier.verify(request);
        } catch (PopVerificationException expected) {
            assertThat(expected.getMessage()).isEqualTo(expected.failure().code());
        } catch (RuntimeException e) {
            throw new AssertionError("verify threw " + e + " for " + describe(request), e);
        }
    }

    private static String headerOrNull(SplittableRandom random) {
        if (random.nextInt(10) == 0) {
            return null;
        }
        return switch (random.nextInt(5)) {
            case 0 -> Draw.anyString(random, 80);
            case 1 -> Draw.string(random, HEADER_NOISE, 0, 70);
            case 2 -> Draw.string(random, "0123456789", 0, 20);
            case 3 -> PopHeaders.BEARER_PREFIX + Draw.string(random, SESSION_ID_CHARACTERS, 43);
            // The right shape, but any character may be one outside the base64url alphabet.
            default -> PopHeaders.BEARER_PREFIX + Draw.string(random, HEADER_NOISE, 43);
        };
    }

    // ---------------------------------------------------------------------------------------------------------
    // Headers near their valid forms, so the deeper checks (session, window, MAC) run too

    @Test
    void verify_nearlyValidHeaders_onlyPopVerificationException(SplittableRandom random) {
        for (int i = 0; i < 1000; i++) {
            assertNearlyValidOnlyRefused(
                    Draw.oneOf(random, SESSIONS),
                    random.nextLong(-40, 41),
                    Draw.string(random, NONCE_CHARACTERS, 14, 66),
                    Draw.bytes(random, 31, 33));
        }
    }

    /** Every session, with timestamps at and beside the window's edges, nonce and MAC lengths at their limits. */
    @Test
    void verify_nearlyValidHeaders_edgeCases() {
        byte[] bytes = new byte[33];
        Arrays.fill(bytes, (byte) 0xff);
        for (String session : SESSIONS) {
            for (long skew : new long[] {-40, -31, -30, 0, 30, 31, 40}) {
                for (int nonceLength : new int[] {14, 15, 16, 64, 65, 66}) {
                    for (int macLength = 31; macLength <= 33; macLength++) {
                        assertNearlyValidOnlyRefused(
                                session, skew, "a".repeat(nonceLength), Arrays.copyOf(bytes, macLength));
                    }
                }
            }
        }
    }

    /** A MAC of even length gets an "=" appended: for 32 bytes, that is the valid padded form. */
    private static void assertNearlyValidOnlyRefused(String session, long skew, String nonce, byte[] mac) {
        String pop = Base64Url.encode(mac) + (mac.length % 2 == 0 ? "=" : "");
        String timestamp = Long.toString(PopFixture.START.getEpochSecond() + skew);
        IncomingRequest request =
                IncomingRequest.of("GET", "/api/me", "Bearer " + session, timestamp, nonce, pop, null);
        PopFixture f = new PopFixture();
        PopSession verified;
        try {
            verified = f.verifier.verify(request);
        } catch (PopVerificationException expected) {
            assertThat(expected.failure()).isNotNull();
            return;
        } catch (RuntimeException e) {
            throw new AssertionError("verify threw " + e + " for " + describe(request), e);
        }
        assertThat(verified).as(describe(request)).isSameAs(f.session);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Round trip

    @Test
    void signThenVerify_anyTargetAndBody_succeedsOnce(SplittableRandom random) throws PopVerificationException {
        for (int i = 0; i < 300; i++) {
            assertSignedVerifiesOnce(
                    Draw.oneOf(random, METHODS),
                    "/" + Draw.string(random, TARGET_CHARACTERS, 0, 60),
                    Draw.bytes(random, 0, 255));
        }
    }

    @Test
    void signThenVerify_edgeCases_succeedsOnce() throws PopVerificationException {
        List<String> targets = List.of("/", "/" + TARGET_CHARACTERS.repeat(3).substring(0, 60), "/?", "/%", "/é");
        List<byte[]> bodies = new ArrayList<>(List.of(new byte[0], new byte[] {0}, new byte[] {-1}));
        bodies.add(Draw.bytes(new SplittableRandom(1), 255));
        for (String method : METHODS) {
            for (String target : targets) {
                for (byte[] body : bodies) {
                    assertSignedVerifiesOnce(method, target, body);
                }
            }
        }
    }

    private static void assertSignedVerifiesOnce(String method, String target, byte[] body)
            throws PopVerificationException {
        PopFixture f = new PopFixture();
        SignedRequest signed = f.sign(method, target, body);
        IncomingRequest request = PopFixture.incoming(method, target, signed, body);
        assertThat(f.verifier.verify(request)).as(describe(request)).isSameAs(f.session);
        try {
            f.verifier.verify(request);
            throw new AssertionError("a replay was accepted: " + describe(request));
        } catch (PopVerificationException e) {
            assertThat(e.failure()).as(describe(request)).isEqualTo(PopFailure.REPLAYED_NONCE);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Only well-formed session ids reach the lookup

    @Test
    void sessionLookupNeverSeesAMalformedId(SplittableRandom random) {
        for (int i = 0; i < 500; i++) {
            assertLookupSeesOnlyWellFormedIds(headerOrNull(random));
        }
        EDGE_HEADERS.forEach(PopVerifierPropertiesTest::assertLookupSeesOnlyWellFormedIds);
    }

    private static void assertLookupSeesOnlyWellFormedIds(String authorization) {
        PopFixture f = new PopFixture();
        PopVerifier verifier = new PopVerifier(
                id -> {
                    assertThat(id.matches("[A-Za-z0-9_-]{43}"))
                            .as("the lookup saw %s", escape(id))
                            .isTrue();
                    return Optional.empty();
                },
                f.nonces,
                f.clock,
                PopFixture.WINDOW);
        SignedRequest s = f.sign("GET", "/api/me", null);
        try {
            verifier.verify(
                    IncomingRequest.of("GET", "/api/me", authorization, s.timestamp(), s.nonce(), s.pop(), null));
        } catch (PopVerificationException expected) {
            assertThat(expected.failure())
                    .as("authorization %s", authorization)
                    .isIn(PopFailure.MISSING_CREDENTIALS, PopFailure.MALFORMED_CREDENTIALS, PopFailure.UNKNOWN_SESSION);
        }
    }

    /** The request's headers, escaped so that control characters and lone surrogates show in a failure. */
    private static String describe(IncomingRequest request) {
        byte[] body = request.bodyUnsafe();
        return String.join(
                " ",
                escape(request.method()),
                escape(request.target()),
                "authorization=" + escape(request.authorization()),
                "ts=" + escape(request.timestamp()),
                "nonce=" + escape(request.nonce()),
                "pop=" + escape(request.pop()),
                "body=" + (body == null ? "none" : body.length + " bytes"));
    }

    private static String escape(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder escaped = new StringBuilder("\"");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            escaped.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format(Locale.ROOT, "\\u%04x", (int) c));
        }
        return escaped.append('"').toString();
    }
}
