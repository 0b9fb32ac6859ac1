package dev.opaquepop.server;

import dev.opaquepop.server.store.redis.RedisConnection;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;

/**
 * The Redis a suite runs against, so one suite can run against each: the machine's Redis server ({@link
 * #single()}), or a throwaway Redis Cluster started for the suite ({@link #cluster()}). PostgreSQL is needed by
 * both (the namespace holds a schema too).
 */
abstract sealed class RedisUnderTest implements AutoCloseable {
    /** Whether it can be used; checked again, with a message, by {@link #assumeAvailable()}. */
    abstract boolean available();

    /** Skips the calling test (fails it when {@code CI=true}) unless {@link #available()}. */
    abstract void assumeAvailable();

    /** A fresh namespace in it (starting it first, for a cluster), closed by the caller before {@link #close}. */
    abstract Namespace openNamespace() throws IOException, InterruptedException;

    /** A store connection to it, as the server opens one. */
    abstract RedisConnection connect(Duration timeout);

    /** The sessions backend an instance reports on {@code /healthz/ready}. */
    abstract String backend();

    @Override
    public void close() {}

    static RedisUnderTest single() {
        return new Single();
    }

    static RedisUnderTest cluster() {
        return new Cluster();
    }

    private static final class Single extends RedisUnderTest {
        @Override
        boolean available() {
            return SharedInfrastructure.available();
        }

        @Override
        void assumeAvailable() {
            SharedInfrastructure.assumeAvailable();
        }

        @Override
        Namespace openNamespace() {
            return SharedInfrastructure.newNamespace();
        }

        @Override
        RedisConnection connect(Duration timeout) {
            return RedisConnection.open(SharedInfrastructure.REDIS_URL, timeout, "test redis");
        }

        @Override
        String backend() {
            return "redis";
        }
    }

    private static final class Cluster extends RedisUnderTest {
        private LocalRedisCluster cluster;

        @Override
        boolean available() {
            return SharedInfrastructure.available() && LocalRedisCluster.available();
        }

        @Override
        void assumeAvailable() {
            SharedInfrastructure.assumeAvailable();
            LocalRedisCluster.assumeAvailable();
        }

        @Override
        Namespace openNamespace() throws IOException, InterruptedException {
            if (cluster == null) {
                cluster = LocalRedisCluster.start();
            }
            return Namespace.inCluster(cluster.seeds());
        }

        @Override
        RedisConnection connect(Duration timeout) {
            return RedisConnection.openCluster(Arrays.asList(cluster.seeds().split(",", -1)), timeout, "test cluster");
        }

        @Override
        String backend() {
            return "redis-cluster";
        }

        @Override
        public void close() {
            if (cluster != null) {
                cluster.close();
            }
        }
    }
}
