package dev.opaquepop.loadgen;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The one way every report writes its JSON and {@code bench summarize} reads it back: typed records (see {@link
 * LoadResults}), indented. Reading ignores fields it does not know, so results written by older or newer versions
 * still load.
 */
final class ResultsJson {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private ResultsJson() {}

    static void write(Path file, Object results) throws IOException {
        MAPPER.writeValue(file.toFile(), results);
    }

    static <T> T read(Path file, Class<T> type) throws IOException {
        return MAPPER.readValue(file.toFile(), type);
    }
}
