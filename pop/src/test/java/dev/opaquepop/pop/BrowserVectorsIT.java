package dev.opaquepop.pop;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.opaquepop.opaque.SecretBytes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The vectors the browser package's unit tests check its WebCrypto PoP against ({@code
 * js/test/vectors/pop-vectors.json}), checked here against this module: so the JavaScript and the Java code
 * agree on the PoP key (HKDF), the canonical request and X-POP byte for byte, and a change to either that breaks
 * the agreement fails one of the two builds.
 */
class BrowserVectorsIT {
    private static final Path VECTORS = Path.of("..", "js", "test", "vectors", "pop-vectors.json");
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void everyVector_agreesWithThisModule() throws IOException {
        JsonNode cases =
                new ObjectMapper().readTree(Files.readString(VECTORS, UTF_8)).path("cases");
        assertThat(cases.size()).as("vectors in %s", VECTORS).isGreaterThanOrEqualTo(5);
        List<String> failures = new ArrayList<>();
        for (JsonNode vector : cases) {
            PopKey key = PopKey.derive(
                    SecretBytes.copyOf(HEX.parseHex(vector.path("session_key").asText())));
            byte[] body = HEX.parseHex(vector.path("body_hex").asText());
            byte[] canonical = CanonicalRequest.build(
                    vector.path("method").asText(),
                    vector.path("target").asText(),
                    vector.path("session_id").asText(),
                    vector.path("timestamp").asText(),
                    vector.path("nonce").asText(),
                    body);
            String target = vector.path("target").asText();
            check(failures, target + " pop_key", HEX.formatHex(key.secret().revealBytes()), vector, "pop_key");
            check(failures, target + " canonical", new String(canonical, UTF_8), vector, "canonical");
            check(failures, target + " x_pop", Base64Url.encode(key.mac(canonical)), vector, "x_pop");
        }
        assertThat(failures).isEmpty();
    }

    private static void check(List<String> failures, String what, String actual, JsonNode vector, String field) {
        String expected = vector.path(field).asText();
        if (!expected.equals(actual)) {
            failures.add(what + ": expected " + expected + ", this module computes " + actual);
        }
    }
}
