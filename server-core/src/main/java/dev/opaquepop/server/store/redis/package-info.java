/**
 * Redis for sessions, pending logins, nonces and limits shared by every instance; values sealed (AEAD) so a
 * reader or writer of Redis cannot forge or read a session.
 */
package dev.opaquepop.server.store.redis;
