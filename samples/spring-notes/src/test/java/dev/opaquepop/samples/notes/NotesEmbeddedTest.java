package dev.opaquepop.samples.notes;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The suite with the embedded defaults: the notes and opaque-pop's users in SQLite, sessions in memory. */
class NotesEmbeddedTest extends NotesSuite {
    @TempDir
    static Path directory;

    @DynamicPropertySource
    static void storage(DynamicPropertyRegistry properties) {
        properties.add("spring.datasource.url", () -> "jdbc:sqlite:" + directory.resolve("notes.db"));
        properties.add(
                "opaque-pop.data-directory", () -> directory.resolve("data").toString());
        // Every test registers users from one address.
        properties.add("opaque-pop.register-limit-address", () -> "1000/30s");
    }
}
