package dev.opaquepop.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opaquepop.server.ServerConfig;
import dev.opaquepop.server.http.OpaquePopServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The regression test of a CI failure: the handler fuzzer reported the server's legitimate close of an idle
 * keep-alive connection (after a host stall longer than Jetty's idle timeout) as "/healthz/live did not
 * answer". The harness must retry exactly that case, and still fail when the server drops a live connection or
 * is down.
 */
class KeptAliveConnectionTest {
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);
    private static final byte[] REQUEST =
            "GET /healthz/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final AtomicLong now = new AtomicLong();
    private ScriptedServer fake;

    @AfterEach
    void stop() throws IOException {
        if (fake != null) {
            fake.close();
        }
    }

    @Test
    void aConnectionClosedAfterTheIdleTimeoutIsRetriedOnAFreshOne() throws IOException {
        fake = new ScriptedServer(1, false);
        try (KeptAliveConnection connection = connection(fake.port())) {
            assertThat(connection.exchange(REQUEST, false).status()).isEqualTo(200);
            now.addAndGet(IDLE_TIMEOUT.toNanos());

            assertThat(connection.exchange(REQUEST, false).body()).isEqualTo("answer 2");
            assertThat(fake.connections()).isEqualTo(2);
        }
    }

    @Test
    void aConnectionClosedSoonerIsAFinding() throws IOException {
        fake = new ScriptedServer(1, false);
        try (KeptAliveConnection connection = connection(fake.port())) {
            connection.exchange(REQUEST, false);
            now.addAndGet(IDLE_TIMEOUT.minusMillis(1).toNanos());

            assertThatThrownBy(() -> connection.exchange(REQUEST, false))
                    .isInstanceOf(KeptAliveConnection.DroppedLiveConnectionException.class)
                    .hasMessageContaining("29999 ms");
            assertThat(fake.connections()).isEqualTo(1);
        }
    }

    /** After a stall, the server's idle check can close a connection just after answering one more request. */
    @Test
    void aCloseRightAfterTheRequestThatEndedALongGapIsRetried() throws IOException {
        fake = new ScriptedServer(2, false);
        try (KeptAliveConnection connection = connection(fake.port())) {
            connection.exchange(REQUEST, false);
            now.addAndGet(IDLE_TIMEOUT.toNanos());
            assertThat(connection.exchange(REQUEST, false).body()).isEqualTo("answer 1");
            now.addAndGet(1_000_000);

            assertThat(connection.exchange(REQUEST, false).body()).isEqualTo("answer 2");
            assertThat(fake.connections()).isEqualTo(2);
        }
    }

    @Test
    void aCloseAfterShortGapsOnlyIsAFinding() throws IOException {
        fake = new ScriptedServer(2, false);
        try (KeptAliveConnection connection = connection(fake.port())) {
            connection.exchange(REQUEST, false);
            now.addAndGet(IDLE_TIMEOUT.minusMillis(1).toNanos());
            connection.exchange(REQUEST, false);
            now.addAndGet(1_000_000);

            assertThatThrownBy(() -> connection.exchange(REQUEST, false))
                    .isInstanceOf(KeptAliveConnection.DroppedLiveConnectionException.class);
        }
    }

    @Test
    void aServerThatIsDownIsAFindingEvenAfterTheIdleTimeout() throws IOException {
        fake = new ScriptedServer(1, false);
        try (KeptAliveConnection connection = connection(fake.port())) {
            connection.exchange(REQUEST, false);
            fake.close();
            now.addAndGet(IDLE_TIMEOUT.multipliedBy(2).toNanos());

            assertThatThrownBy(() -> connection.exchange(REQUEST, false))
                    .isInstanceOf(IOException.class)
                    .isNotInstanceOf(KeptAliveConnection.DroppedLiveConnectionException.class);
        }
    }

    @Test
    void anAnswerThatClosesTheConnectionLeadsToAFreshOne() throws IOException {
        fake = new ScriptedServer(1, true);
        try (KeptAliveConnection connection = connection(fake.port())) {
            assertThat(connection.exchange(REQUEST, false).closed()).isTrue();

            assertThat(connection.exchange(REQUEST, false).body()).isEqualTo("answer 2");
            assertThat(fake.connections()).isEqualTo(2);
        }
    }

    /** The real server's connector, with its idle timeout at the minimum, closing a connection the harness kept. */
    @Test
    void theServersOwnIdleCloseIsRetried(@TempDir Path data) throws IOException {
        ServerConfig config = ServerConfig.builder()
                .port(0)
                .dataDirectory(data.resolve("data"))
                .idleTimeout(Duration.ofSeconds(1))
                .build();
        try (OpaquePopServer server = OpaquePopServer.start(config);
                KeptAliveConnection connection = new KeptAliveConnection(
                        server.port(), 20_000, config.idleTimeout(), System::nanoTime, Pauses.ofThisProcess())) {
            assertThat(connection.exchange(REQUEST, false).status()).isEqualTo(200);
            connection.awaitClosedByServer();

            assertThat(connection.exchange(REQUEST, false).status()).isEqualTo(200);
        }
    }

    private KeptAliveConnection connection(int port) {
        return new KeptAliveConnection(port, 10_000, IDLE_TIMEOUT, now::get, Pauses.ofThisProcess());
    }

    /**
     * Answers the first {@code answers} requests on each connection (each body names the connection), then closes
     * it without a {@code Connection: close} header, as a server ending an idle connection does; or, when
     * {@code announceClose}, says so in the last answer.
     */
    private static final class ScriptedServer implements AutoCloseable {
        private final ServerSocket socket;
        private final ExecutorService accepting = Executors.newSingleThreadExecutor();
        private final AtomicInteger connections = new AtomicInteger();

        ScriptedServer(int answers, boolean announceClose) throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            accepting.execute(() -> {
                while (!socket.isClosed()) {
                    try (Socket peer = socket.accept()) {
                        int number = connections.incrementAndGet();
                        BufferedReader requests = new BufferedReader(
                                new InputStreamReader(peer.getInputStream(), StandardCharsets.US_ASCII));
                        for (int i = 1; i <= answers; i++) {
                            answer(requests, peer.getOutputStream(), number, announceClose && i == answers);
                        }
                    } catch (IOException e) {
                        // closed by the test, or a client gone: either way, on to the next connection
                    }
                }
            });
        }

        private static void answer(BufferedReader request, OutputStream out, int number, boolean announceClose)
                throws IOException {
            for (String line = request.readLine(); line != null && !line.isEmpty(); line = request.readLine()) {
                // the request's headers
            }
            String body = "answer " + number;
            out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n"
                            + (announceClose ? "Connection: close\r\n" : "") + "\r\n" + body)
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        int port() {
            return socket.getLocalPort();
        }

        int connections() {
            return connections.get();
        }

        @Override
        public void close() throws IOException {
            try {
                socket.close();
            } catch (SocketException e) {
                // already closed
            }
            accepting.shutdownNow();
            // Closing a server socket with a thread in accept() takes effect when that thread leaves it; until then
            // a connection may still be accepted and answered. Wait, so that "down" means down.
            try {
                if (!accepting.awaitTermination(10, TimeUnit.SECONDS)) {
                    throw new IOException("the scripted server did not stop");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while stopping the scripted server", e);
            }
        }
    }
}
