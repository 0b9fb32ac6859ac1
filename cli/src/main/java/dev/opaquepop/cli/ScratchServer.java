package dev.opaquepop.cli;

import dev.opaquepop.server.ServerConfig;
import dev.opaquepop.server.http.OpaquePopServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * A server in this process on a free loopback port and a temporary data directory, for the commands that bring
 * their own ({@code demo}, {@code train-startup-cache}): its request log is quiet unless the user set a level, and
 * closing it stops the server and deletes the directory.
 */
final class ScratchServer implements AutoCloseable {
    private final OpaquePopServer server;
    private final Path data;

    private ScratchServer(OpaquePopServer server, Path data) {
        this.server = server;
        this.data = data;
    }

    /** Starts one; {@code settings} may change anything but the port and data directory. */
    static ScratchServer start(UnaryOperator<ServerConfig.Builder> settings) throws IOException {
        // Its request log would bury the command's own output; logback reads this before its first logger.
        if (System.getenv("OPAQUE_POP_LOG_LEVEL") == null && System.getProperty("OPAQUE_POP_LOG_LEVEL") == null) {
            System.setProperty("OPAQUE_POP_LOG_LEVEL", "WARN");
        }
        Path data = Files.createTempDirectory("opaque-pop-scratch");
        ScratchServer started = null;
        try {
            ServerConfig config = settings.apply(ServerConfig.builder())
                    .port(0)
                    .dataDirectory(data.resolve("data"))
                    .build();
            started = new ScratchServer(OpaquePopServer.start(config), data);
            return started;
        } finally {
            if (started == null) {
                deleteRecursively(data);
            }
        }
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.port());
    }

    Path data() {
        return data;
    }

    @Override
    public void close() throws IOException {
        try {
            server.close();
        } finally {
            deleteRecursively(data);
        }
    }

    private static void deleteRecursively(Path directory) throws IOException {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
