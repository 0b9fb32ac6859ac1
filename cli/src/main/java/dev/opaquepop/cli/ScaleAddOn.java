package dev.opaquepop.cli;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.CodeSource;

/**
 * The Redis + PostgreSQL add-on, {@value #FILE}: Lettuce (with Netty and Reactor), the PostgreSQL driver and
 * Flyway's PostgreSQL support, kept out of the executable so that the embedded default stays small. The
 * executable's manifest names the add-on, so the JVM loads it when it lies in the same directory and ignores its
 * absence; this class turns that absence into a clear refusal of the options that need it, before any class of
 * the missing libraries is touched.
 */
final class ScaleAddOn {
    static final String FILE = "opaque-pop-scale.jar";

    /** A class of each library {@code --db-url} needs: the driver and Flyway's PostgreSQL support. */
    private static final String[] POSTGRESQL = {
        "org.postgresql.Driver", "org.flywaydb.database.postgresql.PostgreSQLDatabaseType"
    };

    /** A class of each library {@code --redis-url} needs: Lettuce, Netty under it, and Bucket4j over Lettuce. */
    private static final String[] REDIS = {
        "io.lettuce.core.RedisClient",
        "io.netty.channel.Channel",
        "reactor.core.publisher.Mono",
        "io.github.bucket4j.redis.lettuce.cas.LettuceBasedProxyManager"
    };

    private ScaleAddOn() {}

    /**
     * Refuses {@code --db-url} and {@code --redis-url} when the add-on is not loaded.
     *
     * @throws IllegalArgumentException naming the option and the file to put beside the executable
     */
    static void requireFor(String dbUrl, String redisUrl) {
        if (isSet(dbUrl) && !present(POSTGRESQL)) {
            throw missing("--db-url (OPAQUE_POP_DB_URL)", "PostgreSQL");
        }
        if (isSet(redisUrl) && !present(REDIS)) {
            throw missing("--redis-url (OPAQUE_POP_REDIS_URL)", "Redis");
        }
    }

    private static IllegalArgumentException missing(String option, String what) {
        return new IllegalArgumentException(option + " needs the " + what + " support in " + FILE
                + ", which was not found: put it in the same directory as the executable (" + executableDirectory()
                + "); bin/opaque-pop builds both. See docs/deploy.md, \"Files\".");
    }

    private static boolean present(String[] classNames) {
        ClassLoader loader = ScaleAddOn.class.getClassLoader();
        for (String name : classNames) {
            try {
                Class.forName(name, false, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                return false;
            }
        }
        return true;
    }

    private static boolean isSet(String value) {
        return value != null && !value.isBlank();
    }

    /** Where the running executable lies, for the message; a description when it cannot be told. */
    private static String executableDirectory() {
        CodeSource source = ScaleAddOn.class.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            return "its location is unknown";
        }
        try {
            Path location = Path.of(source.getLocation().toURI()).toAbsolutePath();
            Path directory = location.getParent();
            return directory == null ? location.toString() : directory.toString();
        } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
            return source.getLocation().toString();
        }
    }
}
