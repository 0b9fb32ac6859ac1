package dev.opaquepop.pop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opaquepop.opaque.SecretBytes;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class PopKeyTest {
    @Test
    void fromBytes_wrongLength_throws() {
        assertThatThrownBy(() -> PopKey.fromBytes(new byte[31]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a PoP key has 32 bytes, got 31");
        assertThatThrownBy(() -> PopKey.fromBytes(new byte[33])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PopKey.fromBytes(new byte[0])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void fromBytes_copiesTheInput() {
        byte[] bytes = HkdfTest.range(0, 32);
        PopKey key = PopKey.fromBytes(bytes);
        Arrays.fill(bytes, (byte) 0);
        assertThat(key.secret().revealBytes()).isEqualTo(HkdfTest.range(0, 32));
    }

    @Test
    void secret_isACopy() {
        PopKey key = PopKey.fromBytes(HkdfTest.range(0, 32));
        key.secret().destroy();
        assertThat(key.secret().revealBytes()).isEqualTo(HkdfTest.range(0, 32));
    }

    @Test
    void derive_sessionKeyNot64Bytes_throws() {
        assertThatThrownBy(() -> PopKey.derive(SecretBytes.copyOf(new byte[32])))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("an OPAQUE session key has 64 bytes, got 32");
    }

    @Test
    void derive_isDeterministicAndDependsOnEveryByte() {
        byte[] sessionKey = HkdfTest.range(0, 64);
        byte[] first = PopKey.derive(SecretBytes.copyOf(sessionKey)).secret().revealBytes();
        assertThat(PopKey.derive(SecretBytes.copyOf(sessionKey)).secret().revealBytes())
                .isEqualTo(first);
        sessionKey[63] ^= 1;
        assertThat(PopKey.derive(SecretBytes.copyOf(sessionKey)).secret().revealBytes())
                .isNotEqualTo(first);
    }

    @Test
    void toString_isRedacted() {
        PopKey key = PopKey.fromBytes(HkdfTest.range(0xa0, 0xc0));
        String hex = HexFormat.of().formatHex(HkdfTest.range(0xa0, 0xc0));
        assertThat(key.toString()).isEqualTo("PopKey[redacted]").doesNotContain(hex.substring(0, 8));
    }
}
