package dev.opaquepop.server;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.opaquepop.opaque.OpaqueConfig;
import dev.opaquepop.opaque.OpaqueServer;
import dev.opaquepop.pop.PopVerifier;
import dev.opaquepop.server.http.HttpApi;
import dev.opaquepop.server.service.LoginService;
import dev.opaquepop.server.service.RegistrationService;
import dev.opaquepop.server.service.SessionService;
import dev.opaquepop.server.service.TransferService;
import dev.opaquepop.server.store.memory.MemoryNonceStore;
import dev.opaquepop.server.store.memory.MemoryPendingLoginStore;
import dev.opaquepop.server.store.memory.MemorySessionStore;
import dev.opaquepop.server.store.sqlite.SqliteDatabase;
import dev.opaquepop.server.store.sqlite.SqliteTransferStore;
import dev.opaquepop.server.store.sqlite.SqliteUserStore;
import io.javalin.Javalin;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running opaque-pop server in embedded mode: users and transfers in SQLite in the data directory, sessions,
 * pending logins and nonces in bounded memory caches.
 */
public final class OpaquePopServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OpaquePopServer.class);

    private final Javalin app;
    private final byte[] publicKey;

    private OpaquePopServer(Javalin app, byte[] publicKey) {
        this.app = app;
        this.publicKey = publicKey;
    }

    /** Opens storage, loads or creates the server setup, and starts listening. */
    public static OpaquePopServer start(ServerConfig config) throws IOException {
        createDataDirectory(config);
        ServerSetups.Loaded loaded = ServerSetups.load(config);
        SqliteDatabase database = SqliteDatabase.open(config.dataDirectory());

        OpaqueServer opaque = new OpaqueServer(OpaqueConfig.defaults(), loaded.setup(), config.random());
        Ticker ticker = Ticker.systemTicker();
        MemorySessionStore sessionStore = new MemorySessionStore(config.maxSessions(), config.clock(), ticker);
        SessionService sessions = new SessionService(sessionStore);
        Services services = new Services(
                config,
                new RegistrationService(opaque, new SqliteUserStore(database), config.clock()),
                new LoginService(
                        opaque,
                        new SqliteUserStore(database),
                        new MemoryPendingLoginStore(
                                config.maxPendingLogins(), config.loginTtl(), config.clock(), ticker),
                        sessionStore,
                        config.clock(),
                        config.random(),
                        config.loginTtl(),
                        config.sessionTtl()),
                sessions,
                new TransferService(new SqliteTransferStore(database), config.clock()),
                new PopVerifier(
                        sessions,
                        new MemoryNonceStore(config.nonceCapacity(), ticker),
                        config.clock(),
                        config.popWindow()),
                new Metrics(),
                Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(loaded.setup().publicKey()));

        Javalin app = HttpApi.create(services);
        app.start(config.bind(), config.port());
        byte[] publicKey = loaded.setup().publicKey();
        LOG.info(
                "opaque-pop listening on http://{}:{} data={} setup={} server_public_key={}",
                config.bind(),
                app.port(),
                config.dataDirectory().toAbsolutePath(),
                loaded.source(),
                Base64.getUrlEncoder().withoutPadding().encodeToString(publicKey));
        return new OpaquePopServer(app, publicKey);
    }

    private static void createDataDirectory(ServerConfig config) throws IOException {
        if (Files.isDirectory(config.dataDirectory())) {
            return;
        }
        if (config.dataDirectory().getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.createDirectories(
                    config.dataDirectory(),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } else {
            Files.createDirectories(config.dataDirectory());
        }
    }

    /** The port actually bound (useful with port 0). */
    public int port() {
        return app.port();
    }

    public byte[] publicKey() {
        return publicKey.clone();
    }

    @Override
    public void close() {
        app.stop();
    }
}
