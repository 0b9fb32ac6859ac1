package dev.opaquepop.pop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** HMAC-SHA256 against RFC 4231's test cases 1 and 2, used many times from one keying. */
class HmacSha256KeyTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void rfc4231_case1_everyUseOfOneKeying() {
        byte[] key = new byte[20];
        Arrays.fill(key, (byte) 0x0b);
        HmacSha256Key hmac = HmacSha256Key.of(key);
        Arrays.fill(key, (byte) 0); // the caller wipes its copy; the keyed HMAC must not change

        for (int i = 0; i < 3; i++) {
            assertThat(HEX.formatHex(hmac.mac("Hi There".getBytes(StandardCharsets.US_ASCII))))
                    .isEqualTo("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
        }
    }

    @Test
    void rfc4231_case2() {
        HmacSha256Key hmac = HmacSha256Key.of("Jefe".getBytes(StandardCharsets.US_ASCII));

        assertThat(HEX.formatHex(hmac.mac("what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    @Test
    void anEmptyKey_isRefused() {
        assertThatThrownBy(() -> HmacSha256Key.of(new byte[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("an HMAC key must not be empty");
    }

    @Test
    void toString_showsNoKey() {
        assertThat(HmacSha256Key.of("Jefe".getBytes(StandardCharsets.US_ASCII)).toString())
                .doesNotContain("Jefe")
                .doesNotContain("4a656665");
    }
}
