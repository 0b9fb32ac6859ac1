package dev.opaquepop.cli.bench;

import dev.opaquepop.client.OpaquePopClientException;
import dev.opaquepop.opaque.OpaqueException;
import dev.opaquepop.server.ServerConfig;
import dev.opaquepop.server.http.OpaquePopServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * What the bench commands share when no {@code --server} is given: a server started in this process on a free
 * port with a throw-away data directory, the guessing limits off, quiet logs (its request log would bury the progress bar), and the load
 * generator's randomness.
 */
final class LocalServer {
    /** The measurement to run against the local server's base URI. */
    @FunctionalInterface
    interface Body {
        int run(URI base) throws IOException, InterruptedException, OpaquePopClientException, OpaqueException;
    }

    private LocalServer() {}

    static int run(PrintWriter err, Body body)
            throws IOException, InterruptedException, OpaquePopClientException, OpaqueException {
        if (System.getenv("OPAQUE_POP_LOG_LEVEL") == null && System.getProperty("OPAQUE_POP_LOG_LEVEL") == null) {
            System.setProperty("OPAQUE_POP_LOG_LEVEL", "WARN");
        }
        Path data = Files.createTempDirectory("opaque-pop-bench");
        // A load test logs in as fast as it can from one address: the limits against guessing would refuse it.
        try (OpaquePopServer local = OpaquePopServer.start(ServerConfig.builder()
                .port(0)
                // A subdirectory, so that the setup's default place beside it is inside the deleted directory too.
                .dataDirectory(data.resolve("data"))
                .rateLimit(false)
                .build())) {
            URI uri = URI.create("http://127.0.0.1:" + local.port());
            err.println("started a server in-process at " + uri + " (data in " + data + ")");
            return body.run(uri);
        } finally {
            deleteRecursively(data);
        }
    }

    /**
     * The load generator's randomness (blinds, keyshares, nonces): the JDK's DRBG, seeded once, rather than the
     * default NativePRNG, which reads /dev/urandom under a global lock for every nonce and would spend the cores
     * the server needs on the client's side of the measurement.
     */
    static SecureRandom random() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (NoSuchAlgorithmException e) {
            return new SecureRandom();
        }
    }

    static void deleteRecursively(Path directory) throws IOException {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
