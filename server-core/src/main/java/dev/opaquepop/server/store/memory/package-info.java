/**
 * Bounded in-memory stores (Caffeine) for one instance: sessions, pending logins, nonces, limit buckets.
 */
package dev.opaquepop.server.store.memory;
