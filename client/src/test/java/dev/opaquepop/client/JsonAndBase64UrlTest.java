package dev.opaquepop.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opaquepop.pop.Base64Url;
import dev.opaquepop.testfixtures.Draw;
import dev.opaquepop.testfixtures.RandomSeed;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RandomSeed.class)
class JsonAndBase64UrlTest {
    @Test
    void base64Url_decodesWithAndWithoutPadding() {
        assertThat(Base64Url.decode("QQ")).containsExactly('A');
        assertThat(Base64Url.decode("QQ==")).containsExactly('A');
        assertThat(Base64Url.decode("QUI")).containsExactly('A', 'B');
        assertThat(Base64Url.decode("QUI=")).containsExactly('A', 'B');
        assertThat(Base64Url.decode("QUJD")).containsExactly('A', 'B', 'C');
        assertThat(Base64Url.decode("")).isEmpty();
        assertThat(Base64Url.decode("-_8")).containsExactly(0xfb, 0xff);
    }

    @Test
    void base64Url_rejectsOtherAlphabetsAndBadPadding() {
        for (String bad : new String[] {"+/8", "QQ=", "QUI==", "Q", "QQ QQ", "QQ==QQ"}) {
            assertThatThrownBy(() -> Base64Url.decode(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void base64Url_encodesWithoutPadding() {
        assertThat(Base64Url.encode(new byte[] {'A'})).isEqualTo("QQ");
        assertThat(Base64Url.encode(new byte[] {(byte) 0xfb, (byte) 0xff})).isEqualTo("-_8");
    }

    @Test
    void base64Url_roundTripsPaddedAndUnpadded(SplittableRandom random) {
        for (int i = 0; i < 1000; i++) {
            assertRoundTrips(Draw.bytes(random, 0, 255));
        }
    }

    @Test
    void base64Url_roundTripsPaddedAndUnpadded_edgeCases() {
        for (int length = 0; length <= 6; length++) {
            for (int fill : new int[] {0x00, 0xff, 0xfb}) {
                byte[] bytes = new byte[length];
                Arrays.fill(bytes, (byte) fill);
                assertRoundTrips(bytes);
            }
        }
        byte[] everyValue = new byte[256];
        for (int value = 0; value < 256; value++) {
            assertRoundTrips(new byte[] {(byte) value});
            everyValue[value] = (byte) value;
        }
        assertRoundTrips(everyValue);
    }

    private static void assertRoundTrips(byte[] bytes) {
        String unpadded = Base64Url.encode(bytes);
        String padded = unpadded + "=".repeat((4 - unpadded.length() % 4) % 4);
        assertThat(Base64Url.decode(unpadded)).as("decode(%s)", unpadded).isEqualTo(bytes);
        assertThat(Base64Url.decode(padded)).as("decode(%s)", padded).isEqualTo(bytes);
    }

    @Test
    void write_producesCompactUtf8Json() {
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("to", "bøb \"quoted\"");
        object.put("amount", "12.50");
        object.put("n", 7L);
        assertThat(new String(Json.write(object), UTF_8))
                .isEqualTo("{\"to\":\"bøb \\\"quoted\\\"\",\"amount\":\"12.50\",\"n\":7}");
    }

    @Test
    void readObject_fieldsByType() throws Exception {
        JsonNode json = Json.readObject(
                "{\"s\":\"x\",\"i\":1767225600,\"o\":{\"p\":4},\"b\":\"QUI=\",\"f\":1.5,\"neg\":-1}".getBytes(UTF_8));
        assertThat(Json.text(json, "s")).isEqualTo("x");
        assertThat(Json.integer(json, "i")).isEqualTo(1_767_225_600L);
        assertThat(Json.positiveInt(Json.object(json, "o"), "p")).isEqualTo(4);
        assertThat(Json.base64Url(json, "b")).containsExactly('A', 'B');
        assertFormat(() -> Json.text(json, "i"), "field \"i\" must be a string");
        assertFormat(() -> Json.text(json, "missing"), "field \"missing\" must be a string");
        assertFormat(() -> Json.integer(json, "f"), "field \"f\" must be an integer");
        assertFormat(() -> Json.integer(json, "s"), "field \"s\" must be an integer");
        assertFormat(() -> Json.positiveInt(json, "neg"), "field \"neg\" must be a positive 32-bit integer");
        assertFormat(() -> Json.object(json, "s"), "field \"s\" must be an object");
        assertFormat(() -> Json.base64Url(json, "s"), "field \"s\" must be base64url");
    }

    @Test
    void readObject_rejectsNonObjectsAndDuplicateKeys() {
        assertFormat(() -> Json.readObject("[1]".getBytes(UTF_8)), "not a JSON object");
        assertFormat(() -> Json.readObject("\"x\"".getBytes(UTF_8)), "not a JSON object");
        assertFormat(() -> Json.readObject(new byte[0]), "not a JSON object");
        assertFormat(() -> Json.readObject("{\"a\":".getBytes(UTF_8)), "not valid JSON");
        assertFormat(() -> Json.readObject("{\"a\":1,\"a\":2}".getBytes(UTF_8)), "not valid JSON");
    }

    @Test
    void serverInfo_parsesTheWellKnownDocument() throws Exception {
        ServerInfo info = ServerInfo.parse(
                wellKnown("opaque-pop-v1", "argon2id", 65536, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
        assertThat(info.serverPublicKey()).hasSize(32);
        assertThat(ReportingKsf.describe(info.ksf())).isEqualTo("Argon2id m=65536 t=3 p=4");
    }

    @Test
    void serverInfo_unsupportedOrMalformed_refused() {
        String key = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        assertServerInfo(wellKnown("opaque-pop-v2", "argon2id", 65536, key), "unsupported_server");
        assertServerInfo(wellKnown("opaque-pop-v1", "scrypt", 65536, key), "unsupported_server");
        assertServerInfo(wellKnown("opaque-pop-v1", "argon2id", 4, key), "invalid_response");
        assertServerInfo(wellKnown("opaque-pop-v1", "argon2id", 65536, "AAAA"), "invalid_response");
        assertServerInfo("{}".getBytes(UTF_8), "invalid_response");
        assertServerInfo("<html>".getBytes(UTF_8), "invalid_response");
    }

    @Test
    void problem_messageFormats() {
        assertThat(new OpaquePopClientException(401, "expired_session", "The session has expired."))
                .hasMessage("HTTP 401 expired_session: The session has expired.");
        assertThat(new OpaquePopClientException(0, "login_failed", null)).hasMessage("login_failed");
    }

    private static byte[] wellKnown(String protocol, String algorithm, int memory, String key) {
        return ("{\"protocol\":\"" + protocol + "\",\"server_public_key\":\"" + key + "\",\"opaque\":{"
                        + "\"suite\":\"OPAQUE-3DH ristretto255-SHA512\",\"context\":\"\",\"ksf\":{\"algorithm\":\""
                        + algorithm + "\",\"memory_kib\":" + memory + ",\"iterations\":3,\"parallelism\":4}},"
                        + "\"pop\":{\"window_seconds\":30}}")
                .getBytes(UTF_8);
    }

    private static void assertServerInfo(byte[] document, String code) {
        assertThatThrownBy(() -> ServerInfo.parse(document))
                .isInstanceOfSatisfying(
                        OpaquePopClientException.class,
                        e -> assertThat(e.code()).isEqualTo(code));
    }

    private static void assertFormat(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOf(Json.JsonFormatException.class).hasMessage(message);
    }
}
