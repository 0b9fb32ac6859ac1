package dev.opaquepop.samples.notes;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A small notes service whose every endpoint needs a PoP-signed request: the opaque-pop starter serves registration
 * and login beside it and, with no security configuration here, protects everything else. Nothing in this
 * application knows about OPAQUE or PoP: it reads the user from the {@code Principal}.
 */
@SpringBootApplication
public class NotesApplication {
    public static void main(String[] args) {
        SpringApplication.run(NotesApplication.class, args);
    }
}
