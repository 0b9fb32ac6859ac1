package dev.opaquepop.loadgen;

import dev.opaquepop.client.ClientSession;
import dev.opaquepop.client.OpaquePopClient;
import dev.opaquepop.client.OpaquePopClientException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * The benchmark's users on one server: fresh names for this run ({@code bench-<run>-<i>}, so runs against a
 * long-lived server never collide), each with its own password, registered and logged in by a few threads in
 * parallel before any measurement.
 */
final class Users {
    private static final int SETUP_THREADS = 4;

    private final String prefix;
    private final int count;

    Users(SecureRandom random, int count) {
        byte[] run = new byte[4];
        random.nextBytes(run);
        this.prefix = "bench-" + HexFormat.of().formatHex(run) + "-";
        this.count = count;
    }

    int count() {
        return count;
    }

    String name(int index) {
        return prefix + index;
    }

    byte[] password(int index) {
        return ("benchmark password " + index).getBytes(StandardCharsets.UTF_8);
    }

    /** Registers every user; fails on the first error (nothing can be measured without them). */
    void registerAll(OpaquePopClient client, Progress progress, String label)
            throws OpaquePopClientException, InterruptedException {
        forAll(progress, label, index -> {
            client.register(name(index), password(index));
            return Boolean.TRUE;
        });
    }

    /** Logs every user in once, returning their sessions in user order. */
    List<ClientSession> loginAll(OpaquePopClient client, Progress progress, String label)
            throws OpaquePopClientException, InterruptedException {
        return forAll(progress, label, index -> client.login(name(index), password(index)));
    }

    private interface Step<T> {
        T apply(int index) throws OpaquePopClientException;
    }

    private <T> List<T> forAll(Progress progress, String label, Step<T> step)
            throws OpaquePopClientException, InterruptedException {
        List<T> results = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            results.add(null);
        }
        AtomicInteger next = new AtomicInteger();
        LongAdder done = new LongAdder();
        AtomicReference<Exception> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < Math.min(SETUP_THREADS, count); t++) {
            threads.add(Thread.ofPlatform().daemon().start(() -> {
                for (int index = next.getAndIncrement();
                        index < count && failure.get() == null;
                        index = next.getAndIncrement()) {
                    try {
                        T result = step.apply(index);
                        synchronized (results) {
                            results.set(index, result);
                        }
                        done.increment();
                    } catch (OpaquePopClientException | RuntimeException e) {
                        failure.compareAndSet(null, e);
                    }
                }
            }));
        }
        Progress.Phase phase = progress.start(label, 0, done::sum, () -> failure.get() == null ? 0 : 1);
        for (Thread thread : threads) {
            thread.join();
        }
        phase.finish();
        Exception failed = failure.get();
        if (failed instanceof OpaquePopClientException e) {
            throw e;
        }
        if (failed != null) {
            throw new IllegalStateException(label + " failed", failed);
        }
        synchronized (results) {
            return List.copyOf(results);
        }
    }
}
