package dev.opaquepop.server.service;

import java.time.Duration;
import java.util.Objects;

/**
 * How long sessions live and how many a user may hold (validated by the server configuration).
 *
 * @param idleTimeout a session unused this long ends
 * @param lifetime a session ends this long after its login, however busy
 * @param reauthenticationWindow a password change or account deletion needs a login at most this old
 * @param maxSessionsPerUser a login beyond this many live sessions ends the user's oldest
 * @param maxPendingLoginsPerUser a login/start beyond this many unfinished logins of one username is refused
 */
public record SessionPolicy(
        Duration idleTimeout,
        Duration lifetime,
        Duration reauthenticationWindow,
        int maxSessionsPerUser,
        int maxPendingLoginsPerUser) {
    /**
     * A recorded use is written at most this often per session, to spare the store a write per request: a
     * session's last use, and so its idle deadline, may lag its latest request by up to this much.
     */
    public static final Duration USE_RESOLUTION = Duration.ofSeconds(5);

    public SessionPolicy {
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(lifetime, "lifetime");
        Objects.requireNonNull(reauthenticationWindow, "reauthenticationWindow");
        if (maxSessionsPerUser < 1 || maxPendingLoginsPerUser < 1) {
            throw new IllegalArgumentException("per-user caps must be at least 1");
        }
    }
}
