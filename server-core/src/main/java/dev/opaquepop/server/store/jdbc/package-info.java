/**
 * The SQL stores shared by SQLite and PostgreSQL, over a {@code ConnectionSource}.
 */
package dev.opaquepop.server.store.jdbc;
