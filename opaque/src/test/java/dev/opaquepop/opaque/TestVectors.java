package dev.opaquepop.opaque;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HexFormat;

/** Loads the JSON test vectors copied from ../shared/vectors into src/test/resources/vectors. */
final class TestVectors {
    private TestVectors() {}

    static JsonNode load(String name) {
        try (InputStream in = TestVectors.class.getResourceAsStream("/vectors/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource /vectors/" + name);
            }
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] hex(JsonNode group, String field) {
        JsonNode value = group.get(field);
        if (value == null) {
            throw new IllegalArgumentException("vector has no field " + field);
        }
        return HexFormat.of().parseHex(value.asText());
    }

    static byte[] hexOrNull(JsonNode group, String field) {
        return group.has(field) ? hex(group, field) : null;
    }

    static String toHex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
