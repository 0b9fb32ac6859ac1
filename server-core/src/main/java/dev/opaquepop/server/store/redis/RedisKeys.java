package dev.opaquepop.server.store.redis;

import dev.opaquepop.server.store.SessionIds;

/**
 * Where everything lives in Redis. No key holds a bearer value: sessions and logins are named by the SHA-256
 * of their id. The keys of one session share the hash tag {@code {s:<hash>}}, so on Redis Cluster a session
 * and its nonces sit in one slot.
 *
 * <pre>
 * &lt;prefix&gt;{s:&lt;sha256(session id)&gt;}:session          sealed session (user, PoP key, times); TTL = expiry + grace
 * &lt;prefix&gt;{s:&lt;sha256(session id)&gt;}:nonce:&lt;nonce&gt;    "1", set once; TTL = until its X-TS cannot pass + margin
 * &lt;prefix&gt;{s:&lt;sha256(session id)&gt;}:calls:&lt;second&gt;   the session's signed calls in that second; TTL = 7 s
 * &lt;prefix&gt;{s:&lt;sha256(session id)&gt;}:quota:&lt;period&gt;   its nonces in that quota period; TTL = 2 periods + 5 s
 * &lt;prefix&gt;{l:&lt;sha256(login id)&gt;}:login               sealed pending login (user, OPAQUE state); TTL = login TTL
 * &lt;prefix&gt;{u:&lt;user tag&gt;}:sessions               sorted set: sha256(session id) by creation (ms); TTL = the
 *                                                   latest absolute session end + grace
 * &lt;prefix&gt;{u:&lt;user tag&gt;}:logins                 sorted set: sha256(login id) by expiry (ms); TTL = login TTL
 * </pre>
 *
 * The user tag is an HMAC of the username under a key derived from the server setup ({@link Sealer#userTag}): a
 * plain hash of a username could be reversed by trying names, the tag cannot without the setup.
 */
final class RedisKeys {
    private final String prefix;

    /** @param prefix validated by the configuration: no braces, so the first {@code {...}} is the hash tag */
    RedisKeys(String prefix) {
        this.prefix = prefix;
    }

    String session(String sessionId) {
        return sessionByHash(SessionIds.hash(sessionId));
    }

    /** @param idHash {@link SessionIds#hash} of a session id: 64 lower-case hex digits */
    String sessionByHash(String idHash) {
        return prefix + "{s:" + idHash + "}:session";
    }

    /** @param userTag {@link Sealer#userTag} of a username */
    String userSessions(String userTag) {
        return prefix + "{u:" + userTag + "}:sessions";
    }

    String userLogins(String userTag) {
        return prefix + "{u:" + userTag + "}:logins";
    }

    /**
     * @param idHash as {@link #sessionByHash}
     * @param nonce already validated by the PoP verifier: 16 to 64 characters of {@code [A-Za-z0-9_-]}
     */
    String nonce(String idHash, String nonce) {
        return prefix + "{s:" + idHash + "}:nonce:" + nonce;
    }

    /** @param second the epoch second: the session's calls in it; {@code idHash} as {@link #sessionByHash} */
    String sessionCalls(String idHash, long second) {
        return prefix + "{s:" + idHash + "}:calls:" + second;
    }

    /** @param period the index of a nonce quota period since the epoch: the session's nonces in it */
    String sessionNonceCount(String idHash, long period) {
        return prefix + "{s:" + idHash + "}:quota:" + period;
    }

    String login(String loginId) {
        return prefix + "{l:" + SessionIds.hash(loginId) + "}:login";
    }
}
