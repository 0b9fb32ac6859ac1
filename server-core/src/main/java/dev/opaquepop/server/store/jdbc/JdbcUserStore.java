package dev.opaquepop.server.store.jdbc;

import dev.opaquepop.opaque.InvalidMessageException;
import dev.opaquepop.opaque.RegistrationRecord;
import dev.opaquepop.server.store.StoreException;
import dev.opaquepop.server.store.UserStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/**
 * Users in SQLite or PostgreSQL (the SQL is the same). Inserts never overwrite: the primary key settles races
 * between registrations, also between instances sharing PostgreSQL. A password change is one compare-and-set
 * {@code UPDATE}, a deletion one transaction: either happens whole or not at all, whatever runs beside it.
 */
public final class JdbcUserStore implements UserStore {
    private final ConnectionSource database;

    public JdbcUserStore(ConnectionSource database) {
        this.database = database;
    }

    @Override
    public boolean insert(String username, RegistrationRecord record, Instant createdAt) {
        String sql = "INSERT INTO users (username, record, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING";
        try (Connection connection = database.connect();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, username);
            statement.setBytes(2, record.encode());
            statement.setLong(3, createdAt.getEpochSecond());
            return statement.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new StoreException(database.name() + ": cannot insert user", e);
        }
    }

    @Override
    public Optional<RegistrationRecord> find(String username) {
        try (Connection connection = database.connect();
                PreparedStatement statement =
                        connection.prepareStatement("SELECT record FROM users WHERE username = ?")) {
            statement.setString(1, username);
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                return Optional.of(RegistrationRecord.decode(rows.getBytes(1)));
            }
        } catch (SQLException e) {
            throw new StoreException(database.name() + ": cannot read user", e);
        } catch (InvalidMessageException e) {
            throw new StoreException(database.name() + ": stored registration record is corrupt", e);
        }
    }

    @Override
    public boolean exists(String username) {
        try (Connection connection = database.connect();
                PreparedStatement statement = connection.prepareStatement("SELECT 1 FROM users WHERE username = ?")) {
            statement.setString(1, username);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next();
            }
        } catch (SQLException e) {
            throw new StoreException(database.name() + ": cannot read user", e);
        }
    }

    @Override
    public boolean replace(String username, RegistrationRecord expected, RegistrationRecord replacement) {
        String sql = "UPDATE users SET record = ? WHERE username = ? AND record = ?";
        try (Connection connection = database.connect();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setBytes(1, replacement.encode());
            statement.setString(2, username);
            statement.setBytes(3, expected.encode());
            return statement.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new StoreException(database.name() + ": cannot replace user record", e);
        }
    }

    @Override
    public boolean delete(String username, RegistrationRecord expected) {
        try {
            // The schema deletes the user's transfers with the row (V2's foreign key, ON DELETE CASCADE).
            return Transactions.inTransaction(database, connection -> {
                try (PreparedStatement user =
                        connection.prepareStatement("DELETE FROM users WHERE username = ? AND record = ?")) {
                    user.setString(1, username);
                    user.setBytes(2, expected.encode());
                    return user.executeUpdate() == 1;
                }
            });
        } catch (SQLException e) {
            throw new StoreException(database.name() + ": cannot delete user", e);
        }
    }
}
