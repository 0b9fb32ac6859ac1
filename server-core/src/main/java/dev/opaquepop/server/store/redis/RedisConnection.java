package dev.opaquepop.server.store.redis;

import dev.opaquepop.server.store.StoreException;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One multiplexed Lettuce connection to Redis (thread-safe, shared by all requests), with every failure turned
 * into a {@link StoreException} at this boundary, so callers answer 503 and never 500. The Redis is one server
 * ({@link #open}) or a Redis Cluster ({@link #openCluster}); the stores cannot tell which, since every command
 * they send names keys of one hash slot (see {@link RedisKeys}).
 *
 * <p>Nothing waits longer than the configured timeout: commands time out, and while the connection to one server
 * is down commands are rejected at once rather than queued (see {@link RedisClients} for a cluster). A closed
 * connection is reopened in the background with jittered back-off capped at two seconds. A connection that stops answering without closing (a peer that
 * vanished, a partition without a reset) is replaced as soon as one of its commands times out.
 */
public final class RedisConnection implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RedisConnection.class);

    private final ClientResources resources;
    private final AbstractRedisClient client;
    private final Supplier<RedisLink> connector;
    private final Runnable troubled;
    private final String displayUrl;
    private final AtomicReference<RedisLink> current;
    private final AtomicBoolean replacing = new AtomicBoolean();

    private RedisConnection(RedisClients clients, String displayUrl, RedisLink link) {
        this.resources = clients.resources();
        this.client = clients.client();
        this.connector = clients.connector();
        this.troubled = clients.troubled();
        this.displayUrl = displayUrl;
        this.current = new AtomicReference<>(link);
    }

    /**
     * Connects, or fails at once.
     *
     * @param url the Redis URI; may hold a password, so it never appears in a message
     * @param displayUrl the URI without credentials, for messages
     * @throws StoreException naming {@code displayUrl} when Redis cannot be reached
     */
    public static RedisConnection open(String url, Duration timeout, String displayUrl) {
        return connect(RedisClients.standalone(url, timeout), displayUrl);
    }

    /**
     * Connects to a Redis Cluster, or fails at once. The cluster's layout is learnt from the first seed that
     * answers, and followed afterwards (see {@link RedisClients#cluster}): a failover needs no restart.
     *
     * @param seeds URIs of some of the cluster's nodes; may hold a password, so they never appear in a message
     * @param displayUrl the seeds without credentials, for messages
     * @throws StoreException naming {@code displayUrl} when no seed can be reached
     */
    public static RedisConnection openCluster(List<String> seeds, Duration timeout, String displayUrl) {
        return connect(RedisClients.cluster(seeds, timeout), displayUrl);
    }

    private static RedisConnection connect(RedisClients clients, String displayUrl) {
        try {
            RedisConnection connection =
                    new RedisConnection(clients, displayUrl, clients.connector().get());
            connection.warnUnlessNoEviction();
            return connection;
        } catch (RedisException e) {
            shutdown(clients.client(), clients.resources());
            throw new StoreException("cannot connect to Redis at " + displayUrl + ": " + e.getMessage(), e);
        }
    }

    /**
     * Runs one command.
     *
     * @param operation what it does, for messages ("claim nonce")
     * @throws StoreException when Redis is unreachable, too slow, or refuses the command (e.g. out of memory)
     */
    <T> T call(String operation, Function<RedisClusterCommands<String, byte[]>, T> command) {
        return failingAsStoreException(operation, connection -> command.apply(connection.sync()));
    }

    /**
     * Runs one command per item, every one sent before any answer is awaited (pipelined), so a batch waits about
     * one round trip instead of one per item. A user's sessions live under different hash tags, so one multi-key
     * command could not reach them all in a cluster; this can. Failures as in {@link #call}; the whole batch
     * gets the configured timeout once.
     *
     * @return the answers, in the order of {@code items}
     */
    <I, T> List<T> callEach(
            String operation,
            List<I> items,
            BiFunction<RedisClusterAsyncCommands<String, byte[]>, I, RedisFuture<T>> command) {
        if (items.isEmpty()) {
            return List.of();
        }
        return failingAsStoreException(operation, connection -> {
            long deadline = System.nanoTime() + connection.timeout().toNanos();
            RedisClusterAsyncCommands<String, byte[]> async = connection.async();
            List<RedisFuture<T>> sent = new ArrayList<>(items.size());
            for (I item : items) {
                sent.add(command.apply(async, item));
            }
            List<T> answers = new ArrayList<>(items.size());
            for (RedisFuture<T> answer : sent) {
                long left = Math.max(0, deadline - System.nanoTime());
                answers.add(LettuceFutures.awaitOrCancel(answer, left, TimeUnit.NANOSECONDS));
            }
            return answers;
        });
    }

    /** The answers of two commands sent together by {@link #callBoth}. */
    record Both<A, B>(A first, B second) {}

    /**
     * Sends two commands, then awaits both: one round trip. On one connection (and, on a cluster, for keys of one
     * slot) Redis runs them in the order sent. Failures as in {@link #call}; both together get the timeout once.
     */
    <A, B> Both<A, B> callBoth(
            String operation,
            Function<RedisClusterAsyncCommands<String, byte[]>, RedisFuture<A>> first,
            Function<RedisClusterAsyncCommands<String, byte[]>, RedisFuture<B>> second) {
        return failingAsStoreException(operation, connection -> {
            long deadline = System.nanoTime() + connection.timeout().toNanos();
            RedisClusterAsyncCommands<String, byte[]> async = connection.async();
            RedisFuture<A> a = first.apply(async);
            RedisFuture<B> b = second.apply(async);
            A firstAnswer = LettuceFutures.awaitOrCancel(a, connection.timeout().toNanos(), TimeUnit.NANOSECONDS);
            long left = Math.max(0, deadline - System.nanoTime());
            return new Both<>(firstAnswer, LettuceFutures.awaitOrCancel(b, left, TimeUnit.NANOSECONDS));
        });
    }

    /**
     * Sends a command whose answer nothing waits for: tidying that a later command (or the key's own expiry) would
     * do anyway if it failed. A failure is logged, never thrown.
     */
    void send(String operation, Function<RedisClusterAsyncCommands<String, byte[]>, RedisFuture<?>> command) {
        try {
            command.apply(current.get().async()).whenComplete((answer, failure) -> {
                if (failure != null) {
                    LOG.warn("redis: {} failed: {}", operation, failure.toString());
                }
            });
        } catch (RedisException e) {
            LOG.warn("redis: {} failed: {}", operation, e.toString());
        }
    }

    /**
     * The current connection's asynchronous commands, for a library that sends its own commands and waits for
     * them (Bucket4j); run it inside {@link #guard}.
     */
    RedisClusterAsyncCommands<String, byte[]> async() {
        return current.get().async();
    }

    /**
     * Runs {@code action}, which sends commands through {@link #async()}, with the failure handling of {@link
     * #call}: every failure (Redis unreachable, too slow, refusing; the library giving up) becomes a {@link
     * StoreException}, and a timeout replaces the connection.
     */
    <T> T guard(String operation, Supplier<T> action) {
        return failingAsStoreException(operation, connection -> action.get());
    }

    /**
     * The one failure policy of every command run here: a timeout (Lettuce's, or Bucket4j's giving up) replaces
     * the connection it happened on, any other Redis failure marks Redis troubled; either becomes a {@link
     * StoreException} naming {@code operation}.
     */
    private <T> T failingAsStoreException(String operation, Function<RedisLink, T> work) {
        RedisLink connection = current.get();
        try {
            return work.apply(connection);
        } catch (RedisCommandTimeoutException | io.github.bucket4j.TimeoutException e) {
            replace(connection);
            throw new StoreException("redis: " + operation + " timed out", e);
        } catch (RedisException | io.github.bucket4j.BucketExceptions.BucketExecutionException e) {
            troubled.run();
            throw new StoreException("redis: " + operation + " failed", e);
        }
    }

    /** Throws {@link StoreException} unless Redis answers a PING within the timeout. */
    public void probe() {
        call("ping", RedisClusterCommands::ping);
    }

    /**
     * Opens a fresh connection in the background to stand in for one whose command timed out; the old one is
     * closed once the new one is up. One replacement at a time. (A cluster's layout is re-read too: the node may
     * be gone.)
     */
    private void replace(RedisLink stale) {
        troubled.run();
        if (!replacing.compareAndSet(false, true)) {
            return;
        }
        LOG.warn("redis: a command timed out on {}; opening a new connection", displayUrl);
        Thread.ofVirtual().name("opaque-pop-redis-replace").start(() -> {
            try {
                RedisLink fresh = connector.get();
                if (current.compareAndSet(stale, fresh)) {
                    stale.close();
                } else {
                    fresh.close();
                }
            } catch (RedisException e) {
                LOG.warn("redis: cannot open a new connection to {}: {}", displayUrl, e.getMessage());
            } finally {
                replacing.set(false);
            }
        });
    }

    /**
     * Under memory pressure an evicting Redis could drop a nonce inside its replay window (or a live session):
     * the store needs {@code maxmemory-policy noeviction}, which answers writes with an error (a 503) instead.
     */
    private void warnUnlessNoEviction() {
        try {
            Map<String, String> policy = current.get().sync().configGet("maxmemory-policy");
            String value = policy.get("maxmemory-policy");
            if (value != null && !value.equals("noeviction")) {
                LOG.warn(
                        "redis at {} has maxmemory-policy {}: under memory pressure it may evict nonces still inside"
                                + " their replay window; set maxmemory-policy noeviction (docs/deploy.md)",
                        displayUrl,
                        value);
            }
        } catch (RedisException e) {
            LOG.info(
                    "redis at {}: cannot read maxmemory-policy (CONFIG not allowed?); make sure it is noeviction",
                    displayUrl);
        }
    }

    @Override
    public void close() {
        RedisLink connection = current.get();
        connection.close();
        shutdown(client, resources);
    }

    static void shutdown(AbstractRedisClient client, ClientResources resources) {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        try {
            resources.shutdown(0, 2, TimeUnit.SECONDS).get(3, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("redis: client resources did not shut down cleanly: {}", e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "RedisConnection[" + displayUrl + "]";
    }
}
