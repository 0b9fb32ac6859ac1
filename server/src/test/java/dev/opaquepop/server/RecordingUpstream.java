package dev.opaquepop.server;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The application behind a gateway in tests: a JDK HTTP server on a loopback port that records every request it
 * receives, answers {@code /big} with {@link #BIG_ANSWER_BYTES} bytes, holds {@code /slow} until closed, and
 * answers anything else 200 with a short JSON body.
 */
final class RecordingUpstream implements AutoCloseable {
    static final int BIG_ANSWER_BYTES = 5 * 1024 * 1024;

    /** One request as it arrived. */
    static final class Received {
        private final String method;
        private final String target;
        private final Headers headers;
        private final byte[] body;

        Received(String method, String target, Headers headers, byte[] body) {
            this.method = method;
            this.target = target;
            this.headers = headers;
            this.body = body;
        }

        String method() {
            return method;
        }

        String target() {
            return target;
        }

        Headers headers() {
            return headers;
        }

        byte[] body() {
            return body.clone();
        }

        String header(String name) {
            return headers.getFirst(name);
        }
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);

    RecordingUpstream() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        String target = exchange.getRequestURI().getRawPath()
                + (exchange.getRequestURI().getRawQuery() == null
                        ? ""
                        : "?" + exchange.getRequestURI().getRawQuery());
        received.add(new Received(exchange.getRequestMethod(), target, exchange.getRequestHeaders(), body));
        if (target.equals("/slow")) {
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        byte[] answer = target.equals("/big")
                ? bigAnswer()
                : ("{\"upstream\":\"ok\",\"received_bytes\":" + body.length + "}").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.getResponseHeaders().add("Set-Cookie", "a=1");
        exchange.getResponseHeaders().add("Set-Cookie", "b=2");
        exchange.getResponseHeaders().add("Connection", "X-Upstream-Private");
        exchange.getResponseHeaders().add("X-Upstream-Private", "hop");
        exchange.sendResponseHeaders(200, "HEAD".equals(exchange.getRequestMethod()) ? -1 : answer.length);
        try (OutputStream out = exchange.getResponseBody()) {
            if (!"HEAD".equals(exchange.getRequestMethod())) {
                out.write(answer);
            }
        }
    }

    static byte[] bigAnswer() {
        byte[] big = new byte[BIG_ANSWER_BYTES];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31 + (i >>> 11));
        }
        return big;
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    List<String> targets() {
        return received.stream().map(Received::target).toList();
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
    }
}
