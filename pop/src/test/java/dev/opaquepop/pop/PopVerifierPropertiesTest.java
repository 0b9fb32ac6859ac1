package dev.opaquepop.pop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/** Never-crash and round-trip properties: whatever arrives in the headers, the verifier only ever refuses. */
class PopVerifierPropertiesTest {
    @Property(tries = 2000)
    void verify_arbitraryHeaders_onlyPopVerificationException(
            @ForAll("headerOrNull") String authorization,
            @ForAll("headerOrNull") String timestamp,
            @ForAll("headerOrNull") String nonce,
            @ForAll("headerOrNull") String pop,
            @ForAll String method,
            @ForAll String target,
            @ForAll @Size(max = 64) byte[] body) {
        PopFixture f = new PopFixture();
        IncomingRequest request = IncomingRequest.of(method, target, authorization, timestamp, nonce, pop, body);
        try {
            f.verifier.verify(request);
        } catch (PopVerificationException expected) {
            assertThat(expected.getMessage()).isEqualTo(expected.failure().code());
        }
    }

    @Property(tries = 1000)
    void verify_nearlyValidHeaders_onlyPopVerificationException(@ForAll("nearlyValid") IncomingRequest request) {
        PopFixture f = new PopFixture();
        try {
            assertThat(f.verifier.verify(request)).isSameAs(f.session);
        } catch (PopVerificationException expected) {
            assertThat(expected.failure()).isNotNull();
        }
    }

    @Property(tries = 300)
    void signThenVerify_anyTargetAndBody_succeedsOnce(
            @ForAll("method") String method, @ForAll("target") String target, @ForAll byte[] body)
            throws PopVerificationException {
        PopFixture f = new PopFixture();
        SignedRequest signed = f.sign(method, target, body);
        IncomingRequest request = PopFixture.incoming(method, target, signed, body);
        assertThat(f.verifier.verify(request)).isSameAs(f.session);
        try {
            f.verifier.verify(request);
            throw new AssertionError("a replay was accepted");
        } catch (PopVerificationException e) {
            assertThat(e.failure()).isEqualTo(PopFailure.REPLAYED_NONCE);
        }
    }

    @Provide
    Arbitrary<String> headerOrNull() {
        return Arbitraries.oneOf(
                        Arbitraries.strings().ofMaxLength(80),
                        Arbitraries.strings().withChars("ABCxyz019-_=+/ ").ofMaxLength(70),
                        Arbitraries.strings().numeric().ofMaxLength(20),
                        Arbitraries.strings()
                                .withChars("ABCxyz019-_")
                                .ofLength(43)
                                .map(id -> "Bearer " + id))
                .injectNull(0.1);
    }

    /** Headers drawn near their valid forms, so the deeper checks (session, window, MAC) run too. */
    @Provide
    Arbitrary<IncomingRequest> nearlyValid() {
        Arbitrary<String> sessions = Arbitraries.of(
                PopFixture.SESSION_ID, PopFixture.OTHER_SESSION_ID, PopFixture.SESSION_ID.toLowerCase(Locale.ROOT));
        Arbitrary<String> timestamps = Arbitraries.longs()
                .between(PopFixture.START.getEpochSecond() - 40, PopFixture.START.getEpochSecond() + 40)
                .map(Object::toString);
        Arbitrary<String> nonces =
                Arbitraries.strings().withChars("ab01-_").ofMinLength(14).ofMaxLength(66);
        Arbitrary<String> pops = Arbitraries.bytes()
                .array(byte[].class)
                .ofMinSize(31)
                .ofMaxSize(33)
                .map(b -> Base64Url.encode(b) + (b.length % 2 == 0 ? "=" : ""));
        return Combinators.combine(sessions, timestamps, nonces, pops)
                .as((session, ts, nonce, pop) ->
                        IncomingRequest.of("GET", "/api/me", "Bearer " + session, ts, nonce, pop, null));
    }

    @Provide
    Arbitrary<String> method() {
        return Arbitraries.of("GET", "POST", "post", "DELETE", "PATCH");
    }

    @Provide
    Arbitrary<String> target() {
        return Arbitraries.strings()
                .withChars("abc/?&=%é~._-0123456789")
                .ofMaxLength(60)
                .map(rest -> "/" + rest);
    }

    @Property(tries = 50)
    void sessionLookupNeverSeesAMalformedId(@ForAll("headerOrNull") String authorization) {
        PopFixture f = new PopFixture();
        PopVerifier verifier = new PopVerifier(
                id -> {
                    assertThat(id).matches("[A-Za-z0-9_-]{43}");
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
                    .isIn(PopFailure.MISSING_CREDENTIALS, PopFailure.MALFORMED_CREDENTIALS, PopFailure.UNKNOWN_SESSION);
        }
    }
}
