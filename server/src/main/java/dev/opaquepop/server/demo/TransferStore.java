package dev.opaquepop.server.demo;

import dev.opaquepop.server.store.RecordTag;
import dev.opaquepop.server.store.StoreException;
import dev.opaquepop.server.store.jdbc.ConnectionSource;
import dev.opaquepop.server.store.jdbc.Transactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Durable transfers, in the core's SQLite or PostgreSQL database (the SQL is the same), in the {@code transfers}
 * table its migrations create ({@code ProtocolCore.database()} says why there). The unique (session_hash, nonce)
 * constraint turns a replay into a no-op insert, on whichever instance it arrives and whatever Redis remembers: of
 * concurrent inserts of one pair, one commits and the others find the conflict.
 */
final class TransferStore {
    /** What became of a transfer. */
    enum Outcome {
        /** Recorded durably. */
        BOOKED,
        /** A transfer with the same session and nonce exists: a replay, nothing recorded. */
        REPLAYED,
        /** The sender no longer holds the registration the session was made with: nothing recorded. */
        REGISTRATION_ENDED
    }

    private static final String SENDER = "SELECT record FROM users WHERE username = ?";
    private static final String SENDER_FOR_SHARE = SENDER + " FOR SHARE";

    private final ConnectionSource database;

    TransferStore(ConnectionSource database) {
        this.database = database;
    }

    /**
     * Records a transfer durably before returning, if its sender still holds the registration {@code
     * senderRegistration} names, checked in the same transaction (with the sender's row locked against a
     * concurrent change or deletion). The schema also refuses a transfer whose sender does not exist, and removes
     * a sender's transfers with the sender.
     */
    Outcome insert(Transfer transfer, RecordTag senderRegistration) {
        try {
            return Transactions.inTransaction(
                    database,
                    connection -> holds(connection, transfer.from(), senderRegistration)
                            ? record(connection, transfer)
                            : Outcome.REGISTRATION_ENDED);
        } catch (SQLException e) {
            throw new StoreException(database.name() + ": cannot record transfer", e);
        }
    }

    /** Whether the sender still holds that registration; the row stays locked until the transaction ends. */
    private boolean holds(Connection connection, String sender, RecordTag registration) throws SQLException {
        try (PreparedStatement statement = database.locksRowsForShare()
                ? connection.prepareStatement(SENDER_FOR_SHARE)
                : connection.prepareStatement(SENDER)) {
            statement.setString(1, sender);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() && RecordTag.ofEncoded(rows.getBytes(1)).equals(registration);
            }
        }
    }

    private static Outcome record(Connection connection, Transfer transfer) throws SQLException {
        String sql = "INSERT INTO transfers (id, from_user, to_user, amount_cents, session_hash, nonce, created_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (session_hash, nonce) DO NOTHING";
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, transfer.id());
            statement.setString(2, transfer.from());
            statement.setString(3, transfer.to());
            statement.setLong(4, transfer.amountCents());
            statement.setString(5, transfer.sessionHash());
            statement.setString(6, transfer.nonce());
            statement.setLong(7, transfer.createdAt().getEpochSecond());
            return statement.executeUpdate() == 1 ? Outcome.BOOKED : Outcome.REPLAYED;
        }
    }

    /** The user's outgoing transfers, oldest first, at most {@code limit}. */
    List<Transfer> listFrom(String username, int limit) {
        String sql = "SELECT id, from_user, to_user, amount_cents, session_hash, nonce, created_at FROM transfers"
                + " WHERE from_user = ? ORDER BY seq LIMIT ?";
        try (Connection connection = database.connect();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, username);
            statement.setInt(2, limit);
            List<Transfer> out = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    out.add(new Transfer(
                            rows.getString(1),
                            rows.getString(2),
                            rows.getString(3),
                            rows.getLong(4),
                            rows.getString(5),
                            rows.getString(6),
                            Instant.ofEpochSecond(rows.getLong(7))));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException(database.name() + ": cannot list transfers", e);
        }
    }
}
