package dev.opaquepop.server.store.redis;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.opaquepop.server.store.Session;
import dev.opaquepop.server.store.SessionIds;
import dev.opaquepop.server.store.SessionStore;
import dev.opaquepop.server.store.SessionSummary;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Sessions in Redis, sealed, each key living until the session's end (idle or absolute, whichever is first) plus a
 * grace period (so a request just after the end is told {@code expired_session} rather than {@code
 * unknown_session}). Every instance sees a login, a use or a logout of any other at once. A value that does not open
 * (altered, moved, or sealed under another setup) is an unknown session.
 *
 * <p>Each user has a sorted set of their sessions' id hashes, scored by creation, for listings, logout of all
 * sessions, and the per-user cap. Its members are added before the session value is written (a crash in between
 * leaves a dangling member, pruned later, never an unlisted session), and removed when their session is ended
 * through the store; members of sessions that expired on their own are pruned when the user's sessions are listed
 * or their count passes the cap.
 *
 * <p>Costs: a login is 2 commands (index, then value), a recorded use 1 ({@code SET XX PX}: value and TTL
 * together, and never resurrecting an ended session), a listing 1 plus one per session. Commands for each of a
 * user's sessions (a listing, ending all, trimming to the cap) are pipelined: a batch waits one round trip.
 */
public final class RedisSessionStore implements SessionStore {
    private static final Duration GRACE = Duration.ofMinutes(5);

    /**
     * Adds a member and keeps the set alive at least as long as ARGV[3] ms; answers every member, oldest first,
     * when the set then holds more than ARGV[4], else none.
     */
    private static final String INDEX = """
            redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
            if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[3]) then
              redis.call('PEXPIRE', KEYS[1], ARGV[3])
            end
            if redis.call('ZCARD', KEYS[1]) <= tonumber(ARGV[4]) then return {} end
            return redis.call('ZRANGE', KEYS[1], 0, -1)
            """;

    /** Removes the oldest members but ARGV[2] until ARGV[1] remain; answers the removed members. */
    private static final String TRIM = """
            local members = redis.call('ZRANGE', KEYS[1], 0, -1)
            local excess = #members - tonumber(ARGV[1])
            local ended = {}
            for i = 1, #members do
              if excess <= 0 then break end
              if members[i] ~= ARGV[2] then
                redis.call('ZREM', KEYS[1], members[i])
                ended[#ended + 1] = members[i]
                excess = excess - 1
              end
            end
            return ended
            """;

    /** Sessions cached per instance for signed calls; each ~0.5 KiB on the heap. */
    private static final long CACHED_SESSIONS = 50_000;

    private final RedisConnection redis;
    private final RedisKeys keys;
    private final Sealer sealer;
    private final Clock clock;
    // Session key -> session, for findForCall only. Safe because RedisNonceStore's claim checks the session key
    // exists in the same script that claims the nonce; this instance's own changes update or drop entries at once.
    private final Cache<String, Session> forCalls;

    /**
     * A store whose signed calls read sessions through a per-instance cache kept {@code cacheTtl} (zero: no
     * cache). Only with {@link RedisNonceStore}, whose claim refuses a session that has ended.
     */
    public RedisSessionStore(RedisConnection redis, String keyPrefix, Sealer sealer, Clock clock, Duration cacheTtl) {
        this.redis = redis;
        this.keys = new RedisKeys(keyPrefix);
        this.sealer = sealer;
        this.clock = clock;
        this.forCalls = Caffeine.newBuilder()
                .expireAfterWrite(cacheTtl)
                .maximumSize(cacheTtl.isZero() ? 0 : CACHED_SESSIONS)
                .executor(Runnable::run)
                .build();
    }

    @Override
    public int create(Session session, int maxPerUser) {
        String index = index(session.username());
        String member = session.idHash();
        long indexTtl = ttlMillis(session.expiresAt());
        String key = keys.session(session.sessionId());
        byte[] sealed = sealed(key, session);
        // Indexed and stored in one round trip (their keys are in different slots of a cluster).
        List<Object> overCap = redis.callBoth(
                        "store session",
                        c -> c.<List<Object>>eval(
                                INDEX,
                                ScriptOutputType.MULTI,
                                new String[] {index},
                                ascii(Long.toString(session.createdAt().toEpochMilli())),
                                ascii(member),
                                ascii(Long.toString(indexTtl)),
                                ascii(Integer.toString(maxPerUser))),
                        c -> c.set(key, sealed, SetArgs.Builder.px(ttlMillis(session.endsAt()))))
                .first();
        if (overCap.isEmpty()) {
            return 0;
        }
        return trim(index, member, maxPerUser, strings(overCap));
    }

    /**
     * Prunes the members (all of the index) whose session is gone, then ends the oldest live ones beyond the cap:
     * three round trips (check, prune and trim, end).
     */
    private int trim(String index, String keep, int maxPerUser, List<String> members) {
        List<Long> exist = redis.callEach("check sessions", sessionKeys(members), (c, key) -> c.exists(key));
        List<String> dead = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            Long exists = exist.get(i);
            if (exists == null || exists == 0) {
                dead.add(members.get(i));
            }
        }
        byte[][] deadMembers = dead.stream().map(RedisSessionStore::ascii).toArray(byte[][]::new);
        byte[][] trimArguments = {ascii(Integer.toString(maxPerUser)), ascii(keep)};
        String[] indexKey = {index};
        List<Object> ended = deadMembers.length == 0
                ? redis.call(
                        "trim sessions",
                        c -> c.<List<Object>>eval(TRIM, ScriptOutputType.MULTI, indexKey, trimArguments))
                // Both on the index's node, run in this order: the trim counts only what the pruning left.
                : redis.callBoth(
                                "trim sessions",
                                c -> c.zrem(index, deadMembers),
                                c -> c.<List<Object>>eval(TRIM, ScriptOutputType.MULTI, indexKey, trimArguments))
                        .second();
        List<String> endedKeys = sessionKeys(strings(ended));
        forCalls.invalidateAll(endedKeys);
        return deleted(redis.callEach("end sessions", endedKeys, (c, key) -> c.del(key)));
    }

    private static List<String> strings(List<Object> members) {
        return members.stream()
                .map(member -> new String((byte[]) member, StandardCharsets.US_ASCII))
                .toList();
    }

    private static int deleted(List<Long> answers) {
        int count = 0;
        for (Long deleted : answers) {
            count += deleted == null ? 0 : deleted.intValue();
        }
        return count;
    }

    @Override
    public Optional<Session> find(String sessionId) {
        return read(sessionId, keys.session(sessionId));
    }

    /** Reads and opens the session stored under {@code key}, the key of {@code sessionId}. */
    private Optional<Session> read(String sessionId, String key) {
        byte[] sealed = redis.call("read session", c -> c.get(key));
        if (sealed == null) {
            return Optional.empty();
        }
        return sealer.open(key, sealed, "session").flatMap(plaintext -> {
            try {
                return Records.session(sessionId, plaintext);
            } finally {
                Arrays.fill(plaintext, (byte) 0);
            }
        });
    }

    @Override
    public Optional<Session> findForCall(String sessionId) {
        String key = keys.session(sessionId);
        Session cached = forCalls.getIfPresent(key);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<Session> found = read(sessionId, key);
        found.ifPresent(session -> forCalls.put(key, session));
        return found;
    }

    @Override
    public void update(Session session) {
        write(session, SetArgs.Builder.xx().px(ttlMillis(session.endsAt())));
        String key = keys.session(session.sessionId());
        // Only what a signed call of this instance already holds: an update does not bring a session back.
        forCalls.asMap().computeIfPresent(key, (k, old) -> session);
    }

    @Override
    public List<SessionSummary> list(String username) {
        String index = index(username);
        List<SessionSummary> out = new ArrayList<>();
        List<String> dead = new ArrayList<>();
        List<String> members = members(index);
        List<String> sessionKeys = sessionKeys(members);
        List<byte[]> values = redis.callEach("read sessions", sessionKeys, (c, key) -> c.get(key));
        for (int i = 0; i < members.size(); i++) {
            String member = members.get(i);
            String key = sessionKeys.get(i);
            byte[] sealed = values.get(i);
            Optional<SessionSummary> summary = sealed == null
                    ? Optional.empty()
                    : sealer.open(key, sealed, "session").flatMap(plaintext -> {
                        try {
                            return Records.summary(member, plaintext);
                        } finally {
                            Arrays.fill(plaintext, (byte) 0);
                        }
                    });
            if (summary.isPresent()) {
                out.add(summary.get());
            } else if (sealed == null) {
                dead.add(member);
            }
        }
        unindex(index, dead);
        return out;
    }

    @Override
    public boolean remove(String username, String idHash) {
        String key = keys.sessionByHash(idHash);
        Long deleted = redis.call("end session", c -> c.del(key));
        forCalls.invalidate(key);
        unindex(index(username), List.of(idHash));
        return deleted != null && deleted > 0;
    }

    @Override
    public int removeAll(String username, String keepIdHash) {
        String index = index(username);
        List<String> ended = new ArrayList<>();
        for (String member : members(index)) {
            if (!SessionIds.sameHash(member, keepIdHash)) {
                ended.add(member);
            }
        }
        List<String> endedKeys = sessionKeys(ended);
        int count = deleted(redis.callEach("end sessions", endedKeys, (c, key) -> c.del(key)));
        forCalls.invalidateAll(endedKeys);
        unindex(index, ended);
        return count;
    }

    private void write(Session session, SetArgs args) {
        String key = keys.session(session.sessionId());
        byte[] sealed = sealed(key, session);
        redis.call("store session", c -> c.set(key, sealed, args));
    }

    private byte[] sealed(String key, Session session) {
        byte[] plaintext = Records.session(session);
        try {
            return sealer.seal(key, plaintext);
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    private String index(String username) {
        return keys.userSessions(sealer.userTag(username));
    }

    private List<String> members(String index) {
        List<byte[]> members = redis.call("list sessions", c -> c.zrange(index, 0, -1));
        List<String> out = new ArrayList<>();
        for (byte[] member : members) {
            out.add(new String(member, StandardCharsets.US_ASCII));
        }
        return out;
    }

    /** The session value keys of index members (session id hashes), in their order. */
    private List<String> sessionKeys(List<String> members) {
        return members.stream().map(keys::sessionByHash).toList();
    }

    private void unindex(String index, List<String> members) {
        if (members.isEmpty()) {
            return;
        }
        byte[][] values = members.stream().map(RedisSessionStore::ascii).toArray(byte[][]::new);
        redis.call("unindex sessions", c -> c.zrem(index, values));
    }

    /** Until {@code end} plus the grace period, at least 1 ms. */
    private long ttlMillis(Instant end) {
        Duration left = Duration.between(clock.instant(), end);
        return Math.max(
                1, (left.isNegative() ? Duration.ZERO : left).plus(GRACE).toMillis());
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
