/**
 * What the services keep and the interfaces they keep it behind: users' records, sessions, pending logins;
 * implemented in memory and SQLite for one machine, PostgreSQL and Redis for many.
 */
package dev.opaquepop.server.store;
