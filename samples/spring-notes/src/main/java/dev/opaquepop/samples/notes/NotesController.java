package dev.opaquepop.samples.notes;

import java.security.Principal;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** The user's notes: create, list, delete. The user is whoever signed the request. */
@RestController
@RequestMapping("/api/notes")
public class NotesController {
    static final int MAX_TEXT = 2000;

    private final NoteRepository notes;

    public NotesController(NoteRepository notes) {
        this.notes = notes;
    }

    /** A new note from {@code {"text": "..."}}. */
    @PostMapping
    public ResponseEntity<Note> create(Principal user, @RequestBody NewNote note) {
        if (note.text() == null || note.text().isBlank() || note.text().length() > MAX_TEXT) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "text must be 1 to " + MAX_TEXT + " characters");
        }
        return ResponseEntity.status(HttpStatus.CREATED).body(notes.create(user.getName(), note.text()));
    }

    @GetMapping
    public Map<String, Object> list(Principal user) {
        List<Note> mine = notes.list(user.getName());
        return Map.of("user", user.getName(), "notes", mine);
    }

    /** How many notes the user has (and the public twin of {@link BenchmarkProfile} the same without a user). */
    @GetMapping("/count")
    public Map<String, Object> count(Principal user) {
        return Map.of("user", user.getName(), "count", notes.count(user.getName()));
    }

    @DeleteMapping("/{id}")
    public ResponseEntity<Void> delete(Principal user, @PathVariable String id) {
        if (!notes.delete(user.getName(), id)) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no such note");
        }
        return ResponseEntity.noContent().build();
    }

    /** The body of a new note. */
    public record NewNote(String text) {}
}
