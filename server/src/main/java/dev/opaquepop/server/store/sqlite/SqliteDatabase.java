package dev.opaquepop.server.store.sqlite;

import dev.opaquepop.server.store.StoreException;
import dev.opaquepop.server.store.jdbc.ConnectionSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The embedded database: one SQLite file in the data directory, in WAL mode with {@code synchronous=FULL} so
 * a commit is on disk before the HTTP response that acknowledges it. The schema comes from Flyway migrations.
 */
public final class SqliteDatabase implements ConnectionSource {
    static final String FILE_NAME = "opaque-pop.db";

    private final SQLiteDataSource dataSource;

    private SqliteDatabase(SQLiteDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Opens (creating if needed) the database in {@code dataDirectory} and migrates it to the latest schema. */
    public static SqliteDatabase open(Path dataDirectory) {
        Path file = dataDirectory.resolve(FILE_NAME);
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setBusyTimeout(10_000);
        config.enforceForeignKeys(true);
        SQLiteDataSource dataSource = new SQLiteDataSource(config);
        dataSource.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration/sqlite")
                .load()
                .migrate();
        restrictPermissions(file);
        return new SqliteDatabase(dataSource);
    }

    private static void restrictPermissions(Path file) {
        try {
            if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
                Files.setPosixFilePermissions(
                        file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            }
        } catch (IOException e) {
            throw new StoreException("cannot restrict permissions of the database file", e);
        }
    }

    @Override
    public Connection connect() throws SQLException {
        return dataSource.getConnection();
    }

    @Override
    public String name() {
        return "sqlite";
    }

    /** Throws {@link StoreException} unless the database file answers a query. */
    public void probe() {
        try (Connection connection = connect();
                java.sql.Statement statement = connection.createStatement()) {
            statement.execute("SELECT 1");
        } catch (SQLException e) {
            throw new StoreException("sqlite: unavailable", e);
        }
    }

    public DataSource dataSource() {
        return dataSource;
    }
}
