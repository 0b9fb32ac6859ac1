/**
 * PostgreSQL for users shared by every instance: a bounded pool and the Flyway migrations.
 */
package dev.opaquepop.server.store.postgres;
