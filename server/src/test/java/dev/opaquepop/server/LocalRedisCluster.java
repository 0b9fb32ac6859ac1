package dev.opaquepop.server;

import static org.assertj.core.api.Assertions.fail;

import io.lettuce.core.cluster.SlotHash;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A throwaway Redis Cluster from this machine's {@code redis-server} and {@code redis-cli}: three primaries and
 * three replicas on free loopback ports, each in a temporary directory, created with {@code redis-cli --cluster
 * create}, ready once every node reports {@code cluster_state:ok} and every replica is in sync. {@link #close()}
 * stops every process and removes the directories (a JVM shutdown hook does too, should a test not get there).
 *
 * <p>Nodes give up on a silent peer after {@link #NODE_TIMEOUT}, so a killed primary is replaced in seconds.
 * Without the binaries on the PATH the calling test is skipped with a message, or failed when {@code CI=true}.
 */
final class LocalRedisCluster implements AutoCloseable {
    static final Duration NODE_TIMEOUT = Duration.ofSeconds(2);
    private static final int NODES = 6;
    /** A cluster node also listens on its port + 10000 (the cluster bus). */
    private static final int BUS_OFFSET = 10000;

    private static final Duration READY_WITHIN = Duration.ofSeconds(60);

    private final Path directory;
    private final List<Node> nodes = new ArrayList<>();
    private final Thread cleanup = new Thread(this::stopAll, "local-redis-cluster-cleanup");

    /** One {@code redis-server} process. */
    record Node(int port, Process process) {}

    private LocalRedisCluster(Path directory) {
        this.directory = directory;
        Runtime.getRuntime().addShutdownHook(cleanup);
    }

    /**
     * Skips the calling test (fails it when {@code CI=true}) unless {@code redis-server} and {@code redis-cli} are
     * on the PATH. Call it from {@code @BeforeEach}.
     */
    static void assumeAvailable() {
        List<String> missing = Stream.of("redis-server", "redis-cli")
                .filter(name -> onPath(name).isEmpty())
                .toList();
        if (missing.isEmpty()) {
            return;
        }
        String message = String.join(" and ", missing) + " not on the PATH, so no Redis Cluster can be started";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(message + "; CI=true, so the Redis Cluster tests must run");
        }
        Assumptions.abort(message + ": skipping the Redis Cluster tests (install redis-server and redis-cli;"
                + " with CI=true this is a failure)");
    }

    static boolean available() {
        return onPath("redis-server").isPresent() && onPath("redis-cli").isPresent();
    }

    private static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        return Stream.of(path.split(File.pathSeparator))
                .map(dir -> Path.of(dir, name))
                .filter(Files::isExecutable)
                .findFirst();
    }

    /** Starts six nodes, joins them into a cluster, and waits until it serves every slot. */
    static LocalRedisCluster start() throws IOException, InterruptedException {
        LocalRedisCluster cluster = new LocalRedisCluster(Files.createTempDirectory("opaque-pop-redis-cluster"));
        boolean started = false;
        try {
            for (int port : freePorts()) {
                cluster.nodes.add(cluster.startNode(port));
            }
            for (Node node : cluster.nodes) {
                cluster.awaitPing(node.port());
            }
            List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
            cluster.nodes.forEach(node -> create.add("127.0.0.1:" + node.port()));
            create.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
            cluster.run(create, "cluster-create.log");
            cluster.awaitHealthy(cluster.nodes);
            started = true;
            return cluster;
        } finally {
            if (!started) {
                cluster.close();
            }
        }
    }

    /** The seed list for {@code --redis-url} with {@code --redis-cluster}: every node. */
    String seeds() {
        return nodes.stream().map(node -> "redis://127.0.0.1:" + node.port()).collect(Collectors.joining(","));
    }

    /** The port of the primary serving {@code key}'s slot now. */
    int primaryOf(String key) throws IOException, InterruptedException {
        return servingPrimary(key).orElseThrow(() -> new IllegalStateException("no primary serves " + key));
    }

    /**
     * Waits until a live primary other than {@code old} serves {@code key}'s slot (a replica took over), as seen
     * by the first live node that answers.
     *
     * @return its port
     */
    int awaitNewPrimary(String key, int old) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + READY_WITHIN.toNanos();
        while (true) {
            OptionalInt primary = servingPrimary(key);
            if (primary.isPresent() && primary.getAsInt() != old) {
                return primary.getAsInt();
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("no replica took over from port " + old + " within " + READY_WITHIN);
            }
            Thread.sleep(20);
        }
    }

    /** The primary serving {@code key}'s slot in the view of the first live node, if one not failing does. */
    private OptionalInt servingPrimary(String key) throws IOException, InterruptedException {
        int slot = SlotHash.getSlot(key);
        for (Node node : nodes) {
            if (!node.process().isAlive()) {
                continue;
            }
            String view;
            try {
                view = command(node.port(), "CLUSTER", "NODES");
            } catch (IOException e) {
                continue;
            }
            for (String line : view.lines().toList()) {
                // <id> <ip:port@bus> <flags> <primary> <ping> <pong> <epoch> <link> <slot ranges...>
                String[] fields = line.split(" ", -1);
                if (fields.length < 9 || !fields[2].contains("master") || fields[2].contains("fail")) {
                    continue;
                }
                for (int i = 8; i < fields.length; i++) {
                    String[] range = fields[i].split("-", -1);
                    int from = Integer.parseInt(range[0]);
                    int to = range.length > 1 ? Integer.parseInt(range[1]) : from;
                    if (slot >= from && slot <= to) {
                        String address = fields[1];
                        return OptionalInt.of(
                                Integer.parseInt(address.substring(address.indexOf(':') + 1, address.indexOf('@'))));
                    }
                }
            }
            return OptionalInt.empty();
        }
        throw new IOException("no node of the cluster answers");
    }

    /**
     * Waits until every replica of the primary on {@code port} has what that primary had written when this was
     * called (its replication offset then). Replication is asynchronous: a write not yet sent on is lost when the
     * primary dies (docs/deploy.md, "Lost writes"), so a test that kills a primary waits here for the writes it
     * counts on, such as the sessions it logged in.
     */
    void awaitReplicasInSync(int port) throws IOException, InterruptedException {
        long written = replicationValue(command(port, "INFO", "replication"), "master_repl_offset");
        long deadline = System.nanoTime() + READY_WITHIN.toNanos();
        while (true) {
            List<Long> received = command(port, "INFO", "replication")
                    .lines()
                    // slave0:ip=127.0.0.1,port=N,state=online,offset=M,lag=0
                    .filter(line -> line.startsWith("slave") && line.contains("offset="))
                    .map(line -> Long.parseLong(
                            line.replaceAll(".*offset=(\\d+).*", "$1").strip()))
                    .toList();
            if (!received.isEmpty() && received.stream().allMatch(offset -> offset >= written)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("the replicas of port " + port + " did not reach offset " + written + " within "
                        + READY_WITHIN + ": " + received);
            }
            Thread.sleep(10);
        }
    }

    private static long replicationValue(String info, String name) throws IOException {
        return info.lines()
                .filter(line -> line.startsWith(name + ":"))
                .map(line -> Long.parseLong(line.substring(name.length() + 1).strip()))
                .findFirst()
                .orElseThrow(() -> new IOException("no " + name + " in INFO replication"));
    }

    /** Kills the node on {@code port} at once (SIGKILL): no goodbye to its peers or its clients. */
    void kill(int port) throws InterruptedException {
        Node node = nodes.stream().filter(n -> n.port() == port).findFirst().orElseThrow();
        node.process().destroyForcibly();
        node.process().waitFor(10, TimeUnit.SECONDS);
    }

    private Node startNode(int port) throws IOException {
        Path dir = Files.createDirectories(directory.resolve(Integer.toString(port)));
        String config = String.join(
                "\n",
                "port " + port,
                "bind 127.0.0.1",
                "dir " + dir,
                "cluster-enabled yes",
                "cluster-config-file nodes.conf",
                "cluster-node-timeout " + NODE_TIMEOUT.toMillis(),
                "save \"\"",
                "appendonly no",
                "maxmemory-policy noeviction",
                "logfile " + dir.resolve("redis.log"),
                "");
        Path file = dir.resolve("redis.conf");
        Files.writeString(file, config, StandardCharsets.UTF_8);
        Process process = new ProcessBuilder("redis-server", file.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("stdout.log").toFile())
                .start();
        return new Node(port, process);
    }

    private void awaitPing(int port) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + READY_WITHIN.toNanos();
        while (true) {
            try {
                if (command(port, "PING").strip().equals("PONG")) {
                    return;
                }
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("redis-server on port " + port + " did not start; see " + directory);
            }
            Thread.sleep(50);
        }
    }

    /** Every given node says {@code cluster_state:ok}, and every replica among them has its primary's data. */
    private void awaitHealthy(List<Node> live) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + READY_WITHIN.toNanos();
        while (!healthy(live)) {
            if (System.nanoTime() > deadline) {
                throw new IOException(
                        "the Redis Cluster did not become healthy within " + READY_WITHIN + "; logs in " + directory);
            }
            Thread.sleep(100);
        }
    }

    private boolean healthy(List<Node> live) throws InterruptedException {
        try {
            for (Node node : live) {
                if (!command(node.port(), "CLUSTER", "INFO").contains("cluster_state:ok")) {
                    return false;
                }
                String replication = command(node.port(), "INFO", "replication");
                if (replication.contains("role:slave") && !replication.contains("master_link_status:up")) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Runs {@code redis-cli -p port args...} and answers its output. */
    private String command(int port, String... args) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", Integer.toString(port)));
        line.addAll(List.of(args));
        return run(line, null);
    }

    private String run(List<String> command, String logName) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
        if (logName != null) {
            Files.writeString(directory.resolve(logName), output, StandardCharsets.UTF_8);
        }
        if (output.startsWith("Could not connect")) {
            throw new IOException(output);
        }
        return output;
    }

    /**
     * Six ports, each with its bus port free too, in a random range so concurrent runs on one machine rarely
     * meet (a clash fails the start, never a test's result).
     */
    private static List<Integer> freePorts() throws IOException {
        List<Integer> ports = new ArrayList<>();
        int candidate = 20000 + ThreadLocalRandom.current().nextInt(20000);
        while (ports.size() < NODES) {
            candidate++;
            if (free(candidate) && free(candidate + BUS_OFFSET)) {
                ports.add(candidate);
            }
        }
        return ports;
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort() == port;
        } catch (IOException e) {
            return false;
        }
    }

    private void stopAll() {
        for (Node node : nodes) {
            node.process().destroyForcibly();
        }
        for (Node node : nodes) {
            try {
                node.process().waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            System.err.println("local redis cluster: could not remove " + directory + ": " + e.getMessage());
        }
    }

    @Override
    public void close() {
        stopAll();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down: the hook runs (or ran) anyway.
        }
    }

    @Override
    public String toString() {
        return "LocalRedisCluster[" + seeds() + "]";
    }
}
