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
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The processes {@code bench gateway} measures, each a JVM of its own so that its CPU time can be read by pid:
 * {@code upstream}, a trivial JDK HttpServer answering every request with a 16-byte JSON body; {@code gateway
 * PORT}, an opaque-pop server with {@code --upstream http://127.0.0.1:PORT}, the guessing limits off and {@link
 * #PUBLIC_PREFIX} public; and {@code bare-proxy PORT}, Jetty's own reverse proxy ({@code jetty-proxy}) with nothing
 * added, the floor any proxy on the gateway's HTTP stack pays. Each prints {@code port N} once it listens and
 * exits when its standard input closes (the load generator ended).
 */
final class GatewayBenchProcesses {
    /** Paths the gateway forwards without verifying or signing: its forwarding alone, measured. */
    static final String PUBLIC_PREFIX = "/public";

    private static final byte[] ANSWER = "{\"hello\":\"you\"}\n".getBytes(StandardCharsets.US_ASCII);

    private GatewayBenchProcesses() {}

    public static void main(String[] args) throws IOException {
        if (args.length == 1 && args[0].equals("upstream")) {
            upstream();
        } else if (args.length == 2 && args[0].equals("gateway")) {
            gateway(Integer.parseInt(args[1]));
        } else if (args.length == 2 && args[0].equals("bare-proxy")) {
            bareProxy(Integer.parseInt(args[1]));
        } else {
            throw new IllegalArgumentException("usage: upstream | gateway UPSTREAM_PORT | bare-proxy UPSTREAM_PORT");
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
                .publicPaths(PUBLIC_PREFIX + "/**")
                .build())) {
            ready(gateway.port());
        } finally {
            LocalServer.deleteRecursively(data);
        }
    }

    /**
     * Jetty's reverse proxy as it comes, on the same Jetty server and client the gateway uses (each on its default
     * thread pool): no verification, no assertion, no header rules of ours.
     */
    private static void bareProxy(int upstreamPort) throws IOException {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new ProxyHandler.Reverse(request -> HttpURI.build(request.getHttpURI())
                .scheme("http")
                .host("127.0.0.1")
                .port(upstreamPort)));
        try {
            server.start();
            ready(connector.getLocalPort());
            server.stop();
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("the bare proxy failed", e);
        }
    }

    /** Says where it listens, then serves until the parent closes standard input. */
    private static void ready(int port) throws IOException {
        System.out.println("port " + port);
        System.out.flush();
        System.in.transferTo(OutputStream.nullOutputStream());
    }
}
