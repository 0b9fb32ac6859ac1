package dev.opaquepop.server.store.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import dev.opaquepop.server.store.StoreException;
import dev.opaquepop.server.store.jdbc.ConnectionSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * PostgreSQL shared by every instance, through a HikariCP pool. Every wait is bounded by the configured timeout:
 * borrowing a connection ({@code connectionTimeout}, validation included), opening one ({@code connectTimeout}),
 * and each statement (the driver's {@code socketTimeout}, and {@code statement_timeout} on the server), so an
 * unreachable database costs a request at most about 2.5 timeouts and then a 503, never a hang. The pool replaces broken connections by itself, so the instance
 * serves again as soon as the database is back.
 *
 * <p>The schema comes from the Flyway migrations in {@code db/opaque-pop/postgresql}, the same history as
 * SQLite's. A {@code currentSchema} URL parameter names the schema to migrate and use (created if missing), so
 * deployments, and test runs, can share one database.
 */
public final class PostgresDatabase implements AutoCloseable, ConnectionSource {
    private final DataSource dataSource;
    private final String schema;
    private final int timeoutSeconds;
    private final String displayUrl;

    private PostgresDatabase(DataSource dataSource, String schema, int timeoutSeconds, String displayUrl) {
        this.dataSource = dataSource;
        this.schema = schema;
        this.timeoutSeconds = timeoutSeconds;
        this.displayUrl = displayUrl;
    }

    /**
     * Migrates and uses the schema {@code schema} (created if missing) of an application's own pool, which it
     * keeps owning: {@link #close()} leaves it open. Each connection borrowed is switched to the schema, and switched
     * back before it is returned (a pool resets the schema only when it was configured with one, which Spring
     * Boot's is not: the application's next query would look in our schema). The schema's own Flyway history table
     * keeps these migrations apart from the application's.
     *
     * @throws StoreException naming {@code displayUrl} when the database cannot be reached or migrated
     */
    public static PostgresDatabase over(DataSource dataSource, String schema, Duration timeout, String displayUrl) {
        try {
            Flyway.configure()
                    .dataSource(dataSource)
                    .locations("classpath:db/opaque-pop/postgresql")
                    .schemas(schema)
                    .createSchemas(true)
                    .connectRetries(0)
                    .load()
                    .migrate();
        } catch (FlywayException e) {
            throw new StoreException(
                    "cannot connect to or migrate PostgreSQL at " + displayUrl + ": " + rootMessage(e), e);
        }
        return new PostgresDatabase(dataSource, schema, (int) Math.max(1, timeout.toSeconds()), displayUrl);
    }

    /**
     * Migrates the schema and opens the pool.
     *
     * @param url the JDBC URL; may hold credentials, so it never appears in a message
     * @param user the user, or {@code null} to take it from the URL
     * @param password the password, or {@code null}
     * @param displayUrl the URL without credentials, for messages
     * @throws StoreException naming {@code displayUrl} when the database cannot be reached or migrated
     */
    public static PostgresDatabase open(
            String url, String user, String password, int poolSize, Duration timeout, String displayUrl) {
        int seconds = (int) Math.max(1, (timeout.toMillis() + 999) / 1000);
        migrate(url, user, password, displayUrl);

        HikariConfig config = new HikariConfig();
        config.setPoolName("opaque-pop-postgresql");
        config.setJdbcUrl(url);
        if (user != null) {
            config.setUsername(user);
        }
        if (password != null) {
            config.setPassword(password);
        }
        config.setMaximumPoolSize(poolSize);
        config.setConnectionTimeout(timeout.toMillis());
        config.setValidationTimeout(Math.max(250, timeout.toMillis() / 2));
        config.setInitializationFailTimeout(timeout.toMillis());
        config.setKeepaliveTime(Duration.ofSeconds(60).toMillis());
        // Driver properties; a parameter in the URL wins over these.
        Properties driver = new Properties();
        driver.setProperty("connectTimeout", Integer.toString(seconds));
        driver.setProperty("loginTimeout", Integer.toString(seconds));
        driver.setProperty("socketTimeout", Integer.toString(seconds));
        // The server cancels a slow statement itself. (A client-side query timeout would send its cancel over a
        // new connection, which in a partition waits for cancelSignalTimeout: 10 s by default.)
        driver.setProperty("options", "-c statement_timeout=" + timeout.toMillis());
        driver.setProperty("cancelSignalTimeout", Integer.toString(seconds));
        driver.setProperty("tcpKeepAlive", "true");
        driver.setProperty("ApplicationName", "opaque-pop");
        config.setDataSourceProperties(driver);
        try {
            return new PostgresDatabase(new HikariDataSource(config), null, seconds, displayUrl);
        } catch (HikariPool.PoolInitializationException e) {
            throw new StoreException("cannot connect to PostgreSQL at " + displayUrl + ": " + rootMessage(e), e);
        }
    }

    /**
     * Runs the migrations on a connection of their own, without the request timeouts: a second instance
     * starting at the same moment waits for Flyway's lock instead of failing.
     */
    private static void migrate(String url, String user, String password, String displayUrl) {
        String schemas = urlProperty(url, "currentSchema");
        var flyway = Flyway.configure()
                .dataSource(url, user, password)
                .locations("classpath:db/opaque-pop/postgresql")
                .connectRetries(0);
        if (schemas != null && !schemas.isBlank()) {
            int comma = schemas.indexOf(',');
            flyway.schemas((comma < 0 ? schemas : schemas.substring(0, comma)).strip())
                    .createSchemas(true);
        }
        try {
            flyway.load().migrate();
        } catch (FlywayException e) {
            throw new StoreException(
                    "cannot connect to or migrate PostgreSQL at " + displayUrl + ": " + rootMessage(e), e);
        }
    }

    /** A property as the driver reads it from the URL (decoded), or {@code null}. */
    private static String urlProperty(String url, String name) {
        try {
            for (DriverPropertyInfo property : DriverManager.getDriver(url).getPropertyInfo(url, new Properties())) {
                if (property.name.equals(name)) {
                    return property.value;
                }
            }
            return null;
        } catch (SQLException e) {
            throw new StoreException("the PostgreSQL driver does not accept the --db-url", e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        for (int depth = 0; root.getCause() != null && depth < 16; depth++) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    @Override
    public Connection connect() throws SQLException {
        Connection connection = dataSource.getConnection();
        if (schema == null) {
            return connection;
        }
        try {
            String previous = connection.getSchema();
            connection.setSchema(schema);
            return SchemaRestoringConnection.wrap(connection, previous);
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
    }

    @Override
    public boolean locksRowsForShare() {
        return true;
    }

    @Override
    public String name() {
        return "postgresql";
    }

    /** Throws {@link StoreException} unless a pooled connection answers within the timeout. */
    public void probe() {
        try (Connection connection = connect()) {
            if (!connection.isValid(timeoutSeconds)) {
                throw new StoreException("postgresql: connection is not valid");
            }
        } catch (SQLException e) {
            throw new StoreException("postgresql: unavailable", e);
        }
    }

    @Override
    public void close() {
        // An application's pool stays the application's to close.
        if (schema == null && dataSource instanceof HikariDataSource owned) {
            owned.close();
        }
    }

    @Override
    public String toString() {
        return "PostgresDatabase[" + displayUrl + "]";
    }
}
