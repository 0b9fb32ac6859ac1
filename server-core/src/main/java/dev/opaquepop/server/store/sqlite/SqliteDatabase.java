package dev.opaquepop.server.store.sqlite;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.opaquepop.server.store.StoreException;
import dev.opaquepop.server.store.jdbc.ConnectionSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import org.flywaydb.core.Flyway;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The embedded database: one SQLite file in the data directory, in WAL mode with {@code synchronous=FULL} so
 * a commit is on disk before the HTTP response that acknowledges it. The schema comes from Flyway migrations.
 *
 * <p>Connections are pooled: opening a SQLite connection parses the schema and applies the pragmas, which cost
 * more server CPU per login than all of the curve arithmetic when done per statement (see BENCHMARKS.md). WAL
 * lets the pooled connections read concurrently; writers still take the file's single write lock in turn, waiting
 * up to the busy timeout.
 */
public final class SqliteDatabase implements ConnectionSource, AutoCloseable {
    static final String FILE_NAME = "opaque-pop.db";
    /** Enough readers for two cores; more would only queue on the write lock. */
    private static final int POOL_SIZE = 4;

    private static final int BUSY_TIMEOUT_MILLIS = 10_000;

    private final HikariDataSource pool;

    private SqliteDatabase(HikariDataSource pool) {
        this.pool = pool;
    }

    /** Opens (creating if needed) the database in {@code dataDirectory} and migrates it to the latest schema. */
    public static SqliteDatabase open(Path dataDirectory) {
        Path file = dataDirectory.resolve(FILE_NAME);
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        config.enforceForeignKeys(true);
        // A transaction takes the write lock when it begins, not at its first write: a check of a user's
        // registration and a write that depends on it cannot be split by another writer (the demo bank's
        // transfers, dev.opaquepop.server.demo).
        config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        SQLiteDataSource dataSource = new SQLiteDataSource(config);
        dataSource.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/opaque-pop/sqlite")
                .load()
                .migrate();
        restrictPermissions(file);
        HikariConfig poolConfig = new HikariConfig();
        poolConfig.setPoolName("opaque-pop-sqlite");
        poolConfig.setDataSource(dataSource);
        poolConfig.setMaximumPoolSize(POOL_SIZE);
        poolConfig.setMinimumIdle(1);
        // A connection waits for the write lock inside SQLite (busy timeout), not for the pool.
        poolConfig.setConnectionTimeout(BUSY_TIMEOUT_MILLIS);
        return new SqliteDatabase(new HikariDataSource(poolConfig));
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
        return pool.getConnection();
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

    /** Closes the pooled connections; a checkpoint folds the WAL back into the database file. */
    @Override
    public void close() {
        pool.close();
    }
}
