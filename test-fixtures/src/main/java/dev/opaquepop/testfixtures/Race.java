package dev.opaquepop.testfixtures;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

/**
 * Racers released at one instant, for the tests that claim "exactly one wins" (a nonce replayed from many threads, a
 * username registered twice, two password changes): each racer is ready on its own virtual thread before any of them
 * starts, so the requests overlap as closely as the machine allows.
 */
public final class Race {
    private Race() {}

    /**
     * Runs {@code racers} tasks at once and returns what each returned, in racer order.
     *
     * @param racer the task of racer {@code i} (0 to {@code racers - 1}), built before the start
     * @throws Exception what the first failed racer (in racer order) threw, as it threw it: an assertion inside a
     *     racer fails the test with its own message
     */
    public static <T> List<T> run(int racers, IntFunction<Callable<T>> racer) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<T>> running = new ArrayList<>(racers);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < racers; i++) {
                Callable<T> task = racer.apply(i);
                running.add(pool.submit(() -> {
                    go.await();
                    return task.call();
                }));
            }
            go.countDown();
            List<T> results = new ArrayList<>(racers);
            for (Future<T> one : running) {
                results.add(outcome(one));
            }
            return results;
        }
    }

    private static <T> T outcome(Future<T> racer) throws Exception {
        try {
            return racer.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception thrown) {
                throw thrown;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }
}
