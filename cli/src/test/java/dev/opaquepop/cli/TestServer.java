package dev.opaquepop.cli;

import dev.opaquepop.client.KsfPolicy;
import dev.opaquepop.client.OpaquePopClient;
import dev.opaquepop.opaque.Argon2idKsf;
import dev.opaquepop.server.ServerConfig;
import dev.opaquepop.server.http.OpaquePopServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;

/**
 * A server in this process for the command tests, and an SDK client on it. Its KSF (Argon2id m = 1 MiB, t = 1)
 * keeps a registration or login in the milliseconds, so the client accepts that cheap KSF, and so must the
 * commands under test ({@code --insecure-allow-weak-ksf}) unless a test checks that they refuse it.
 */
final class TestServer implements AutoCloseable {
    private final OpaquePopServer server;
    private final URI base;
    private final OpaquePopClient client;

    private TestServer(OpaquePopServer server) {
        this.server = server;
        this.base = URI.create("http://127.0.0.1:" + server.port());
        this.client = OpaquePopClient.builder(base)
                .ksfPolicy(KsfPolicy.insecureFloor(1024, 1))
                .build();
    }

    /** Starts it on a free port, with its data in a subdirectory of {@code directory}. */
    static TestServer start(Path directory) throws IOException {
        return new TestServer(OpaquePopServer.start(ServerConfig.builder()
                .port(0)
                .dataDirectory(directory.resolve("data"))
                .clientKsf(Argon2idKsf.of(1024, 1, 1))
                .build()));
    }

    URI base() {
        return base;
    }

    OpaquePopClient client() {
        return client;
    }

    @Override
    public void close() {
        client.close();
        server.close();
    }
}
