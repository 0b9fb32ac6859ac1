package dev.opaquepop.server;

import dev.opaquepop.server.store.StoreException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this instance can serve: each dependency probed at once, in parallel, with a deadline, the answer
 * kept for a second so that probes from load balancers cannot turn into load on the database.
 */
public final class Readiness {
    private static final Logger LOG = LoggerFactory.getLogger(Readiness.class);
    private static final long CACHE_NANOS = TimeUnit.SECONDS.toNanos(1);

    /**
     * One dependency: its role ("database", "sessions"), the backend behind it ("postgresql", "redis",
     * "sqlite", "memory"), and a probe that throws {@link StoreException} when it is unavailable ({@code null}
     * when there is nothing to probe).
     */
    public record Dependency(String role, String backend, Runnable probe) {}

    /** The outcome for one dependency. */
    public record Check(String role, String backend, boolean up) {}

    /** The outcome for all dependencies. */
    public record Report(boolean ready, List<Check> checks) {}

    private final List<Dependency> dependencies;
    private final Duration deadline;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile Report last;
    private volatile long lastAt;

    /** @param deadline how long a probe may take before its dependency counts as down */
    public Readiness(List<Dependency> dependencies, Duration deadline) {
        this.dependencies = List.copyOf(dependencies);
        this.deadline = deadline;
    }

    public Report check() {
        Report cached = last;
        if (cached != null && System.nanoTime() - lastAt < CACHE_NANOS) {
            return cached;
        }
        lock.lock();
        try {
            if (last != null && System.nanoTime() - lastAt < CACHE_NANOS) {
                return last;
            }
            Report report = probeAll();
            last = report;
            lastAt = System.nanoTime();
            return report;
        } finally {
            lock.unlock();
        }
    }

    private Report probeAll() {
        List<Check> checks = new ArrayList<>();
        // Not closed with try-with-resources: close() would wait for a probe stuck past the deadline.
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        try {
            List<Future<?>> running = new ArrayList<>();
            for (Dependency dependency : dependencies) {
                running.add(dependency.probe() == null ? null : pool.submit(dependency.probe()));
            }
            long until = System.nanoTime() + deadline.toNanos();
            for (int i = 0; i < dependencies.size(); i++) {
                Dependency dependency = dependencies.get(i);
                checks.add(new Check(
                        dependency.role(), dependency.backend(), succeeded(dependency, running.get(i), until)));
            }
        } finally {
            pool.shutdownNow();
        }
        return new Report(checks.stream().allMatch(Check::up), List.copyOf(checks));
    }

    private static boolean succeeded(Dependency dependency, Future<?> probe, long until) {
        if (probe == null) {
            return true;
        }
        try {
            probe.get(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
            return true;
        } catch (ExecutionException e) {
            LOG.warn(
                    "readiness: {} ({}) is down: {}",
                    dependency.role(),
                    dependency.backend(),
                    e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
            return false;
        } catch (TimeoutException e) {
            LOG.warn("readiness: {} ({}) did not answer in time", dependency.role(), dependency.backend());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
