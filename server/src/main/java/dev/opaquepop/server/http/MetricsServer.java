package dev.opaquepop.server.http;

import dev.opaquepop.server.Metrics;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * {@code GET /metrics} on a port of its own ({@code --metrics-port}), plain HTTP, for a monitoring system that
 * should reach the metrics without reaching the API, and an API port that should not serve the metrics. Anything
 * but {@code GET /metrics} is 404.
 */
final class MetricsServer implements AutoCloseable {
    private final Server server;
    private final ServerConnector connector;

    private MetricsServer(Server server, ServerConnector connector) {
        this.server = server;
        this.connector = connector;
    }

    /**
     * Starts listening on {@code bind}:{@code port} (0: any free port).
     *
     * @throws Exception when the port cannot be bound
     */
    static MetricsServer start(String bind, int port, Metrics metrics) throws Exception {
        // A scrape every few seconds needs few threads: one acceptor, one selector, a couple of workers.
        QueuedThreadPool threads = new QueuedThreadPool(6, 1);
        threads.setName("opaque-pop-metrics");
        Server server = new Server(threads);
        ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setHost(bind);
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(new Scrape(metrics));
        try {
            server.start();
        } catch (Exception e) {
            server.stop();
            throw e;
        }
        return new MetricsServer(server, connector);
    }

    /** The port actually bound. */
    int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("stopping the metrics server failed", e);
        }
    }

    private static final class Scrape extends Handler.Abstract.NonBlocking {
        private final Metrics metrics;

        Scrape(Metrics metrics) {
            this.metrics = metrics;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            boolean scrape =
                    HttpMethod.GET.is(request.getMethod()) && "/metrics".equals(Request.getPathInContext(request));
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            response.getHeaders().put("X-Content-Type-Options", "nosniff");
            if (!scrape) {
                response.setStatus(404);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
                Content.Sink.write(response, true, "not found: this port serves GET /metrics only\n", callback);
                return true;
            }
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
            response.write(true, StandardCharsets.UTF_8.encode(metrics.scrape()), callback);
            return true;
        }
    }
}
