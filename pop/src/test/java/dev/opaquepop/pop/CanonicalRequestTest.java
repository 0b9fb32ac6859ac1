package dev.opaquepop.pop;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CanonicalRequestTest {
    private static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    @Test
    void build_sevenLinesNoTrailingNewline() {
        byte[] canonical = CanonicalRequest.build(
                "get", "/api/transfers?limit=5&x=%2F", "sid", "1700000000", "nonce-0000000000", null);
        assertThat(new String(canonical, UTF_8))
                .isEqualTo("OPAQUE-POP-V1\nGET\n/api/transfers?limit=5&x=%2F\nsid\n1700000000\nnonce-0000000000\n"
                        + EMPTY_SHA256);
    }

    @Test
    void build_nullAndEmptyBodyAreTheSame() {
        assertThat(CanonicalRequest.build("POST", "/logout", "s", "1", "n", null))
                .isEqualTo(CanonicalRequest.build("POST", "/logout", "s", "1", "n", new byte[0]));
    }

    @Test
    void build_methodUpperCasedWithRootLocale() {
        // In a Turkish locale "i" would become a dotted capital I; Locale.ROOT keeps it ASCII.
        String canonical = new String(CanonicalRequest.build("patch-it", "/", "s", "1", "n", null), UTF_8);
        assertThat(canonical).startsWith("OPAQUE-POP-V1\nPATCH-IT\n/\n");
    }

    @Test
    void build_utf8Target() {
        String canonical = new String(CanonicalRequest.build("GET", "/ä", "s", "1", "n", null), UTF_8);
        assertThat(canonical).startsWith("OPAQUE-POP-V1\nGET\n/ä\ns\n");
    }

    @Test
    void build_lineBreakInAField_throws() {
        assertThatThrownBy(() -> CanonicalRequest.build("GET", "/a\nb", "s", "1", "n", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("target must not contain a line break");
        assertThatThrownBy(() -> CanonicalRequest.build("GET\r", "/", "s", "1", "n", null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CanonicalRequest.build("GET", "/", "s\n", "1", "n", null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void bodySha256Hex_knownValues() {
        assertThat(CanonicalRequest.bodySha256Hex(null)).isEqualTo(EMPTY_SHA256);
        assertThat(CanonicalRequest.bodySha256Hex("abc".getBytes(UTF_8)))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
