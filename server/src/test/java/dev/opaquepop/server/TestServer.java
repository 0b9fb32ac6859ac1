package dev.opaquepop.server;

import dev.opaquepop.client.KsfPolicy;
import dev.opaquepop.opaque.Argon2idKsf;
import dev.opaquepop.server.http.OpaquePopServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * A real server on a free loopback port with its own data directory. Clients are told (through
 * /.well-known/opaque-pop) to use a cheap Argon2id so tests spend their time on the protocol, not the KSF.
 */
final class TestServer implements AutoCloseable {
    static final Argon2idKsf TEST_KSF = Argon2idKsf.of(1024, 1, 1);
    /** What clients of a test server must be told to accept: its cheap KSF is below the SDK's floor on purpose. */
    static final KsfPolicy CLIENT_POLICY = KsfPolicy.insecureFloor(TEST_KSF.memoryKib(), TEST_KSF.iterations());

    private final OpaquePopServer server;
    private final Path dataDirectory;

    private TestServer(OpaquePopServer server, Path dataDirectory) {
        this.server = server;
        this.dataDirectory = dataDirectory;
    }

    static TestServer start(Path dataDirectory) throws IOException {
        return start(dataDirectory, builder -> {});
    }

    static TestServer start(Path dataDirectory, Consumer<ServerConfig.Builder> customize) throws IOException {
        // The database in a subdirectory: the setup's default place is beside it, and so inside the test's directory.
        Path database = dataDirectory.resolve("data");
        ServerConfig.Builder builder =
                ServerConfig.builder().port(0).dataDirectory(database).clientKsf(TEST_KSF);
        customize.accept(builder);
        return new TestServer(OpaquePopServer.start(builder.build()), database);
    }

    int port() {
        return server.port();
    }

    /** The metrics port ({@code metricsPort(0)} in the configuration), else -1. */
    int metricsPort() {
        return server.metricsPort();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.port());
    }

    URI uri(String path) {
        return uri().resolve(path);
    }

    Path dataDirectory() {
        return dataDirectory;
    }

    @Override
    public void close() {
        server.close();
    }
}
