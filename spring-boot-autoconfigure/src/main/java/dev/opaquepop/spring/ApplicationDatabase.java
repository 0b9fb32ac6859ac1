package dev.opaquepop.spring;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/** Whether the application's own DataSource can hold the users: only PostgreSQL is supported as a shared database. */
final class ApplicationDatabase {
    private ApplicationDatabase() {}

    static boolean isPostgres(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            return "PostgreSQL".equals(connection.getMetaData().getDatabaseProductName());
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "opaque-pop: the application's DataSource cannot be reached to tell whether it is PostgreSQL", e);
        }
    }
}
