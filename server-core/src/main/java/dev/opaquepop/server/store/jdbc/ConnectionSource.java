package dev.opaquepop.server.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

/** Where the JDBC stores get a connection: the embedded SQLite file or the PostgreSQL pool. */
public interface ConnectionSource {
    /** A connection the caller closes. */
    Connection connect() throws SQLException;

    /** The database's name in error messages, e.g. "sqlite" or "postgresql". */
    String name();

    /**
     * Whether a {@code SELECT ... FOR SHARE} is needed (and understood) to keep the rows read unchanged until the
     * transaction ends: true for PostgreSQL; false for SQLite, whose transactions hold the database's write lock
     * from their start.
     */
    default boolean locksRowsForShare() {
        return false;
    }
}
