package dev.opaquepop.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opaquepop.opaque.SecretBytes;
import dev.opaquepop.pop.CanonicalRequest;
import dev.opaquepop.pop.IncomingRequest;
import dev.opaquepop.pop.PopKey;
import dev.opaquepop.pop.PopSession;
import dev.opaquepop.pop.PopVerifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/protocol.md's worked example, read from the page itself and checked against the code. */
class ProtocolDocTest {
    private static final Path DOC = Path.of("..", "docs", "protocol.md");
    private static final String SESSION_ID =
            Base64.getUrlEncoder().withoutPadding().encodeToString(range(0x40, 0x60));
    private static final String TIMESTAMP = "1767225600";
    private static final String NONCE = "bm9uY2UtMDAwMDAwMDAx";
    private static final byte[] BODY = "{\"to\":\"bob\",\"amount\":\"12.50\"}".getBytes(StandardCharsets.UTF_8);

    @Test
    void workedExample_matchesTheCode() throws Exception {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        PopKey popKey = PopKey.derive(SecretBytes.copyOf(range(0x00, 0x40)));

        assertThat(doc).contains("`" + SESSION_ID + "`");
        assertThat(group(doc, "\\| pop_key = [^|]*\\| `([0-9a-f]{64})`"))
                .isEqualTo(HexFormat.of().formatHex(popKey.secret().revealBytes()));

        String canonical = new String(
                CanonicalRequest.build("POST", "/api/transfer", SESSION_ID, TIMESTAMP, NONCE, BODY),
                StandardCharsets.UTF_8);
        assertThat(group(doc, "### Step 2[\\s\\S]*?```text\\n([\\s\\S]*?)\\n```"))
                .isEqualTo(canonical);

        String xPop = group(doc, "### Step 3[\\s\\S]*?```text\\n([A-Za-z0-9_-]{43})\\n```");
        assertThat(doc).contains("X-POP: " + xPop);
        Clock atTimestamp = Clock.fixed(Instant.ofEpochSecond(Long.parseLong(TIMESTAMP)), ZoneOffset.UTC);
        PopSession session = new PopSession(
                SESSION_ID, "alice", popKey, atTimestamp.instant().plusSeconds(60));
        PopVerifier verifier = new PopVerifier(
                id -> Optional.of(session).filter(s -> s.sessionId().equals(id)),
                (id, nonce, ttl) -> true,
                atTimestamp,
                Duration.ofSeconds(30));
        PopSession verified = verifier.verify(
                IncomingRequest.of("POST", "/api/transfer", "Bearer " + SESSION_ID, TIMESTAMP, NONCE, xPop, BODY));
        assertThat(verified.sessionId()).isEqualTo(SESSION_ID);
    }

    private static String group(String text, String regex) {
        Matcher matcher = Pattern.compile(regex).matcher(text);
        assertThat(matcher.find()).as("docs/protocol.md has %s", regex).isTrue();
        return matcher.group(1);
    }

    private static byte[] range(int from, int to) {
        byte[] out = new byte[to - from];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) (from + i);
        }
        return out;
    }
}
