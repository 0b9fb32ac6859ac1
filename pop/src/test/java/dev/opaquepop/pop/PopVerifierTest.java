package dev.opaquepop.pop;

import static dev.opaquepop.pop.PopFixture.BODY;
import static dev.opaquepop.pop.PopFixture.SESSION_ID;
import static dev.opaquepop.pop.PopFixture.incoming;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class PopVerifierTest {
    private final PopFixture f = new PopFixture();

    @Test
    void verify_signedRequest_returnsTheSession() throws Exception {
        SignedRequest signed = f.sign("POST", "/api/transfer", BODY);
        assertThat(f.verifier.verify(incoming("POST", "/api/transfer", signed, BODY)))
                .isSameAs(f.session);
        assertThat(f.nonces.size()).isEqualTo(1);
    }

    @Test
    void verify_noBodyGetWithQuery_succeeds() throws Exception {
        SignedRequest signed = f.sign("GET", "/api/transfers?after=3", null);
        assertThat(f.verifier.verify(incoming("GET", "/api/transfers?after=3", signed, new byte[0])))
                .isSameAs(f.session);
    }

    @Test
    void verify_lowerCaseMethodOnEitherSide_isTheSameMethod() throws Exception {
        SignedRequest signed = f.sign("post", "/logout", null);
        assertThat(f.verifier.verify(incoming("POST", "/logout", signed, null))).isSameAs(f.session);
    }

    @Test
    void verify_paddedPop_accepted() throws Exception {
        SignedRequest signed = f.sign("GET", "/api/me", null);
        IncomingRequest request = IncomingRequest.of(
                "GET", "/api/me", signed.authorization(), signed.timestamp(), signed.nonce(), signed.pop() + "=", null);
        assertThat(f.verifier.verify(request)).isSameAs(f.session);
    }

    @Test
    void verify_lowerCaseBearerScheme_accepted() throws Exception {
        SignedRequest signed = f.sign("GET", "/api/me", null);
        IncomingRequest request = IncomingRequest.of(
                "GET", "/api/me", "bEaReR " + SESSION_ID, signed.timestamp(), signed.nonce(), signed.pop(), null);
        assertThat(f.verifier.verify(request)).isSameAs(f.session);
    }

    /**
     * X-TS is compared in whole seconds, so a request stamped T passes until second T + window has ended. Its
     * nonce must live at least that long (plus the instances' clock margin) from whenever it was claimed: with the
     * earlier fixed TTL of twice the window, a nonce claimed at the very start of second T − window expired a
     * second before its request stopped passing, and a copy sent in that second was accepted.
     */
    @Test
    void verify_nonceIsKeptUntilItsTimestampCanNoLongerPass() throws Exception {
        SignedRequest signed = f.sign("GET", "/api/me", null); // X-TS = START
        Instant lastPassing = PopFixture.START.plus(PopFixture.WINDOW).plusSeconds(1);
        for (Duration at : List.of(
                PopFixture.WINDOW.negated(),
                PopFixture.WINDOW.negated().plusMillis(999),
                Duration.ZERO,
                PopFixture.WINDOW,
                PopFixture.WINDOW.plusMillis(999))) {
            PopFixture fixture = new PopFixture();
            fixture.time.advance(at);
            fixture.verifier.verify(incoming("GET", "/api/me", signed, null));

            Instant claimedAt = PopFixture.START.plus(at);
            assertThat(claimedAt.plus(fixture.nonces.lastTtl()))
                    .as("claimed at START%+d ms", at.toMillis())
                    .isEqualTo(lastPassing.plus(PopVerifier.CLOCK_MARGIN));
        }
    }

    // --- every failure code, produced by the situation it names ---

    @Test
    void verify_anyHeaderAbsent_missingCredentials() {
        SignedRequest s = f.sign("GET", "/api/me", null);
        assertFailure(
                IncomingRequest.of("GET", "/api/me", null, null, null, null, null), PopFailure.MISSING_CREDENTIALS);
        assertFailure(
                IncomingRequest.of("GET", "/api/me", null, s.timestamp(), s.nonce(), s.pop(), null),
                PopFailure.MISSING_CREDENTIALS);
        assertFailure(
                IncomingRequest.of("GET", "/api/me", s.authorization(), null, s.nonce(), s.pop(), null),
                PopFailure.MISSING_CREDENTIALS);
        assertFailure(
                IncomingRequest.of("GET", "/api/me", s.authorization(), s.timestamp(), null, s.pop(), null),
                PopFailure.MISSING_CREDENTIALS);
        assertFailure(
                IncomingRequest.of("GET", "/api/me", s.authorization(), s.timestamp(), s.nonce(), null, null),
                PopFailure.MISSING_CREDENTIALS);
        assertThat(f.nonces.size()).isZero();
    }

    @Test
    void verify_malformedAuthorization_malformedCredentials() {
        SignedRequest s = f.sign("GET", "/api/me", null);
        for (String authorization : List.of(
                "",
                SESSION_ID,
                "Basic " + SESSION_ID,
                "Bearer  " + SESSION_ID,
                "Bearer " + SESSION_ID + "=",
                "Bearer " + SESSION_ID.substring(1),
                "Bearer " + SESSION_ID + "A",
                "Bearer " + SESSION_ID.substring(1) + "+",
                "Bearer " + SESSION_ID.substring(1) + " ",
                "Bearer\t" + SESSION_ID,
                "Bea\u212Aer " + SESSION_ID,
                "BEARER\u00A0" + SESSION_ID)) {
            assertFailure(
                    IncomingRequest.of("GET", "/api/me", authorization, s.timestamp(), s.nonce(), s.pop(), null),
                    PopFailure.MALFORMED_CREDENTIALS);
        }
    }

    @Test
    void verify_malformedTimestamp_malformedCredentials() {
        SignedRequest s = f.sign("GET", "/api/me", null);
        for (String timestamp : List.of(
                "",
                "-1767225600",
                "+1767225600",
                "1767225600.0",
                " 1767225600",
                "1e9",
                "١٧٦٧٢٢٥٦٠٠",
                "1234567890123456")) {
            assertFailure(
                    IncomingRequest.of("GET", "/api/me", s.authorization(), timestamp, s.nonce(), s.pop(), null),
                    PopFailure.MALFORMED_CREDENTIALS);
        }
    }

    @Test
    void verify_malformedNonce_malformedCredentials() {
        SignedRequest s = f.sign("GET", "/api/me", null);
        for (String nonce : List.of(
                "", "a".repeat(15), "a".repeat(65), "a".repeat(15) + "=", "a".repeat(15) + "/", "a".repeat(15) + "é")) {
            assertFailure(
                    IncomingRequest.of("GET", "/api/me", s.authorization(), s.timestamp(), nonce, s.pop(), null),
                    PopFailure.MALFORMED_CREDENTIALS);
        }
    }

    @Test
    void verify_malformedPop_malformedCredentials() {
        SignedRequest s = f.sign("GET", "/api/me", null);
        String pop = s.pop();
        for (String bad : List.of(
                "",
                pop.substring(1),
                pop + "A",
                pop + "==",
                pop.substring(1) + "=",
                pop.substring(1) + "+",
                "=" + pop,
                Base64Url.encode(new byte[31]),
                Base64Url.encode(new byte[33]))) {
            assertFailure(
                    IncomingRequest.of("GET", "/api/me", s.authorization(), s.timestamp(), s.nonce(), bad, null),
                    PopFailure.MALFORMED_CREDENTIALS);
        }
    }

    @Test
    void verify_sessionNotInTheStore_unknownSession() {
        f.sessions.clear();
        assertFailure(incoming("GET", "/api/me", f.sign("GET", "/api/me", null), null), PopFailure.UNKNOWN_SESSION);
    }

    @Test
    void verify_sessionPastItsExpiry_expiredSession() {
        SignedRequest signed = f.sign("GET", "/api/me", null);
        f.time.advance(Duration.ofMinutes(15)); // exactly at expiresAt: no longer valid
        assertFailure(incoming("GET", "/api/me", signed, null), PopFailure.EXPIRED_SESSION);
    }

    @Test
    void verify_sessionOneSecondBeforeExpiry_succeeds() throws Exception {
        f.time.advance(Duration.ofMinutes(15).minusSeconds(1));
        SignedRequest signed = f.sign("GET", "/api/me", null);
        assertThat(f.verifier.verify(incoming("GET", "/api/me", signed, null))).isSameAs(f.session);
    }

    @Test
    void verify_timestampAtTheWindowEdges() throws Exception {
        SignedRequest old = f.sign("GET", "/api/me", null);
        f.time.advance(Duration.ofSeconds(30));
        assertThat(f.verifier.verify(incoming("GET", "/api/me", old, null))).isSameAs(f.session);

        SignedRequest older = f.sign("GET", "/api/me", null);
        f.time.advance(Duration.ofSeconds(31));
        assertFailure(incoming("GET", "/api/me", older, null), PopFailure.STALE_TIMESTAMP);
    }

    @Test
    void verify_timestampFromTheFuture_staleBeyondTheWindow() throws Exception {
        f.time.advance(Duration.ofSeconds(30));
        SignedRequest ahead = f.sign("GET", "/api/me", null);
        f.time.advance(Duration.ofSeconds(-30));
        assertThat(f.verifier.verify(incoming("GET", "/api/me", ahead, null))).isSameAs(f.session);

        f.time.advance(Duration.ofSeconds(31));
        SignedRequest further = f.sign("GET", "/api/me", null);
        f.time.advance(Duration.ofSeconds(-31));
        assertFailure(incoming("GET", "/api/me", further, null), PopFailure.STALE_TIMESTAMP);
    }

    @Test
    void verify_extremeTimestamps_staleNotOverflow() {
        SignedRequest s = f.sign("GET", "/api/me", null);
        for (String ts : List.of("0", "999999999999999", "000000000000000")) {
            assertFailure(
                    IncomingRequest.of("GET", "/api/me", s.authorization(), ts, s.nonce(), s.pop(), null),
                    PopFailure.STALE_TIMESTAMP);
        }
    }

    @Test
    void verify_macUnderAnotherKey_invalidSignature() {
        PopKey otherKey = PopKey.fromBytes(new byte[32]);
        SignedRequest signed = f.signer.sign(SESSION_ID, otherKey, "GET", "/api/me", null);
        assertFailure(incoming("GET", "/api/me", signed, null), PopFailure.INVALID_SIGNATURE);
    }

    @Test
    void verify_sameRequestTwice_replayedNonce() throws Exception {
        SignedRequest signed = f.sign("POST", "/api/transfer", BODY);
        f.verifier.verify(incoming("POST", "/api/transfer", signed, BODY));
        assertFailure(incoming("POST", "/api/transfer", signed, BODY), PopFailure.REPLAYED_NONCE);
    }

    @Test
    void verify_sameNonceInAnotherSession_isIndependent() throws Exception {
        PopKey otherKey = PopKey.fromBytes(new byte[32]);
        PopSession other = new PopSession(
                PopFixture.OTHER_SESSION_ID, "bob", otherKey, PopFixture.START.plus(Duration.ofMinutes(5)));
        f.sessions.put(other.sessionId(), other);
        SignedRequest first = f.sign("GET", "/api/me", null);
        f.verifier.verify(incoming("GET", "/api/me", first, null));

        byte[] canonical =
                CanonicalRequest.build("GET", "/api/me", other.sessionId(), first.timestamp(), first.nonce(), null);
        IncomingRequest second = IncomingRequest.of(
                "GET",
                "/api/me",
                "Bearer " + other.sessionId(),
                first.timestamp(),
                first.nonce(),
                Base64Url.encode(otherKey.mac(canonical)),
                null);
        assertThat(f.verifier.verify(second)).isSameAs(other);
    }

    // --- order of checks ---

    @Test
    void order_missingBeatsMalformed() {
        assertFailure(
                IncomingRequest.of("GET", "/api/me", "garbage", "x", null, "y", null), PopFailure.MISSING_CREDENTIALS);
    }

    @Test
    void order_malformedBeatsUnknownSession() {
        f.sessions.clear();
        SignedRequest s = f.sign("GET", "/api/me", null);
        assertFailure(
                IncomingRequest.of("GET", "/api/me", s.authorization(), "soon", s.nonce(), s.pop(), null),
                PopFailure.MALFORMED_CREDENTIALS);
    }

    @Test
    void order_unknownSessionBeatsStaleAndBadMac() {
        f.sessions.clear();
        SignedRequest s = f.sign("GET", "/api/me", null);
        assertFailure(
                IncomingRequest.of("GET", "/api/me", s.authorization(), "1", s.nonce(), flip(s.pop()), null),
                PopFailure.UNKNOWN_SESSION);
    }

    @Test
    void order_expiredBeatsStaleAndBadMac() {
        SignedRequest s = f.sign("GET", "/api/me", null);
        f.time.advance(Duration.ofHours(1));
        assertFailure(
                IncomingRequest.of("GET", "/api/me", s.authorization(), s.timestamp(), s.nonce(), flip(s.pop()), null),
                PopFailure.EXPIRED_SESSION);
    }

    @Test
    void order_staleWithBadMac_reportsStale() {
        SignedRequest s = f.sign("GET", "/api/me", null);
        f.time.advance(Duration.ofMinutes(2));
        assertFailure(
                IncomingRequest.of("GET", "/api/me", s.authorization(), s.timestamp(), s.nonce(), flip(s.pop()), null),
                PopFailure.STALE_TIMESTAMP);
    }

    @Test
    void order_replayWithBadMac_reportsInvalidSignature() throws Exception {
        SignedRequest s = f.sign("GET", "/api/me", null);
        f.verifier.verify(incoming("GET", "/api/me", s, null));
        assertFailure(
                IncomingRequest.of("GET", "/api/me", s.authorization(), s.timestamp(), s.nonce(), flip(s.pop()), null),
                PopFailure.INVALID_SIGNATURE);
    }

    @Test
    void order_badMacNeverConsumesTheNonce() throws Exception {
        SignedRequest s = f.sign("POST", "/api/transfer", BODY);
        assertFailure(
                IncomingRequest.of(
                        "POST", "/api/transfer", s.authorization(), s.timestamp(), s.nonce(), flip(s.pop()), BODY),
                PopFailure.INVALID_SIGNATURE);
        assertThat(f.nonces.size()).isZero();
        assertThat(f.verifier.verify(incoming("POST", "/api/transfer", s, BODY)))
                .isSameAs(f.session);
    }

    @Test
    void order_staleOrExpiredNeverConsumeTheNonce() throws Exception {
        SignedRequest s = f.sign("GET", "/api/me", null);
        f.time.advance(Duration.ofSeconds(31));
        assertFailure(incoming("GET", "/api/me", s, null), PopFailure.STALE_TIMESTAMP);
        assertThat(f.nonces.size()).isZero();
    }

    // --- tampering with any canonical field breaks the MAC ---

    @Test
    void tamper_method_invalidSignature() {
        SignedRequest s = f.sign("POST", "/api/transfer", BODY);
        assertFailure(incoming("PUT", "/api/transfer", s, BODY), PopFailure.INVALID_SIGNATURE);
    }

    @Test
    void tamper_path_invalidSignature() {
        SignedRequest s = f.sign("POST", "/api/transfer", BODY);
        assertFailure(incoming("POST", "/api/transfers", s, BODY), PopFailure.INVALID_SIGNATURE);
        assertFailure(incoming("POST", "/API/transfer", s, BODY), PopFailure.INVALID_SIGNATURE);
    }

    @Test
    void tamper_query_invalidSignature() {
        SignedRequest s = f.sign("GET", "/api/transfers?limit=5", null);
        assertFailure(incoming("GET", "/api/transfers?limit=6", s, null), PopFailure.INVALID_SIGNATURE);
        assertFailure(incoming("GET", "/api/transfers", s, null), PopFailure.INVALID_SIGNATURE);
        assertFailure(incoming("GET", "/api/transfers?limit=5&", s, null), PopFailure.INVALID_SIGNATURE);
    }

    @Test
    void tamper_body_invalidSignature() {
        SignedRequest s = f.sign("POST", "/api/transfer", BODY);
        byte[] other = "{\"to\":\"eve\",\"amount\":\"12.50\"}".getBytes(UTF_8);
        assertFailure(incoming("POST", "/api/transfer", s, other), PopFailure.INVALID_SIGNATURE);
        assertFailure(incoming("POST", "/api/transfer", s, null), PopFailure.INVALID_SIGNATURE);
        byte[] flipped = BODY.clone();
        flipped[flipped.length - 1] ^= 1;
        assertFailure(incoming("POST", "/api/transfer", s, flipped), PopFailure.INVALID_SIGNATURE);
    }

    @Test
    void tamper_timestamp_invalidSignature() {
        SignedRequest s = f.sign("POST", "/api/transfer", BODY);
        String later = Long.toString(Long.parseLong(s.timestamp()) + 1);
        assertFailure(
                IncomingRequest.of("POST", "/api/transfer", s.authorization(), later, s.nonce(), s.pop(), BODY),
                PopFailure.INVALID_SIGNATURE);
        assertFailure(
                IncomingRequest.of(
                        "POST", "/api/transfer", s.authorization(), "0" + s.timestamp(), s.nonce(), s.pop(), BODY),
                PopFailure.INVALID_SIGNATURE);
    }

    @Test
    void tamper_nonce_invalidSignature() {
        SignedRequest s = f.sign("POST", "/api/transfer", BODY);
        String nonce = (s.nonce().charAt(0) == 'A' ? "B" : "A") + s.nonce().substring(1);
        assertFailure(
                IncomingRequest.of("POST", "/api/transfer", s.authorization(), s.timestamp(), nonce, s.pop(), BODY),
                PopFailure.INVALID_SIGNATURE);
    }

    @Test
    void tamper_sessionId_invalidSignature() {
        // Another live session with the same key: only the session id in the canonical request tells them apart.
        f.sessions.put(
                PopFixture.OTHER_SESSION_ID,
                new PopSession(PopFixture.OTHER_SESSION_ID, "alice", f.key, f.session.expiresAt()));
        SignedRequest s = f.sign("POST", "/api/transfer", BODY);
        assertFailure(
                IncomingRequest.of(
                        "POST",
                        "/api/transfer",
                        "Bearer " + PopFixture.OTHER_SESSION_ID,
                        s.timestamp(),
                        s.nonce(),
                        s.pop(),
                        BODY),
                PopFailure.INVALID_SIGNATURE);
    }

    @Test
    void tamper_everyBitOfTheMac_invalidSignature() {
        SignedRequest s = f.sign("GET", "/api/me", null);
        byte[] mac = Base64Url.decode(s.pop());
        for (int bit = 0; bit < mac.length * 8; bit++) {
            byte[] flipped = mac.clone();
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));
            assertFailure(
                    IncomingRequest.of(
                            "GET",
                            "/api/me",
                            s.authorization(),
                            s.timestamp(),
                            s.nonce(),
                            Base64Url.encode(flipped),
                            null),
                    PopFailure.INVALID_SIGNATURE);
        }
    }

    @Test
    void tamper_lineBreakInTarget_invalidSignatureNotAnException() {
        SignedRequest s = f.sign("GET", "/api/me", null);
        assertFailure(incoming("GET", "/api/me\nx", s, null), PopFailure.INVALID_SIGNATURE);
    }

    // --- concurrency and construction ---

    @Test
    void verify_sameRequestConcurrently_acceptedExactlyOnce() throws Exception {
        SignedRequest s = f.sign("POST", "/api/transfer", BODY);
        IncomingRequest request = incoming("POST", "/api/transfer", s, BODY);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Boolean>> tasks = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                tasks.add(() -> {
                    try {
                        f.verifier.verify(request);
                        return true;
                    } catch (PopVerificationException e) {
                        assertThat(e.failure()).isEqualTo(PopFailure.REPLAYED_NONCE);
                        return false;
                    }
                });
            }
            int accepted = 0;
            for (Future<Boolean> result : pool.invokeAll(tasks)) {
                accepted += result.get() ? 1 : 0;
            }
            assertThat(accepted).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void constructor_nonPositiveWindow_throws() {
        assertThatThrownBy(() -> new PopVerifier(id -> Optional.empty(), f.nonces, f.clock, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PopVerifier(id -> Optional.empty(), f.nonces, f.clock, Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void exception_messageIsTheCodeOnly() {
        for (PopFailure failure : PopFailure.values()) {
            PopVerificationException e = new PopVerificationException(failure);
            assertThat(e).hasMessage(failure.code());
            assertThat(e.failure()).isSameAs(failure);
        }
    }

    @Test
    void failureCodes_areTheWireCodes() {
        assertThat(List.of(PopFailure.values()).stream().map(PopFailure::code))
                .containsExactly(
                        "missing_credentials",
                        "malformed_credentials",
                        "unknown_session",
                        "expired_session",
                        "stale_timestamp",
                        "invalid_signature",
                        "replayed_nonce");
        for (PopFailure failure : PopFailure.values()) {
            assertThat(failure.title()).isNotBlank().endsWith(".");
        }
    }

    @Test
    void toStrings_neverShowSessionIdKeyOrMac() {
        SignedRequest s = f.sign("GET", "/api/me", null);
        IncomingRequest request = incoming("GET", "/api/me", s, null);
        for (Object o : List.of(s, request, f.session, f.key, f.verifier, f.signer)) {
            assertThat(o.toString()).doesNotContain(SESSION_ID).doesNotContain(s.pop());
        }
        assertThat(f.session.toString()).contains("alice");
    }

    @Test
    void headers_mapsTheFourHeaderNames() {
        SignedRequest s = f.sign("GET", "/api/me", null);
        assertThat(s.headers())
                .containsExactly(
                        entry("Authorization", "Bearer " + SESSION_ID),
                        entry("X-TS", "1767225600"),
                        entry("X-NONCE", s.nonce()),
                        entry("X-POP", s.pop()));
        assertThat(s.nonce()).hasSize(32).matches("[A-Za-z0-9_-]{32}");
        assertThat(f.sign("GET", "/api/me", null).nonce()).isNotEqualTo(s.nonce());
    }

    @Test
    void incomingRequest_copiesTheBody() {
        byte[] body = BODY.clone();
        IncomingRequest request = IncomingRequest.of("POST", "/x", null, null, null, null, body);
        body[0] = 'X';
        byte[] out = request.body();
        out[1] = 'Y';
        assertThat(request.body()).isEqualTo(BODY);
        assertThat(IncomingRequest.of("GET", "/x", null, null, null, null, null).body())
                .isEmpty();
    }

    private static String flip(String pop) {
        byte[] mac = Base64Url.decode(pop);
        mac[0] ^= 1;
        return Base64Url.encode(mac);
    }

    private void assertFailure(IncomingRequest request, PopFailure expected) {
        assertThatThrownBy(() -> f.verifier.verify(request))
                .isInstanceOfSatisfying(
                        PopVerificationException.class,
                        e -> assertThat(e.failure()).isEqualTo(expected))
                .hasMessage(expected.code());
    }
}
