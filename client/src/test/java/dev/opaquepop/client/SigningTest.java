package dev.opaquepop.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opaquepop.opaque.SecretBytes;
import dev.opaquepop.pop.IncomingRequest;
import dev.opaquepop.pop.PopKey;
import dev.opaquepop.pop.PopSession;
import dev.opaquepop.pop.PopSigner;
import dev.opaquepop.pop.PopVerifier;
import dev.opaquepop.pop.SignedRequest;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * The headers the client computes verify with {@link PopVerifier}, for the target exactly as the JDK sends it.
 * (The full path through {@code HttpClient} is covered by {@link OpaquePopClientTest}.)
 */
class SigningTest {
    private static final Instant NOW = Instant.ofEpochSecond(1_767_225_600L);
    private static final String SESSION_ID = "QEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaW1xdXl8";

    private final PopKey key = PopKey.derive(SecretBytes.copyOf(range(0x00, 0x40)));
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final ConcurrentHashMap<String, Boolean> nonces = new ConcurrentHashMap<>();
    private final PopSession session = new PopSession(SESSION_ID, "alice", key, NOW.plusSeconds(900));
    private final PopVerifier verifier = new PopVerifier(
            id -> id.equals(SESSION_ID) ? Optional.of(session) : Optional.empty(),
            (id, nonce, ttl) -> nonces.putIfAbsent(id + " " + nonce, Boolean.TRUE) == null,
            clock,
            Duration.ofSeconds(30));

    @Test
    void signedHeaders_verify() throws Exception {
        URI base = RequestTarget.normalizeBase(URI.create("https://bank.example/"));
        URI uri = RequestTarget.resolve(base, "/api/transfers?after=t1&q=ä");
        String target = RequestTarget.of(uri);
        assertThat(target).isEqualTo("/api/transfers?after=t1&q=%C3%A4");

        SignedRequest signed = new PopSigner(clock, new SecureRandom()).sign(SESSION_ID, key, "GET", target, null);
        IncomingRequest request = IncomingRequest.of(
                "GET",
                target,
                signed.headers().get("Authorization"),
                signed.headers().get("X-TS"),
                signed.headers().get("X-NONCE"),
                signed.headers().get("X-POP"),
                null);
        assertThat(verifier.verify(request)).isSameAs(session);
    }

    @Test
    void workedExample_fromTheClientSide() throws Exception {
        byte[] body = "{\"to\":\"bob\",\"amount\":\"12.50\"}".getBytes(UTF_8);
        assertThat(HexFormat.of().formatHex(key.secret().revealBytes()))
                .isEqualTo("55b21e3632b5804342901913340825eb3fd45d97b4bea09eb06cd03187eb8454");
        IncomingRequest request = IncomingRequest.of(
                "POST",
                "/api/transfer",
                "Bearer " + SESSION_ID,
                "1767225600",
                "bm9uY2UtMDAwMDAwMDAx",
                "TaCqfJXlaQPy0HKEY_rsua8-APXswqn6XMx22qWVcVo",
                body);
        assertThat(verifier.verify(request)).isSameAs(session);
    }

    @Test
    void requestTarget_pathsUnderABasePath() {
        URI base = RequestTarget.normalizeBase(URI.create("http://127.0.0.1:8080/bank/"));
        assertThat(RequestTarget.of(RequestTarget.resolve(base, "/api/me"))).isEqualTo("/bank/api/me");
        assertThat(RequestTarget.of(RequestTarget.resolve(base, "/api/me?"))).isEqualTo("/bank/api/me");
        assertThat(RequestTarget.of(URI.create("http://h"))).isEqualTo("/");
    }

    @Test
    void requestTarget_nonAsciiEncodedAsUtf8WithoutNormalization() {
        assertThat(RequestTarget.encodeNonAscii("/a?b=ä&c=\uD83D\uDE00")).isEqualTo("/a?b=%C3%A4&c=%F0%9F%98%80");
        // NFC would turn U+037E into ';' and "e" + U+0301 into U+00E9; neither may happen to a signed target.
        assertThat(RequestTarget.encodeNonAscii("/\u037E")).isEqualTo("/%CD%BE");
        assertThat(RequestTarget.encodeNonAscii("/e\u0301")).isEqualTo("/e%CC%81");
        assertThat(RequestTarget.encodeNonAscii("/plain?x=%2F")).isEqualTo("/plain?x=%2F");
    }

    private static byte[] range(int from, int to) {
        byte[] bytes = new byte[to - from];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (from + i);
        }
        return bytes;
    }
}
