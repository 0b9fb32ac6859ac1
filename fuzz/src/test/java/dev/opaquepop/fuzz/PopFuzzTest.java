package dev.opaquepop.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.opaquepop.pop.CanonicalRequest;
import dev.opaquepop.pop.IncomingRequest;
import dev.opaquepop.pop.NonceStore;
import dev.opaquepop.pop.PopKey;
import dev.opaquepop.pop.PopSession;
import dev.opaquepop.pop.PopSigner;
import dev.opaquepop.pop.PopVerificationException;
import dev.opaquepop.pop.PopVerifier;
import dev.opaquepop.pop.SignedRequest;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The PoP canonical-request builder and verifier fed arbitrary header values, targets and bodies. */
class PopFuzzTest {
    private static final Instant NOW = Instant.ofEpochSecond(1_767_225_600L);
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final String SESSION_ID = "QEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaW1xdXl8";
    private static final PopKey KEY = PopKey.fromBytes(new byte[32]);
    private static final PopSession SESSION = new PopSession(SESSION_ID, "alice", KEY, NOW.plusSeconds(3600));

    /** The builder returns the seven-line string, or refuses a value that would break the line structure. */
    @FuzzTest(maxDuration = "30s")
    void canonicalRequest(FuzzedDataProvider data) {
        String method = data.consumeString(16);
        String target = data.consumeString(200);
        String timestamp = data.consumeString(20);
        String nonce = data.consumeString(70);
        byte[] body = data.consumeRemainingAsBytes();
        byte[] canonical;
        try {
            canonical = CanonicalRequest.build(method, target, SESSION_ID, timestamp, nonce, body);
        } catch (IllegalArgumentException refused) {
            return;
        }
        String text = new String(canonical, StandardCharsets.UTF_8);
        if (text.split("\n", -1).length != 7 || !text.startsWith("OPAQUE-POP-V1\n")) {
            throw new AssertionError("canonical request does not have seven lines");
        }
    }

    /** Arbitrary credentials are refused with a PoP failure, never another exception, and never accepted. */
    @FuzzTest(maxDuration = "30s")
    void verifierRejectsForgeries(FuzzedDataProvider data) {
        PopVerifier verifier = newVerifier();
        IncomingRequest request = IncomingRequest.of(
                data.consumeString(10),
                data.consumeString(100),
                data.consumeBoolean() ? "Bearer " + SESSION_ID : data.consumeString(80),
                data.consumeBoolean() ? Long.toString(NOW.getEpochSecond()) : data.consumeString(20),
                data.consumeString(70),
                data.consumeString(50),
                data.consumeRemainingAsBytes());
        try {
            verifier.verify(request);
            throw new AssertionError("an unsigned request was accepted");
        } catch (PopVerificationException expected) {
            // refused: fine
        }
    }

    /** A correctly signed request for any method, target and body verifies once, then is a replay. */
    @FuzzTest(maxDuration = "30s")
    void signedRequestsVerifyOnce(FuzzedDataProvider data) {
        String method = data.pickValue(new String[] {"GET", "POST", "PUT", "DELETE", "PATCH"});
        String target = "/" + data.consumeAsciiString(100).replace("\n", "").replace("\r", "");
        byte[] body = data.consumeRemainingAsBytes();
        SignedRequest signed = new PopSigner(CLOCK, new SecureRandom()).sign(SESSION_ID, KEY, method, target, body);
        IncomingRequest request = IncomingRequest.of(
                method, target, signed.authorization(), signed.timestamp(), signed.nonce(), signed.pop(), body);
        PopVerifier verifier = newVerifier();
        try {
            verifier.verify(request);
        } catch (PopVerificationException e) {
            throw new AssertionError(
                    "a signed request was refused: " + e.failure().code(), e);
        }
        try {
            verifier.verify(request);
            throw new AssertionError("a replay was accepted");
        } catch (PopVerificationException expected) {
            // replayed_nonce: fine
        }
    }

    private static PopVerifier newVerifier() {
        Set<String> seen = ConcurrentHashMap.newKeySet();
        NonceStore nonces = (sessionId, nonce, ttl) -> seen.add(sessionId + ":" + nonce);
        return new PopVerifier(
                id -> SESSION_ID.equals(id) ? Optional.of(SESSION) : Optional.empty(),
                nonces,
                CLOCK,
                Duration.ofSeconds(30));
    }
}
