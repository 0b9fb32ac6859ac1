package dev.opaquepop.server.api;

import dev.opaquepop.server.Metrics;
import dev.opaquepop.server.limit.CallLimitedException;
import dev.opaquepop.server.limit.RateLimitedException;
import dev.opaquepop.server.store.CapacityExceededException;
import dev.opaquepop.server.store.StoreException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one exception policy of every adapter: what each failure is answered with. A refusal the caller can act on
 * keeps its problem; limits are 429 with {@code Retry-After}; a dependency down or full is 503 with {@code
 * Retry-After}; anything else is a 500 whose details go to the log under an error id, never to the caller.
 */
final class Failures {
    private static final Logger LOG = LoggerFactory.getLogger(Failures.class);
    private static final String RETRY_AFTER_SECONDS = "5";
    private static final long UNAVAILABLE_LOG_INTERVAL_NANOS =
            Duration.ofSeconds(1).toNanos();

    private final Metrics metrics;
    private final AtomicLong lastUnavailableLog = new AtomicLong(System.nanoTime() - UNAVAILABLE_LOG_INTERVAL_NANOS);
    private final AtomicLong unavailableNotLogged = new AtomicLong();

    Failures(Metrics metrics) {
        this.metrics = metrics;
    }

    ApiResponse answer(Exception e, String path) {
        if (e instanceof ApiProblem problem) {
            return problem.response();
        }
        if (e instanceof RateLimitedException limited) {
            return rateLimited(limited).response();
        }
        if (e instanceof CallLimitedException limited) {
            return rateLimited(limited.refusal()).response();
        }
        if (e instanceof StoreException) {
            return unavailable("storage", e);
        }
        if (e instanceof CapacityExceededException) {
            return unavailable("capacity", e);
        }
        String errorId = UUID.randomUUID().toString();
        LOG.error("internal error id={} path={}", errorId, path, e);
        return new ApiProblem(500, "internal_error", "Internal server error", "error id " + errorId).response();
    }

    /**
     * 429 with Retry-After in whole seconds (rounded up). Nothing in it depends on whether the username exists:
     * the buckets count attempts on the name, not accounts.
     */
    ApiProblem rateLimited(RateLimitedException e) {
        metrics.rateLimited(e.limit());
        long seconds = e.retryAfterSeconds();
        return new ApiProblem(429, "rate_limited", "Too many attempts", "Try again in " + seconds + " seconds")
                .withHeader("Retry-After", Long.toString(seconds));
    }

    /**
     * A 503. While a dependency is down every request fails the same way: one warning per second says so, with
     * how many more were answered alike (the metrics count each of them).
     */
    private ApiResponse unavailable(String what, Exception e) {
        long now = System.nanoTime();
        long last = lastUnavailableLog.get();
        if (now - last >= UNAVAILABLE_LOG_INTERVAL_NANOS && lastUnavailableLog.compareAndSet(last, now)) {
            long alike = unavailableNotLogged.getAndSet(0);
            LOG.warn(
                    "service unavailable: {}: {}{}{}",
                    what,
                    e.getMessage(),
                    e.getCause() == null ? "" : " (" + e.getCause().getClass().getSimpleName() + ")",
                    alike == 0 ? "" : "; " + alike + " more 503s since the last such line");
        } else {
            unavailableNotLogged.incrementAndGet();
        }
        return new ApiProblem(503, "service_unavailable", "Temporarily unavailable", null)
                .withHeader("Retry-After", RETRY_AFTER_SECONDS)
                .response();
    }
}
