package dev.opaquepop.cli;

import dev.opaquepop.server.OpaquePopServer;
import dev.opaquepop.server.ServerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the HTTP server until interrupted. Every option has an environment variable equivalent. */
@Command(
        name = "server",
        mixinStandardHelpOptions = true,
        description = "Run the opaque-pop HTTP API server (embedded SQLite storage in the data directory).")
final class ServerCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--bind",
            defaultValue = "${env:OPAQUE_POP_BIND:-127.0.0.1}",
            description = "Address to listen on (env OPAQUE_POP_BIND; default ${DEFAULT-VALUE}).")
    String bind;

    @Option(
            names = "--port",
            defaultValue = "${env:OPAQUE_POP_PORT:-8080}",
            description = "TCP port, 0 for any free port (env OPAQUE_POP_PORT; default ${DEFAULT-VALUE}).")
    int port;

    @Option(
            names = "--data",
            defaultValue = "${env:OPAQUE_POP_DATA:-data}",
            description =
                    "Data directory: database and generated server setup (env OPAQUE_POP_DATA; default ./${DEFAULT-VALUE}).")
    Path data;

    @Option(
            names = "--setup-file",
            defaultValue = "${env:OPAQUE_POP_SETUP_FILE}",
            description = "File holding the server setup (base64url). Default: OPAQUE_POP_SERVER_SETUP if set,"
                    + " else <data>/server-setup, created on first start (env OPAQUE_POP_SETUP_FILE).")
    Path setupFile;

    @Option(
            names = "--pop-window",
            defaultValue = "${env:OPAQUE_POP_POP_WINDOW:-30}",
            description =
                    "Seconds a signed request's X-TS may differ from the server clock (env OPAQUE_POP_POP_WINDOW; default ${DEFAULT-VALUE}).")
    long popWindowSeconds;

    @Option(
            names = "--session-ttl",
            defaultValue = "${env:OPAQUE_POP_SESSION_TTL:-3600}",
            description = "Session lifetime in seconds (env OPAQUE_POP_SESSION_TTL; default ${DEFAULT-VALUE}).")
    long sessionTtlSeconds;

    @Option(
            names = "--login-ttl",
            defaultValue = "${env:OPAQUE_POP_LOGIN_TTL:-60}",
            description =
                    "Seconds between login/start and login/finish (env OPAQUE_POP_LOGIN_TTL; default ${DEFAULT-VALUE}).")
    long loginTtlSeconds;

    @Option(
            names = "--max-pending-logins",
            defaultValue = "${env:OPAQUE_POP_MAX_PENDING_LOGINS:-100000}",
            description =
                    "Bound on logins waiting for KE3 (env OPAQUE_POP_MAX_PENDING_LOGINS; default ${DEFAULT-VALUE}).")
    long maxPendingLogins;

    @Option(
            names = "--max-sessions",
            defaultValue = "${env:OPAQUE_POP_MAX_SESSIONS:-100000}",
            description = "Bound on live sessions (env OPAQUE_POP_MAX_SESSIONS; default ${DEFAULT-VALUE}).")
    long maxSessions;

    @Option(
            names = "--max-body-bytes",
            defaultValue = "${env:OPAQUE_POP_MAX_BODY_BYTES:-65536}",
            description = "Largest accepted request body (env OPAQUE_POP_MAX_BODY_BYTES; default ${DEFAULT-VALUE}).")
    int maxBodyBytes;

    @Override
    public Integer call() throws Exception {
        ServerConfig config;
        try {
            config = ServerConfig.builder()
                    .bind(bind)
                    .port(port)
                    .dataDirectory(data)
                    .setupValue(System.getenv("OPAQUE_POP_SERVER_SETUP"))
                    .setupFile(setupFile)
                    .popWindow(Duration.ofSeconds(popWindowSeconds))
                    .sessionTtl(Duration.ofSeconds(sessionTtlSeconds))
                    .loginTtl(Duration.ofSeconds(loginTtlSeconds))
                    .maxPendingLogins(maxPendingLogins)
                    .maxSessions(maxSessions)
                    .maxBodyBytes(maxBodyBytes)
                    .build();
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("opaque-pop server: " + e.getMessage());
            return 2;
        }
        OpaquePopServer server;
        try {
            server = OpaquePopServer.start(config);
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("opaque-pop server: " + e.getMessage());
            return 2;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            server.close();
                            stopped.countDown();
                        },
                        "opaque-pop-shutdown"));
        stopped.await();
        return 0;
    }
}
