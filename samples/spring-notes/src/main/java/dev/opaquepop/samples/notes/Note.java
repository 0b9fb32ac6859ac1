package dev.opaquepop.samples.notes;

import java.time.Instant;

/** One note of one user. */
public record Note(String id, String text, Instant createdAt) {}
