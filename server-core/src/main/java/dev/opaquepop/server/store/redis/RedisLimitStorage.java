package dev.opaquepop.server.store.redis;

import dev.opaquepop.opaque.SecretBytes;
import dev.opaquepop.opaque.ServerSetup;
import dev.opaquepop.pop.Hkdf;
import dev.opaquepop.pop.HmacSha256Key;
import dev.opaquepop.server.limit.ClockTimeMeter;
import dev.opaquepop.server.limit.FixedWindow;
import dev.opaquepop.server.limit.KnownAddresses;
import dev.opaquepop.server.limit.LimitSpec;
import dev.opaquepop.server.limit.LimitStorage;
import dev.opaquepop.server.limit.TokenBuckets;
import dev.opaquepop.server.limit.WindowCounters;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.github.bucket4j.redis.lettuce.RedisApi;
import io.github.bucket4j.redis.lettuce.cas.LettuceBasedProxyManager;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Limits shared by every instance through Redis: Bucket4j's compare-and-swap buckets (one Lua-checked swap per
 * change, so concurrent attempts on several instances cannot both take the last token), and the known
 * addresses as plain keys. Every key has a TTL: a bucket's lasts until it would be full again, a known pair's
 * for the configured time.
 *
 * <pre>
 * &lt;prefix&gt;rl:&lt;limit&gt;:&lt;HMAC(subject)&gt;     Bucket4j state; TTL = time to refill completely
 * &lt;prefix&gt;rl:known:&lt;HMAC(username, network)&gt;  expiry (epoch ms); TTL = --known-address-ttl
 * </pre>
 *
 * Subjects (usernames, addresses) appear in key names only as {@code HMAC-SHA256} under a key derived from the
 * server setup ({@code HKDF-SHA256(IKM = setup, info = "opaque-pop v1 rate limit keys")}): every instance
 * computes the same names, and a Redis dump does not tell which usernames or addresses were tried, nor can the
 * names be matched against a list of candidates without the setup.
 */
public final class RedisLimitStorage implements LimitStorage {
    private static final byte[] INFO = "opaque-pop v1 rate limit keys".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_CAS_RETRIES = 100;
    /**
     * KEYS: a window's count. ARGV: the limit, the key's TTL (ms). Answers 1 (counted) or 0 (full: nothing
     * counted). SET with PX rather than INCR keeps the documented ACL's command list.
     */
    private static final RedisScript COUNT = new RedisScript("""
            local count = tonumber(redis.call('GET', KEYS[1]) or '0')
            if count >= tonumber(ARGV[1]) then return 0 end
            redis.call('SET', KEYS[1], count + 1, 'PX', ARGV[2])
            return 1
            """);

    private final RedisConnection redis;
    private final String prefix;
    private final Clock clock;
    private final HmacSha256Key names;
    private final LettuceBasedProxyManager<Object> buckets;

    public RedisLimitStorage(RedisConnection redis, String prefix, ServerSetup setup, Clock clock, Duration timeout) {
        this.redis = redis;
        this.prefix = prefix;
        this.clock = clock;
        this.names = namesKey(setup);
        this.buckets = new Bucket4jLettuce.LettuceBasedProxyManagerBuilder<>(new CurrentConnection(redis))
                .clientClock(new ClockTimeMeter(clock))
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ZERO))
                .maxRetries(MAX_CAS_RETRIES)
                // A change is two commands, each bounded by the connection's own timeout; this bounds the whole.
                .requestTimeout(timeout.multipliedBy(2).plusSeconds(1))
                .build();
    }

    @Override
    public TokenBuckets buckets(String name, LimitSpec spec) {
        return new Buckets(name, spec.toBucketConfiguration());
    }

    @Override
    public KnownAddresses knownAddresses(Duration ttl) {
        return new Known(ttl);
    }

    @Override
    public WindowCounters windowCounters(String name, long limit, Duration window) {
        long length = window.toMillis();
        byte[] max = Long.toString(limit).getBytes(StandardCharsets.US_ASCII);
        byte[] ttl = Long.toString(FixedWindow.retentionMillis(length)).getBytes(StandardCharsets.US_ASCII);
        return subject -> {
            long now = clock.millis();
            String key = key(name, subject) + ":" + FixedWindow.index(now, length);
            Long counted = redis.call("count " + name, c -> COUNT.integer(c, new String[] {key}, max, ttl));
            return counted == 1
                    ? TokenBuckets.Take.TAKEN
                    : new TokenBuckets.Take(false, FixedWindow.untilNext(now, length));
        };
    }

    /** The key name of a subject: its HMAC, so the name says nothing about the subject. */
    String key(String family, String subject) {
        // Keyed once (every signed call names its user's count; keying per call cost more than the HMAC).
        return prefix + "rl:" + family + ":"
                + HexFormat.of().formatHex(names.mac(subject.getBytes(StandardCharsets.UTF_8)));
    }

    private static HmacSha256Key namesKey(ServerSetup setup) {
        SecretBytes encoded = setup.encode();
        byte[] ikm = encoded.revealBytes();
        byte[] okm = null;
        try {
            okm = Hkdf.derive(new byte[0], ikm, INFO, 32);
            return HmacSha256Key.of(okm);
        } finally {
            Arrays.fill(ikm, (byte) 0);
            if (okm != null) {
                Arrays.fill(okm, (byte) 0);
            }
            encoded.destroy();
        }
    }

    private final class Buckets implements TokenBuckets {
        private final String name;
        private final BucketConfiguration configuration;

        Buckets(String name, BucketConfiguration configuration) {
            this.name = name;
            this.configuration = configuration;
        }

        @Override
        public Take take(String subject) {
            String key = key(name, subject);
            return redis.guard(
                    "rate limit",
                    () -> Take.of(
                            buckets.builder().build(key, () -> configuration).tryConsumeAndReturnRemaining(1)));
        }

        @Override
        public void giveBack(String subject) {
            String key = key(name, subject);
            redis.guard("rate limit", () -> {
                buckets.builder().build(key, () -> configuration).addTokens(1);
                return null;
            });
        }

        @Override
        public void forget(String subject) {
            String key = key(name, subject);
            redis.call("rate limit reset", c -> c.del(key));
        }
    }

    private final class Known implements KnownAddresses {
        private final Duration ttl;

        Known(Duration ttl) {
            this.ttl = ttl;
        }

        @Override
        public boolean isKnown(String username, String address) {
            String key = key("known", username + " " + address);
            byte[] value = redis.call("known address", c -> c.get(key));
            if (value == null) {
                return false;
            }
            try {
                long until = Long.parseLong(new String(value, StandardCharsets.US_ASCII));
                return clock.millis() < until;
            } catch (NumberFormatException e) {
                // Not written by us: not a known address.
                return false;
            }
        }

        @Override
        public void remember(String username, String address) {
            String key = key("known", username + " " + address);
            byte[] until = Long.toString(clock.millis() + ttl.toMillis()).getBytes(StandardCharsets.US_ASCII);
            redis.call("remember address", c -> c.set(key, until, SetArgs.Builder.px(ttl.toMillis())));
        }
    }

    /**
     * Bucket4j's view of Redis: the connection current at each command, so a replaced connection is picked up.
     * Keys are typed {@code Object} because Bucket4j hands them over in an {@code Object[]}; they are always the
     * strings built by {@link #key}.
     */
    private record CurrentConnection(RedisConnection redis) implements RedisApi<Object> {
        @Override
        public <V> RedisFuture<V> eval(String script, ScriptOutputType type, Object[] keys, byte[][] params) {
            return redis.async().eval(script, type, Arrays.copyOf(keys, keys.length, String[].class), params);
        }

        @Override
        public RedisFuture<byte[]> get(Object key) {
            return redis.async().get((String) key);
        }

        @Override
        public RedisFuture<?> delete(Object key) {
            return redis.async().del((String) key);
        }
    }
}
