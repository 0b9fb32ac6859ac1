package dev.opaquepop.server.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

/** One database transaction around a piece of work, for the JDBC stores. */
public final class Transactions {
    private Transactions() {}

    /** The work: statements on the transaction's connection. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /**
     * Runs {@code work} in one transaction on a connection from {@code database}: committed when it returns, rolled
     * back when it throws (work that changes nothing commits nothing).
     */
    public static <T> T inTransaction(ConnectionSource database, Work<T> work) throws SQLException {
        try (Connection connection = database.connect()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        }
    }
}
