package dev.opaquepop.server.store.redis;

import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.time.Duration;

/**
 * An open connection seen through the commands a single Redis and a cluster have in common: Lettuce's standalone
 * command interfaces extend the cluster ones, and a cluster connection routes each command to the primary of its
 * key's slot. Both are thread-safe and multiplexed.
 */
record RedisLink(
        StatefulConnection<String, byte[]> connection,
        RedisClusterCommands<String, byte[]> sync,
        RedisClusterAsyncCommands<String, byte[]> async) {

    static RedisLink of(StatefulRedisConnection<String, byte[]> connection) {
        return new RedisLink(connection, connection.sync(), connection.async());
    }

    static RedisLink of(StatefulRedisClusterConnection<String, byte[]> connection) {
        return new RedisLink(connection, connection.sync(), connection.async());
    }

    Duration timeout() {
        return connection.getTimeout();
    }

    void close() {
        connection.close();
    }
}
