/**
 * The embedded default: users and transfers in a SQLite file in the data directory.
 */
package dev.opaquepop.server.store.sqlite;
