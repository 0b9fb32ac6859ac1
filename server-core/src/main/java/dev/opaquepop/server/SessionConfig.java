package dev.opaquepop.server;

import java.time.Duration;

/**
 * How long proofs, logins and sessions last and how many of each may exist: the options of {@link
 * CoreConfig.Builder} named {@code --pop-window}, {@code --session-*}, {@code --login-ttl}, {@code --max-*}.
 *
 * @param popWindow how far a signed request's timestamp may be from the server's clock
 * @param sessionIdleTimeout a session not used for this long ends
 * @param sessionLifetime a session ends this long after its login, however busy
 * @param reauthenticationWindow a password change or account deletion needs a login younger than this
 * @param loginTtl how long a started login may wait for its finish
 * @param maxPendingLogins unfinished logins held at once (embedded mode)
 * @param maxSessions live sessions held at once (embedded mode)
 * @param maxSessionsPerUser live sessions one user may hold; a login beyond it ends the user's oldest
 * @param maxPendingLoginsPerUser unfinished logins one username may have; beyond it login/start answers 429
 * @param nonceCapacity nonces remembered at once (embedded mode)
 */
public record SessionConfig(
        Duration popWindow,
        Duration sessionIdleTimeout,
        Duration sessionLifetime,
        Duration reauthenticationWindow,
        Duration loginTtl,
        long maxPendingLogins,
        long maxSessions,
        int maxSessionsPerUser,
        int maxPendingLoginsPerUser,
        long nonceCapacity) {}
