package dev.opaquepop.samples.notes;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The notes table (the application's own Flyway migration creates it); every query is scoped to one owner. */
@Repository
public class NoteRepository {
    private final JdbcClient jdbc;
    private final Clock clock;

    public NoteRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
        this.clock = Clock.systemUTC();
    }

    public Note create(String owner, String text) {
        Note note = new Note(UUID.randomUUID().toString(), text, clock.instant().truncatedTo(ChronoUnit.MILLIS));
        jdbc.sql("INSERT INTO notes (id, owner, text, created_at) VALUES (?, ?, ?, ?)")
                .params(note.id(), owner, text, note.createdAt().toEpochMilli())
                .update();
        return note;
    }

    public List<Note> list(String owner) {
        return jdbc.sql("SELECT id, text, created_at FROM notes WHERE owner = ? ORDER BY created_at, id")
                .param(owner)
                .query((row, n) -> new Note(
                        row.getString("id"), row.getString("text"), Instant.ofEpochMilli(row.getLong("created_at"))))
                .list();
    }

    public long count(String owner) {
        return jdbc.sql("SELECT COUNT(*) FROM notes WHERE owner = ?")
                .param(owner)
                .query(Long.class)
                .single();
    }

    /** True when the owner had this note; another user's note is as absent as a missing one. */
    public boolean delete(String owner, String id) {
        return jdbc.sql("DELETE FROM notes WHERE id = ? AND owner = ?")
                        .params(id, owner)
                        .update()
                > 0;
    }
}
