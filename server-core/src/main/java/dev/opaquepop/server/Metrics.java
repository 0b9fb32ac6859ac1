package dev.opaquepop.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The protocol's meters. The stand-alone server keeps them in a Prometheus registry of its own, scraped at {@code GET
 * /metrics}; an application that embeds the core gives its own registry. Labels never carry user data.
 */
public final class Metrics {
    private final MeterRegistry registry;

    /**
     * The request timers by label set, looked up once each: building and registering a timer for every request
     * (tags sorted, meter id hashed, registry consulted) was a measurable part of a request's cost. Bounded by
     * the routes, methods and statuses the server answers with.
     */
    private final ConcurrentHashMap<RequestLabels, Timer> requestTimers = new ConcurrentHashMap<>();

    private record RequestLabels(String method, String route, int status) {}

    /** Meters in a Prometheus registry of their own, with the process's CPU meters beside them. */
    public Metrics() {
        this(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        new ProcessorMetrics().bindTo(registry);
        // The conventional process_cpu_seconds_total, so a load generator can divide the server's CPU time by the
        // operations it completed without access to the server's /proc.
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            FunctionCounter.builder(
                            "process.cpu", os, bean -> bean.getProcessCpuTime() / (double) TimeUnit.SECONDS.toNanos(1))
                    .baseUnit("seconds")
                    .description("CPU time used by the server process")
                    .register(registry);
        }
    }

    /** Meters in {@code registry}, which belongs to the application (process meters are its business). */
    public Metrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void registration(String outcome) {
        Counter.builder("opaque_pop_registrations")
                .tag("outcome", outcome)
                .register(registry)
                .increment();
    }

    public void login(String outcome) {
        Counter.builder("opaque_pop_logins")
                .tag("outcome", outcome)
                .register(registry)
                .increment();
    }

    public void popRejected(String code) {
        Counter.builder("opaque_pop_pop_rejections")
                .tag("code", code)
                .register(registry)
                .increment();
    }

    /** A request answered 429, by the limit it hit ({@code login_user}, {@code login_address}, ...). */
    public void rateLimited(String limit) {
        Counter.builder("opaque_pop_rate_limited")
                .tag("limit", limit)
                .register(registry)
                .increment();
    }

    /**
     * A request refused before any handler ran: {@code uri_too_long}, {@code too_many_requests} (per connection),
     * or the status Jetty itself answered (e.g. {@code 431}, {@code 400}).
     */
    public void transportRejected(String reason) {
        Counter.builder("opaque_pop_transport_rejections")
                .tag("reason", reason)
                .register(registry)
                .increment();
    }

    public void request(String method, String route, int status, Duration elapsed) {
        requestTimers
                .computeIfAbsent(
                        new RequestLabels(method, route, status),
                        labels -> Timer.builder("opaque_pop_http_requests")
                                .tag("method", labels.method())
                                .tag("route", labels.route())
                                .tag("status", Integer.toString(labels.status()))
                                .register(registry))
                .record(elapsed);
    }

    /** The Prometheus text exposition of the server's own registry. */
    public String scrape() {
        if (!(registry instanceof PrometheusMeterRegistry prometheus)) {
            throw new IllegalStateException("the meters are in the application's registry: scrape that");
        }
        return prometheus.scrape();
    }
}
