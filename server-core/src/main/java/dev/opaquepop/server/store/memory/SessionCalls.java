package dev.opaquepop.server.store.memory;

import dev.opaquepop.server.limit.CallLimitedException;
import dev.opaquepop.server.limit.CallLimits;
import dev.opaquepop.server.limit.FixedWindow;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * One session's counts in this instance's memory: calls in the current second, nonces in the current quota
 * period. Claims of one session are serialised on it, so a check and its count cannot be split by a racing claim.
 */
final class SessionCalls {
    private final CallLimits limits;
    private final FixedWindow second = new FixedWindow(CallLimits.RATE_WINDOW);
    private final FixedWindow period;

    SessionCalls(CallLimits limits) {
        this.limits = limits;
        this.period = new FixedWindow(limits.noncePeriod());
    }

    /**
     * Runs {@code claim} if the session is under both limits, and counts it if it claimed a fresh nonce (a replay
     * counts for nothing). {@code seen} is asked first: a replay is a replay even from a session over its limits.
     *
     * @throws CallLimitedException when over a limit; {@code claim} did not run
     */
    synchronized boolean claim(long nowMillis, BooleanSupplier seen, BooleanSupplier claim) {
        if (seen.getAsBoolean()) {
            return false;
        }
        Duration wait = second.waitFor(nowMillis, limits.perSession());
        if (!wait.isZero()) {
            throw new CallLimitedException(CallLimits.CALL_SESSION, wait);
        }
        wait = period.waitFor(nowMillis, limits.noncesPerSession());
        if (!wait.isZero()) {
            throw new CallLimitedException(CallLimits.NONCE_QUOTA, wait);
        }
        if (!claim.getAsBoolean()) {
            return false;
        }
        second.count(nowMillis);
        period.count(nowMillis);
        return true;
    }
}
