package dev.opaquepop.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opaquepop.opaque.Argon2idKsf;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The KSF object of the well-known document, {@code {"algorithm": "argon2id", "memory_kib", "iterations",
 * "parallelism"}}, which the known-servers file stores in the same shape.
 */
final class KsfJson {
    private KsfJson() {}

    /**
     * @throws OpaquePopClientException {@code unsupported_server} for another algorithm; {@code ksf_too_costly}
     *     for a parameter above {@link KsfPolicy}'s fixed ceiling, checked before the value is used at all
     * @throws Json.JsonFormatException for a missing field, or parameters Argon2id itself refuses
     */
    static Argon2idKsf read(JsonNode ksf) throws OpaquePopClientException, Json.JsonFormatException {
        if (!"argon2id".equals(Json.text(ksf, "algorithm"))) {
            throw new OpaquePopClientException(
                    0, OpaquePopClientException.UNSUPPORTED_SERVER, "the server advertises an unsupported KSF");
        }
        long memory = Json.positiveLong(ksf, "memory_kib");
        long iterations = Json.positiveLong(ksf, "iterations");
        long parallelism = Json.positiveLong(ksf, "parallelism");
        KsfPolicy.checkCeiling(memory, iterations, parallelism);
        try {
            // Within the ceiling, so each value fits an int.
            return Argon2idKsf.of((int) memory, (int) iterations, (int) parallelism);
        } catch (IllegalArgumentException e) {
            throw new Json.JsonFormatException("Argon2id parameters out of range");
        }
    }

    static Map<String, Object> write(Argon2idKsf ksf) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("algorithm", "argon2id");
        json.put("memory_kib", ksf.memoryKib());
        json.put("iterations", ksf.iterations());
        json.put("parallelism", ksf.parallelism());
        return json;
    }
}
