package dev.opaquepop.client;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.opaquepop.pop.Base64Url;
import java.io.IOException;
import java.util.Map;

/**
 * The JSON the client reads and writes: small objects of strings and integers. Every read names the field that
 * is missing or has the wrong type, and never echoes a value (some carry key material).
 */
final class Json {
    // Configured once, then only used: ObjectMapper is thread-safe for reads and writes after configuration.
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private Json() {}

    /** Serializes a map of strings and numbers to UTF-8 JSON. */
    static byte[] write(Map<String, ?> object) {
        try {
            return MAPPER.writeValueAsBytes(object);
        } catch (JsonProcessingException e) {
            // Maps of strings and numbers always serialize.
            throw new IllegalStateException("cannot serialize a JSON object", e);
        }
    }

    /** Pretty-printed, for files people may open. */
    static byte[] writePretty(Map<String, ?> object) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(object);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize a JSON object", e);
        }
    }

    /**
     * Parses a JSON object.
     *
     * @throws JsonFormatException when the bytes are not one JSON object
     */
    static JsonNode readObject(byte[] bytes) throws JsonFormatException {
        JsonNode node;
        try {
            node = MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new JsonFormatException("not valid JSON");
        }
        if (node == null || !node.isObject()) {
            throw new JsonFormatException("not a JSON object");
        }
        return node;
    }

    static String text(JsonNode object, String field) throws JsonFormatException {
        JsonNode value = object.get(field);
        if (value == null || !value.isTextual()) {
            throw new JsonFormatException("field \"" + field + "\" must be a string");
        }
        return value.textValue();
    }

    static long integer(JsonNode object, String field) throws JsonFormatException {
        JsonNode value = object.get(field);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new JsonFormatException("field \"" + field + "\" must be an integer");
        }
        return value.longValue();
    }

    /** A positive integer of up to 64 bits, for a value the caller bounds itself. */
    static long positiveLong(JsonNode object, String field) throws JsonFormatException {
        long value = integer(object, field);
        if (value < 1) {
            throw new JsonFormatException("field \"" + field + "\" must be a positive integer");
        }
        return value;
    }

    static int positiveInt(JsonNode object, String field) throws JsonFormatException {
        long value = integer(object, field);
        if (value < 1 || value > Integer.MAX_VALUE) {
            throw new JsonFormatException("field \"" + field + "\" must be a positive 32-bit integer");
        }
        return (int) value;
    }

    static JsonNode object(JsonNode object, String field) throws JsonFormatException {
        JsonNode value = object.get(field);
        if (value == null || !value.isObject()) {
            throw new JsonFormatException("field \"" + field + "\" must be an object");
        }
        return value;
    }

    /** A base64url field (padding optional); the message never contains the value. */
    static byte[] base64Url(JsonNode object, String field) throws JsonFormatException {
        try {
            return Base64Url.decode(text(object, field));
        } catch (IllegalArgumentException e) {
            throw new JsonFormatException("field \"" + field + "\" must be base64url");
        }
    }

    /** JSON that does not have the expected shape. The message names the field, never its value. */
    static final class JsonFormatException extends Exception {
        private static final long serialVersionUID = 1L;

        JsonFormatException(String message) {
            super(message);
        }
    }
}
