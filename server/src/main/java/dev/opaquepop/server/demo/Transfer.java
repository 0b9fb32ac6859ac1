package dev.opaquepop.server.demo;

import java.time.Instant;

/**
 * A recorded transfer with the session and nonce that authorized it ({@code sessionHash} is the SHA-256 of the
 * session id, so the table holds no bearer credential). Amounts are in cents.
 */
record Transfer(
        String id, String from, String to, long amountCents, String sessionHash, String nonce, Instant createdAt) {}
