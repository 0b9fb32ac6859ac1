package dev.opaquepop.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * SQLite and PostgreSQL keep one migration history: the same versions with the same descriptions, each written
 * in its database's SQL, so a schema version means the same tables whichever database holds them.
 */
class MigrationsTest {
    private static final Path MIGRATIONS = Path.of("src", "main", "resources", "db", "opaque-pop");

    @Test
    void sqliteAndPostgresql_haveTheSameHistory() throws IOException {
        List<String> sqlite = names(MIGRATIONS.resolve("sqlite"));
        assertThat(sqlite).isNotEmpty().allMatch(name -> name.matches("V[0-9]+__[a-z0-9_]+\\.sql"));
        assertThat(names(MIGRATIONS.resolve("postgresql"))).isEqualTo(sqlite);
    }

    private static List<String> names(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(file -> file.getFileName().toString()).sorted().toList();
        }
    }
}
