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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The application behind a gateway in tests: a JDK HTTP server on a loopback port that records every request it
 * receives, answers {@code /big} with {@link #BIG_ANSWER_BYTES} bytes, sends {@code /events} as
 * an event stream whose second event waits for the test, holds {@code /slow} until closed (and {@code
 * /stall} after the first ten bytes of its answer), streams
 * {@code /endless} until its reader goes away (then {@link #abandoned} completes), and answers anything else 200 with
 * a short JSON body. Given a site directory, it also serves a web page: {@code /}
 * is its {@code index.html} and {@code /web/NAME} its file NAME (as the browser test serves js's demo page from the
 * upstream, on a public path).
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
    private final CompletableFuture<Long> abandoned = new CompletableFuture<>();
    private final CountDownLatch moreEvents = new CountDownLatch(1);
    private final Path site;

    RecordingUpstream() throws IOException {
        this(null);
    }

    RecordingUpstream(Path site) throws IOException {
        this.site = site;
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
        Path file = siteFile(target);
        if (file != null) {
            sendFile(exchange, file);
            return;
        }
        if (target.equals("/endless")) {
            sendEndless(exchange);
            return;
        }
        if (target.equals("/events")) {
            sendEvents(exchange);
            return;
        }
        if (target.equals("/stall")) {
            sendStalling(exchange);
            return;
        }
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

    /**
     * Chunked, 64 KiB at a time, until a write fails: the gateway gave up the connection. A reader that merely stops
     * reading blocks the writes instead (the buffers fill), so {@link #abandoned} completes only on release.
     */
    private void sendEndless(HttpExchange exchange) throws IOException {
        byte[] chunk = new byte[64 * 1024];
        long sent = 0;
        exchange.getResponseHeaders().add("Content-Type", "application/octet-stream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        try {
            // Bounded all the same (16 GiB), so that a test gone wrong cannot stream for ever.
            while (sent < (16L << 30)) {
                out.write(chunk);
                out.flush();
                sent += chunk.length;
            }
            out.close();
        } catch (IOException e) {
            abandoned.complete(sent);
            exchange.close();
        }
    }

    /** An event stream: one event, then the second only once {@link #sendMoreEvents} is called, then the end. */
    private void sendEvents(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write("data: one\n\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            try {
                moreEvents.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            out.write("data: two\n\n".getBytes(StandardCharsets.US_ASCII));
        }
    }

    void sendMoreEvents() {
        moreEvents.countDown();
    }

    /** Promises 1000 bytes, sends ten, and goes silent until closed. */
    private void sendStalling(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "text/plain");
        exchange.sendResponseHeaders(200, 1000);
        OutputStream out = exchange.getResponseBody();
        out.write("0123456789".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        try {
            release.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        exchange.close();
    }

    /** Completes with the bytes sent when the reader of an {@code /endless} answer went away. */
    CompletableFuture<Long> abandoned() {
        return abandoned;
    }

    private Path siteFile(String target) {
        if (site == null) {
            return null;
        }
        String name = target.equals("/") ? "index.html" : target.startsWith("/web/") ? target.substring(5) : "";
        Path file = site.resolve(name).normalize();
        return name.matches("[a-z]+\\.[a-z]+") && Files.isRegularFile(file) ? file : null;
    }

    private static void sendFile(HttpExchange exchange, Path file) throws IOException {
        String name = file.getFileName().toString();
        String type = name.endsWith(".html")
                ? "text/html; charset=utf-8"
                : name.endsWith(".js")
                        ? "text/javascript; charset=utf-8"
                        : name.endsWith(".css") ? "text/css; charset=utf-8" : "image/svg+xml";
        byte[] bytes = Files.readAllBytes(file);
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
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
