package dev.opaquepop.pop;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opaquepop.opaque.SecretBytes;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * docs/protocol-worked-example.md, checked. The expected constants were computed independently, by a short
 * Python script using only hashlib and hmac, and cross-checked with {@code openssl kdf HKDF} and {@code openssl
 * dgst -mac HMAC}; this test must agree with them byte for byte.
 */
class WorkedExampleTest {
    static final String SESSION_ID = "QEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaW1xdXl8";
    static final String POP_KEY_HEX = "55b21e3632b5804342901913340825eb3fd45d97b4bea09eb06cd03187eb8454";
    static final String TIMESTAMP = "1767225600";
    static final String NONCE = "bm9uY2UtMDAwMDAwMDAx";
    static final String BODY = "{\"to\":\"bob\",\"amount\":\"12.50\"}";
    static final String BODY_SHA256 = "b6963d30b8f26f3c937d56cb6af25945d6a6fa434b7c2e16c4021102aa51c2a5";
    // The closing quotes on the last line: no trailing newline, as the protocol requires.
    static final String CANONICAL = """
            OPAQUE-POP-V1
            POST
            /api/transfer
            QEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaW1xdXl8
            1767225600
            bm9uY2UtMDAwMDAwMDAx
            b6963d30b8f26f3c937d56cb6af25945d6a6fa434b7c2e16c4021102aa51c2a5""";
    static final String X_POP = "TaCqfJXlaQPy0HKEY_rsua8-APXswqn6XMx22qWVcVo";

    @Test
    void sessionId_isBase64urlOfBytes0x40To0x5f() {
        assertThat(Base64Url.encode(HkdfTest.range(0x40, 0x60))).isEqualTo(SESSION_ID);
    }

    @Test
    void popKey_derivedFromSessionKey0x00To0x3f() {
        PopKey key = PopKey.derive(SecretBytes.copyOf(HkdfTest.range(0x00, 0x40)));
        assertThat(HexFormat.of().formatHex(key.secret().revealBytes())).isEqualTo(POP_KEY_HEX);
    }

    @Test
    void canonicalRequest_matchesTheDocument() {
        byte[] canonical =
                CanonicalRequest.build("POST", "/api/transfer", SESSION_ID, TIMESTAMP, NONCE, BODY.getBytes(UTF_8));
        assertThat(CanonicalRequest.bodySha256Hex(BODY.getBytes(UTF_8))).isEqualTo(BODY_SHA256);
        assertThat(new String(canonical, UTF_8)).isEqualTo(CANONICAL);
        assertThat(canonical).hasSize(173);
    }

    @Test
    void xPop_isTheMacOfTheCanonicalRequest() {
        PopKey key = PopKey.derive(SecretBytes.copyOf(HkdfTest.range(0x00, 0x40)));
        assertThat(Base64Url.encode(key.mac(CANONICAL.getBytes(UTF_8)))).isEqualTo(X_POP);
    }

    @Test
    void verifier_acceptsTheWorkedExample() throws Exception {
        PopKey key = PopKey.derive(SecretBytes.copyOf(HkdfTest.range(0x00, 0x40)));
        Instant signedAt = Instant.ofEpochSecond(Long.parseLong(TIMESTAMP));
        PopSession session = new PopSession(SESSION_ID, "alice", key, signedAt.plus(Duration.ofHours(1)));
        PopVerifier verifier = new PopVerifier(
                id -> id.equals(SESSION_ID) ? Optional.of(session) : Optional.empty(),
                new TestNonceStore(),
                Clock.fixed(signedAt, ZoneOffset.UTC),
                Duration.ofSeconds(30));
        IncomingRequest request = IncomingRequest.of(
                "POST", "/api/transfer", "Bearer " + SESSION_ID, TIMESTAMP, NONCE, X_POP, BODY.getBytes(UTF_8));
        assertThat(verifier.verify(request)).isSameAs(session);
    }

    @Test
    void signer_withTheExampleClock_producesTheExampleTimestampAndAVerifiableMac() {
        PopKey key = PopKey.derive(SecretBytes.copyOf(HkdfTest.range(0x00, 0x40)));
        Clock clock = Clock.fixed(Instant.ofEpochSecond(Long.parseLong(TIMESTAMP)), ZoneOffset.UTC);
        SignedRequest signed = new PopSigner(clock, new SecureRandom())
                .sign(SESSION_ID, key, "post", "/api/transfer", BODY.getBytes(UTF_8));
        assertThat(signed.timestamp()).isEqualTo(TIMESTAMP);
        assertThat(signed.authorization()).isEqualTo("Bearer " + SESSION_ID);
        byte[] canonical = CanonicalRequest.build(
                "POST", "/api/transfer", SESSION_ID, TIMESTAMP, signed.nonce(), BODY.getBytes(UTF_8));
        assertThat(signed.pop()).isEqualTo(Base64Url.encode(key.mac(canonical)));
    }
}
