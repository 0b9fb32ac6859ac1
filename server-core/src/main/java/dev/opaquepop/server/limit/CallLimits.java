package dev.opaquepop.server.limit;

import java.time.Duration;

/**
 * The limits on PoP-signed calls, counted in fixed windows: at most {@code perSession} accepted calls per second
 * per session and {@code perUser} per second per user (all the user's sessions), and at most {@code
 * noncesPerSession} nonces claimed per session in each {@code noncePeriod}, the longest a nonce is kept. A nonce
 * lives less than one period, so a session holds at most twice its quota in the nonce store at any time, however
 * long it keeps calling: one session cannot fill the store that every session's calls need.
 *
 * <p>Only calls that passed every PoP check count (the session's counts are taken with its nonce claim, after
 * the MAC): someone who merely knows a session id, or replays a captured request, cannot spend its budget.
 *
 * @param noncePeriod the length of the quota's windows: the longest nonce TTL (twice the PoP window, plus one
 *     second of whole-second timestamps, plus the clock margin)
 */
public record CallLimits(long perSession, long perUser, long noncesPerSession, Duration noncePeriod) {
    /** The rate windows: one second. */
    public static final Duration RATE_WINDOW = Duration.ofSeconds(1);

    private static final CallLimits OFF = new CallLimits(Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, RATE_WINDOW);

    public static final String CALL_SESSION = "call_session";
    public static final String CALL_USER = "call_user";
    public static final String NONCE_QUOTA = "nonce_quota";

    public CallLimits {
        if (perSession < 1 || perUser < 1 || noncesPerSession < 1) {
            throw new IllegalArgumentException("call limits must be at least 1");
        }
        if (noncePeriod.compareTo(RATE_WINDOW) < 0) {
            throw new IllegalArgumentException("the nonce period must be at least a second");
        }
    }

    /** No limits ({@code --rate-limit off}). */
    public static CallLimits off() {
        return OFF;
    }

    public boolean enabled() {
        return !equals(OFF);
    }
}
