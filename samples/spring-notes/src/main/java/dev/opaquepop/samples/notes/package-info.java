/**
 * The Spring Boot sample (docs/spring.md): a notes API whose endpoints are protected by opaque-pop's starter, as
 * a newcomer's own application would be. {@link dev.opaquepop.samples.notes.NotesApplication} is the whole
 * security set-up; {@link dev.opaquepop.samples.notes.NotesController} reads the caller from the verified
 * principal; {@code BenchmarkProfile} adds a public twin of one endpoint under the {@code benchmark} profile only.
 */
package dev.opaquepop.samples.notes;
