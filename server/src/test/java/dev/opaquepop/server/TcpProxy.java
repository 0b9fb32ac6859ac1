package dev.opaquepop.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A TCP proxy in front of PostgreSQL or Redis that a test can break, so dependency failures are produced without
 * touching the machine's shared services.
 *
 * <ul>
 *   <li>{@link #cut()}: like the dependency crashing: open connections are reset, new ones refused.
 *   <li>{@link #blackhole()}: like a partition: open connections go silent (bytes are swallowed), new ones are
 *       accepted and never answered.
 *   <li>{@link #restore()}: new connections work again. Connections silenced by a blackhole stay silent for good,
 *       like a peer that vanished without a reset: the client must notice and open new ones.
 *   <li>{@link #onceClientSends}: runs an action (breaking another proxy, say) at the moment a client sends given
 *       bytes, before they are forwarded: a failure placed exactly between two steps of a request.
 * </ul>
 */
final class TcpProxy implements AutoCloseable {
    /** The longest pattern {@link #onceClientSends} finds when it straddles two reads. */
    private static final int TAIL = 256;

    private enum Mode {
        FORWARD,
        REFUSE,
        BLACKHOLE
    }

    private final InetSocketAddress target;
    private final ServerSocket listener;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private volatile Mode mode = Mode.FORWARD;
    private final AtomicReference<Trigger> trigger = new AtomicReference<>();

    /** An action waiting for a client to send {@code pattern}. */
    private static final class Trigger {
        private final byte[] pattern;
        private final Runnable action;

        Trigger(byte[] pattern, Runnable action) {
            this.pattern = pattern;
            this.action = action;
        }
    }

    TcpProxy(String host, int port) throws IOException {
        this.target = new InetSocketAddress(host, port);
        this.listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("tcp-proxy-accept-" + listener.getLocalPort()).start(this::acceptLoop);
    }

    /** A proxy in front of the tests' PostgreSQL ({@link SharedInfrastructure#dbAddress}). */
    static TcpProxy toDatabase() throws IOException {
        URI db = SharedInfrastructure.dbAddress();
        return new TcpProxy(db.getHost(), db.getPort() < 0 ? 5432 : db.getPort());
    }

    /** A proxy in front of the tests' Redis ({@link SharedInfrastructure#redisAddress}). */
    static TcpProxy toRedis() throws IOException {
        URI cache = SharedInfrastructure.redisAddress();
        return new TcpProxy(cache.getHost(), cache.getPort() < 0 ? 6379 : cache.getPort());
    }

    int port() {
        return listener.getLocalPort();
    }

    /** {@code url} (the shared database's or Redis's) pointed at this proxy instead. */
    String through(String url) {
        return SharedInfrastructure.withAddress(url, "127.0.0.1", port());
    }

    void cut() {
        mode = Mode.REFUSE;
        for (Link link : links) {
            link.reset();
        }
    }

    void blackhole() {
        mode = Mode.BLACKHOLE;
        for (Link link : links) {
            link.silenced = true;
        }
    }

    void restore() {
        mode = Mode.FORWARD;
    }

    /**
     * Runs {@code action} once, the first time a client sends {@code text} (ASCII, e.g. a SQL statement's start),
     * before those bytes go on upstream. Bytes are searched per connection, across reads.
     */
    void onceClientSends(String text, Runnable action) {
        trigger.set(new Trigger(text.getBytes(StandardCharsets.US_ASCII), action));
    }

    /** Whether the armed trigger's pattern ends within {@code window}; if so, disarms it and runs its action. */
    private void fireIfSent(byte[] window, int length) {
        Trigger armed = trigger.get();
        if (armed == null || indexOf(window, length, armed.pattern) < 0) {
            return;
        }
        if (trigger.compareAndSet(armed, null)) {
            armed.action.run();
        }
    }

    private static int indexOf(byte[] data, int length, byte[] pattern) {
        outer:
        for (int i = 0; i + pattern.length <= length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return;
            }
            Mode now = mode;
            if (now == Mode.REFUSE) {
                new Link(client, null).reset();
                continue;
            }
            Socket upstream = null;
            if (now == Mode.FORWARD) {
                try {
                    upstream = new Socket();
                    upstream.connect(target, 2000);
                } catch (IOException e) {
                    new Link(client, upstream).reset();
                    continue;
                }
            }
            Link link = new Link(client, upstream);
            link.silenced = now == Mode.BLACKHOLE;
            links.add(link);
            link.start();
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Link link : links) {
            link.reset();
        }
    }

    /** One client connection and its upstream (none when accepted during a blackhole). */
    private final class Link {
        private final Socket client;
        private final Socket upstream;
        volatile boolean silenced;

        Link(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        void start() {
            Thread.ofVirtual().start(() -> pump(client, upstream, true));
            if (upstream != null) {
                Thread.ofVirtual().start(() -> pump(upstream, client, false));
            }
        }

        private void pump(Socket from, Socket to, boolean fromClient) {
            byte[] buffer = new byte[16 * 1024];
            // What the trigger searches: the tail of the previous read, then this read (a pattern may straddle two).
            byte[] window = new byte[TAIL + buffer.length];
            int kept = 0;
            try (InputStream in = from.getInputStream()) {
                OutputStream out = to == null ? null : to.getOutputStream();
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (fromClient) {
                        System.arraycopy(buffer, 0, window, kept, n);
                        fireIfSent(window, kept + n);
                        int tail = Math.min(TAIL, kept + n);
                        System.arraycopy(window, kept + n - tail, window, 0, tail);
                        kept = tail;
                    }
                    if (!silenced && out != null) {
                        out.write(buffer, 0, n);
                        out.flush();
                    }
                }
            } catch (IOException e) {
                // The other side went away, or the test reset the link.
            }
            // A silenced link stays open: the client must not be told its peer is gone.
            if (!silenced) {
                reset();
            }
        }

        /** Closes both sides with a TCP reset, like a process that died. */
        void reset() {
            links.remove(this);
            for (Socket socket : new Socket[] {client, upstream}) {
                if (socket == null) {
                    continue;
                }
                try {
                    socket.setSoLinger(true, 0);
                } catch (SocketException e) {
                    // Already closed.
                }
                try {
                    socket.close();
                } catch (IOException e) {
                    // Already closed.
                }
            }
        }
    }
}
