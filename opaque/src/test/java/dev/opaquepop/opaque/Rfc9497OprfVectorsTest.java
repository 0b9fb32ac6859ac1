package dev.opaquepop.opaque;

import static dev.opaquepop.opaque.TestVectors.hex;
import static dev.opaquepop.opaque.TestVectors.toHex;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opaquepop.opaque.internal.KeyPair;
import dev.opaquepop.opaque.internal.Oprf;
import dev.opaquepop.opaque.internal.OprfTestAccess;
import dev.opaquepop.testfixtures.FixedRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** RFC 9497 Appendix A.1.1: ristretto255-SHA512 in mode OPRF, every test replayed step by step. */
class Rfc9497OprfVectorsTest {
    private static final JsonNode FILE = TestVectors.load("oprf-ristretto255-sha512.json");

    private static JsonNode oprfMode() {
        for (JsonNode mode : FILE.get("modes")) {
            if (mode.get("mode_id").asInt() == 0) {
                return mode;
            }
        }
        throw new IllegalStateException("no OPRF-mode vectors");
    }

    @Test
    void hashToGroupDomainSeparationTag_matchesTheDraftsVectors() {
        assertThat(toHex(OprfTestAccess.hashToGroupDst()))
                .isEqualTo(FILE.get("hash_to_group_dst_hex_by_mode_not_in_rfc")
                        .get("0")
                        .asText());
    }

    @Test
    void deriveKeyPair_matchesSkSm() {
        JsonNode mode = oprfMode();
        KeyPair keyPair = Oprf.deriveKeyPair(hex(mode, "Seed"), hex(mode, "KeyInfo"));
        assertThat(toHex(keyPair.secretKey())).isEqualTo(mode.get("skSm").asText());
    }

    @TestFactory
    Stream<DynamicTest> everyOprfModeVector() {
        JsonNode mode = oprfMode();
        byte[] secretKey = hex(mode, "skSm");
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode test : mode.get("tests")) {
            tests.add(DynamicTest.dynamicTest(test.get("name").asText(), () -> replay(secretKey, test)));
        }
        assertThat(tests).hasSize(2);
        return tests.stream();
    }

    private static void replay(byte[] secretKey, JsonNode test) throws Exception {
        List<JsonNode> inputs = elements(test.get("Input"));
        SoftAssertions softly = new SoftAssertions();
        for (int i = 0; i < inputs.size(); i++) {
            byte[] input = hexAt(test, "Input", i);
            byte[] blind = hexAt(test, "Blind", i);
            Oprf.Blinded blinded = Oprf.blind(input, FixedRandom.scripted(blind));
            softly.assertThat(toHex(blinded.blind())).as("Blind").isEqualTo(toHex(blind));
            softly.assertThat(toHex(blinded.blindedElement()))
                    .as("BlindedElement")
                    .isEqualTo(toHex(hexAt(test, "BlindedElement", i)));
            byte[] evaluated = Oprf.blindEvaluate(secretKey, blinded.blindedElement());
            softly.assertThat(toHex(evaluated))
                    .as("EvaluationElement")
                    .isEqualTo(toHex(hexAt(test, "EvaluationElement", i)));
            softly.assertThat(toHex(Oprf.finalize(input, blind, evaluated)))
                    .as("Output")
                    .isEqualTo(toHex(hexAt(test, "Output", i)));
        }
        softly.assertAll();
    }

    private static List<JsonNode> elements(JsonNode node) {
        List<JsonNode> out = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(out::add);
        } else {
            out.add(node);
        }
        return out;
    }

    private static byte[] hexAt(JsonNode test, String field, int index) {
        JsonNode node = test.get(field);
        String text = node.isArray() ? node.get(index).asText() : node.asText();
        return java.util.HexFormat.of().parseHex(text);
    }
}
