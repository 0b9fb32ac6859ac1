package dev.opaquepop.server.store.redis;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.resource.NettyCustomizer;
import io.netty.channel.Channel;
import io.netty.handler.flush.FlushConsolidationHandler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A configured Lettuce client and how to open a connection with it. Both kinds share one policy: nothing waits
 * longer than the timeout, and a closed connection is reopened in the background with jittered back-off capped at
 * two seconds. To one server, commands are rejected at once (not queued) while the connection is down.
 *
 * @param connector opens a new connection; throws {@link io.lettuce.core.RedisException} when it cannot
 * @param troubled told of every failed command; a cluster client re-reads the layout (see {@link #cluster})
 */
record RedisClients(
        ClientResources resources, AbstractRedisClient client, Supplier<RedisLink> connector, Runnable troubled) {
    private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    /**
     * How often every instance re-reads the cluster's layout even when nothing went wrong: bounds how long a
     * change no command noticed (a replica added, a failover of a primary this instance was not talking to)
     * goes unseen.
     */
    static final Duration TOPOLOGY_REFRESH_PERIOD = Duration.ofSeconds(5);

    /**
     * The closest two refreshes caused by trouble (a redirection, a node that keeps failing to reconnect, a slot
     * no known node serves) may follow each other. Short, because a failover is seen in steps: the primary
     * vanishes (a refresh still lists it), then a replica is promoted a few seconds later (the next refresh must
     * not wait for Lettuce's default 30 s).
     */
    static final Duration ADAPTIVE_REFRESH_SPACING = Duration.ofSeconds(1);

    /** Failed reconnects to one node before the layout is re-read: a dead primary is noticed within a second. */
    private static final int RECONNECTS_BEFORE_REFRESH = 3;

    static RedisClients standalone(String url, Duration timeout) {
        RedisURI uri = uri(url, timeout);
        ClientResources resources = newResources();
        RedisClient client = RedisClient.create(resources);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .socketOptions(socketOptions(timeout))
                .build());
        return new RedisClients(resources, client, () -> RedisLink.of(client.connect(CODEC, uri)), () -> {});
    }

    /**
     * A cluster client. Commands go to primaries only (Lettuce's default): a replica may not yet hold a claimed
     * nonce or a logout. Its connections to the nodes are opened on first use, so a command may find one still
     * connecting: it is held (never longer than the timeout) rather than rejected, and so is one for a primary
     * that just failed, until a replica has taken over or the timeout answers 503.
     *
     * <p>Lettuce re-reads the layout periodically and on some signs of trouble, but not when a command fails
     * because its node cannot be reached at all (a dead primary whose connection was already dropped): then the
     * failover would be seen only at the next periodic refresh. So every failed command asks for a refresh too, at
     * most one per {@link #ADAPTIVE_REFRESH_SPACING}.
     */
    static RedisClients cluster(List<String> seeds, Duration timeout) {
        List<RedisURI> uris = seeds.stream().map(seed -> uri(seed, timeout)).toList();
        ClientResources resources = newResources();
        RedisClusterClient client = RedisClusterClient.create(resources, uris);
        client.setOptions(ClusterClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .socketOptions(socketOptions(timeout))
                .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                        .enablePeriodicRefresh(TOPOLOGY_REFRESH_PERIOD)
                        // Every adaptive trigger is on by default since Lettuce 7: only their spacing is ours.
                        .adaptiveRefreshTriggersTimeout(ADAPTIVE_REFRESH_SPACING)
                        .refreshTriggersReconnectAttempts(RECONNECTS_BEFORE_REFRESH)
                        .build())
                .build());
        return new RedisClients(resources, client, () -> RedisLink.of(client.connect(CODEC)), refreshOnTrouble(client));
    }

    private static Runnable refreshOnTrouble(RedisClusterClient client) {
        long spacing = ADAPTIVE_REFRESH_SPACING.toNanos();
        AtomicLong last = new AtomicLong(System.nanoTime() - spacing);
        return () -> {
            long now = System.nanoTime();
            long before = last.get();
            if (now - before >= spacing && last.compareAndSet(before, now) && !client.isTopologyRefreshInProgress()) {
                // Failures are Lettuce's to log; the next trouble asks again.
                client.refreshPartitionsAsync();
            }
        };
    }

    private static RedisURI uri(String url, Duration timeout) {
        RedisURI uri = RedisURI.create(url);
        uri.setTimeout(timeout);
        return uri;
    }

    private static ClientResources newResources() {
        return DefaultClientResources.builder()
                .reconnectDelay(
                        Delay.fullJitter(Duration.ofMillis(20), Duration.ofSeconds(2), 100, TimeUnit.MILLISECONDS))
                .nettyCustomizer(new ConsolidatedFlushes())
                .build();
    }

    /**
     * One socket write for the commands of many requests. Lettuce flushes every command on its own, so each signed
     * call's nonce claim was one {@code write} system call (on loopback the kernel's delivery into Redis is charged
     * to that call: 30 % of the Redis I/O thread's CPU in a profile under load). Netty's {@link
     * FlushConsolidationHandler} defers a flush to the end of the I/O thread's current batch of tasks, so the claims
     * that concurrent requests queued meanwhile leave in one write, and Redis answers them in one. A command alone
     * is flushed in the same loop turn, with no timer: latency does not grow.
     */
    private static final class ConsolidatedFlushes implements NettyCustomizer {
        @Override
        public void afterChannelInitialized(Channel channel) {
            channel.pipeline()
                    .addFirst(new FlushConsolidationHandler(
                            FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
        }
    }

    private static SocketOptions socketOptions(Duration timeout) {
        return SocketOptions.builder().connectTimeout(timeout).keepAlive(true).build();
    }
}
