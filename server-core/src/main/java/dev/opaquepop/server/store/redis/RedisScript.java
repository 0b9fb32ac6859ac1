package dev.opaquepop.server.store.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;

/**
 * A Lua script run by its digest ({@code EVALSHA}): on the hot path a call sends 40 hex digits instead of the
 * script. A node that does not know the script yet (first use, a restart, a failover to a replica that never saw
 * it) answers {@code NOSCRIPT}; the script then goes once as {@code EVAL}, which also caches it on that node.
 */
final class RedisScript {
    private final String source;
    private volatile String digest;

    RedisScript(String source) {
        this.source = source;
    }

    /**
     * Runs the script, which answers an integer, on the node that holds {@code keys} (all in one hash slot on a
     * cluster).
     */
    Long integer(RedisClusterCommands<String, byte[]> commands, String[] keys, byte[]... args) {
        ScriptOutputType type = ScriptOutputType.INTEGER;
        String sha = digest;
        if (sha == null) {
            // Computed by the client library, locally: no round trip.
            sha = commands.digest(source);
            digest = sha;
        }
        try {
            return commands.evalsha(sha, type, keys, args);
        } catch (RedisNoScriptException notLoaded) {
            return commands.eval(source, type, keys, args);
        }
    }
}
