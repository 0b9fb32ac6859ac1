package dev.opaquepop.demo;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One transfer as the server reports it. The amount stays a decimal string, exactly as on the wire: money is
 * never a floating-point number here.
 *
 * @param transferId the server's id for the transfer
 * @param from the sending user (the session's user)
 * @param to the receiving user
 * @param amount a decimal string such as {@code "12.50"}
 * @param createdAt when the server recorded it; present in {@code GET /api/transfers}, absent in the answer to
 *     {@code POST /api/transfer}
 */
public record TransferReceipt(String transferId, String from, String to, String amount, Optional<Instant> createdAt) {
    public TransferReceipt {
        Objects.requireNonNull(transferId, "transferId");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(amount, "amount");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
