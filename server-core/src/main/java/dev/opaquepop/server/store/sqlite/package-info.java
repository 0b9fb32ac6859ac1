/**
 * The embedded default: users in a SQLite file in the data directory.
 */
package dev.opaquepop.server.store.sqlite;
