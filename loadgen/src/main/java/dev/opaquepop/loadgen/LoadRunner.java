package dev.opaquepop.loadgen;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Runs one operation with a fixed number of workers, each a platform thread issuing its next request as soon as
 * the previous one is answered (a closed loop: the concurrency is the number of requests in flight). A warm-up
 * of the same shape comes first and is not counted; then the measured window, with the CPU clocks read just
 * before the workers are released and just after the last one stops.
 */
final class LoadRunner {
    private static final int ERROR_SAMPLES = 5;

    private final Progress progress;
    private final CpuClock loadCpu = CpuClock.self();
    private final CpuClock machineCpu = CpuClock.machine();

    LoadRunner(Progress progress) {
        this.progress = progress;
    }

    Measurement run(
            String label, Operation operation, int concurrency, Duration warmup, Duration duration, CpuClock serverCpu)
            throws InterruptedException {
        if (!warmup.isZero()) {
            window(label + " warm-up", operation, concurrency, warmup, CpuClock.none());
        }
        return window(label, operation, concurrency, duration, serverCpu);
    }

    private Measurement window(String label, Operation operation, int concurrency, Duration length, CpuClock serverCpu)
            throws InterruptedException {
        LongAdder ok = new LongAdder();
        LongAdder errors = new LongAdder();
        List<String> samples = Collections.synchronizedList(new ArrayList<>());
        List<LatencyLog> logs = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        AtomicLong lastFinish = new AtomicLong();
        long lengthNanos = length.toNanos();
        long[] deadline = new long[1];
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < concurrency; w++) {
            LatencyLog log = new LatencyLog();
            logs.add(log);
            int worker = w;
            workers.add(Thread.ofPlatform().name("bench-worker-" + w).daemon().unstarted(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                long end = deadline[0];
                long now = System.nanoTime();
                while (now - end < 0 && !Thread.currentThread().isInterrupted()) {
                    try {
                        operation.run(worker);
                        long finished = System.nanoTime();
                        log.record(finished - now);
                        ok.increment();
                        now = finished;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } catch (OperationFailedException | RuntimeException e) {
                        errors.increment();
                        if (samples.size() < ERROR_SAMPLES) {
                            samples.add(e.getClass().getSimpleName() + ": " + e.getMessage());
                        }
                        now = System.nanoTime();
                    }
                }
                lastFinish.accumulateAndGet(now, Math::max);
            }));
        }
        workers.forEach(Thread::start);

        OptionalDouble serverBefore = serverCpu.seconds();
        OptionalDouble loadBefore = loadCpu.seconds();
        OptionalDouble machineBefore = machineCpu.seconds();
        long start = System.nanoTime();
        // The workers read the deadline after the latch, which orders this write before their reads.
        deadline[0] = start + lengthNanos;
        go.countDown();
        Progress.Phase phase = progress.start(label, lengthNanos, ok::sum, errors::sum);
        try {
            for (Thread worker : workers) {
                while (!worker.join(Duration.ofMillis(100))) {
                    phase.tick();
                }
            }
        } catch (InterruptedException e) {
            workers.forEach(Thread::interrupt);
            throw e;
        }
        long end = Math.max(lastFinish.get(), start);
        OptionalDouble machineAfter = machineCpu.seconds();
        OptionalDouble loadAfter = loadCpu.seconds();
        OptionalDouble serverAfter = serverCpu.seconds();
        phase.finish();

        Latencies latencies = new Latencies(LatencyLog.mergeSorted(logs));
        return new Measurement(
                latencies.count(),
                errors.intValue(),
                (end - start) / 1e9,
                latencies,
                difference(serverBefore, serverAfter),
                difference(loadBefore, loadAfter),
                difference(machineBefore, machineAfter),
                List.copyOf(samples));
    }

    private static OptionalDouble difference(OptionalDouble before, OptionalDouble after) {
        return before.isPresent() && after.isPresent()
                ? OptionalDouble.of(after.getAsDouble() - before.getAsDouble())
                : OptionalDouble.empty();
    }
}
