package dev.opaquepop.loadgen;

import com.sun.net.httpserver.HttpServer;
import dev.opaquepop.server.ServerConfig;
import dev.opaquepop.server.http.OpaquePopServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;

/**
 * The two processes {@code bench gateway} measures, each a JVM of its own so that its CPU time can be read by
 * pid: {@code upstream}, a trivial JDK HttpServer answering every request with a 16-byte JSON body, and {@code
 * gateway PORT}, an opaque-pop server with {@code --upstream http://127.0.0.1:PORT}, the guessing limits off. Each
 * prints {@code port N} once it listens and exits when its standard input closes (the load generator ended).
 */
final class GatewayBenchProcesses {
    private static final byte[] ANSWER = "{\"hello\":\"you\"}\n".getBytes(StandardCharsets.US_ASCII);

    private GatewayBenchProcesses() {}

    public static void main(String[] args) throws IOException {
        if (args.length == 1 && args[0].equals("upstream")) {
            upstream();
        } else if (args.length == 2 && args[0].equals("gateway")) {
            gateway(Integer.parseInt(args[1]));
        } else {
            throw new IllegalArgumentException("usage: upstream | gateway UPSTREAM_PORT");
        }
    }

    private static void upstream() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            try (InputStream in = exchange.getRequestBody();
                    OutputStream out = exchange.getResponseBody()) {
                in.transferTo(OutputStream.nullOutputStream());
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, ANSWER.length);
                out.write(ANSWER);
            }
        });
        server.start();
        ready(server.getAddress().getPort());
        server.stop(0);
    }

    private static void gateway(int upstreamPort) throws IOException {
        if (System.getProperty("OPAQUE_POP_LOG_LEVEL") == null && System.getenv("OPAQUE_POP_LOG_LEVEL") == null) {
            System.setProperty("OPAQUE_POP_LOG_LEVEL", "WARN");
        }
        Path data = Files.createTempDirectory("opaque-pop-bench-gateway");
        try (OpaquePopServer gateway = OpaquePopServer.start(ServerConfig.builder()
                .port(0)
                .dataDirectory(data.resolve("data"))
                .rateLimit(false)
                .upstream("http://127.0.0.1:" + upstreamPort)
                .build())) {
            ready(gateway.port());
        } finally {
            LocalServer.deleteRecursively(data);
        }
    }

    /** Says where it listens, then serves until the parent closes standard input. */
    private static void ready(int port) throws IOException {
        System.out.println("port " + port);
        System.out.flush();
        System.in.transferTo(OutputStream.nullOutputStream());
    }
}
