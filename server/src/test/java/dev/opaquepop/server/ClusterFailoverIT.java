package dev.opaquepop.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opaquepop.pop.SignedRequest;
import dev.opaquepop.server.Requests.LoggedIn;
import dev.opaquepop.server.store.SessionIds;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Redis Cluster primary killed while two instances serve signed calls: the calls whose session lives on it fail
 * (503) until a replica has taken over, then succeed again on the same instances, without a restart; and no
 * replay is accepted at any point, before, during or after (a copy of every accepted call is sent again, to the
 * other instance, all along). The unavailable window is measured and printed, never asserted: it depends on the
 * node timeout ({@link LocalRedisCluster#NODE_TIMEOUT}), the election and the client's topology refresh.
 */
class ClusterFailoverIT {
    private static final byte[] PASSWORD = "correct horse battery staple".getBytes(UTF_8);
    private static final int SESSIONS = 6;
    private static final int CALLERS = 6;
    /** Generous bounds for things that take seconds: failover is node timeout + election + refresh. */
    private static final Duration RECOVERY_WITHIN = Duration.ofSeconds(90);

    private static final Duration WARM_UP_WITHIN = Duration.ofSeconds(30);

    @TempDir
    Path data;

    private LocalRedisCluster cluster;
    private Namespace namespace;
    private TestServer a;
    private TestServer b;

    /** One signed call's outcome, at nanoseconds since the kill (negative: before it). */
    private record Outcome(int session, long at, int status) {}

    @BeforeEach
    void start() throws Exception {
        SharedInfrastructure.assumeAvailable();
        LocalRedisCluster.assumeAvailable();
        cluster = LocalRedisCluster.start();
        namespace = Namespace.inCluster(cluster.seeds());
        // The shortest Redis timeout allowed: a call held for a dead primary is answered 503 after it.
        a = TestServer.start(
                data.resolve("a"),
                c -> namespace.configure(c.redisTimeout(Duration.ofSeconds(1)).registerLimitAddress("1000/1s")));
        b = TestServer.start(
                data.resolve("b"),
                c -> namespace.configure(c.redisTimeout(Duration.ofSeconds(1)).registerLimitAddress("1000/1s")));
    }

    @AfterEach
    void stop() throws Exception {
        try {
            for (AutoCloseable closeable : new AutoCloseable[] {a, b, namespace}) {
                if (closeable != null) {
                    closeable.close();
                }
            }
        } finally {
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    @Test
    void primaryKilledUnderLoad_failsOverWithoutRestart_andNoReplayIsEverAccepted() throws Exception {
        List<LoggedIn> sessions = new ArrayList<>();
        for (int i = 0; i < SESSIONS; i++) {
            Requests.register(a.uri(), "caller-" + i, PASSWORD);
            sessions.add(Requests.login(a.uri(), b.uri(), "caller-" + i, PASSWORD));
        }
        int victim = cluster.primaryOf(sessionKey(sessions.getFirst()));
        List<Integer> onVictim = new ArrayList<>();
        for (int i = 0; i < SESSIONS; i++) {
            if (cluster.primaryOf(sessionKey(sessions.get(i))) == victim) {
                onVictim.add(i);
            }
        }

        Load load = new Load(sessions);
        long failedOver;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> workers = new ArrayList<>();
            for (int i = 0; i < CALLERS; i++) {
                int first = i;
                workers.add(pool.submit(() -> load.call(first)));
            }
            workers.add(pool.submit(load::replay));
            try {
                load.awaitSuccesses(onVictim, -1, WARM_UP_WITHIN);
                // The sessions reached the replica: a login made just before the kill could otherwise be lost with
                // the primary, and its calls answered 401 for good (a lost write, not a failure of the failover).
                cluster.awaitReplicasInSync(victim);
                load.killAt = System.nanoTime();
                cluster.kill(victim);
                cluster.awaitNewPrimary(sessionKey(sessions.getFirst()), victim);
                failedOver = System.nanoTime() - load.killAt;
                // Recovered: every session of the dead primary served again after the kill (several calls, so the
                // replays of calls accepted by the new primary get their turn too).
                load.awaitSuccesses(onVictim, 20, RECOVERY_WITHIN);
            } finally {
                // Also when a wait above fails: the pool's close waits for the workers, which loop until stopped.
                load.running.set(false);
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
        }

        assertThat(load.replaysAccepted).as("replays accepted").isEmpty();
        assertThat(load.unexpected).as("answers other than 200 or 503").isEmpty();
        // Every call accepted at any time, sent once more now that the cluster is whole: still refused.
        for (Load.Accepted call : load.accepted) {
            HttpResponse<String> again = Requests.send(b.uri(), call.signed(), "GET", "/api/me", "");
            assertThat(again.statusCode()).as("a replay after the failover").isNotEqualTo(200);
        }
        Window window = Window.of(load.outcomes, onVictim);
        System.out.printf(
                "cluster failover: primary on port %d killed; a replica served its slots %d ms after the kill;"
                        + " sessions on it unavailable for %d ms (first failure %d ms after the kill, first success"
                        + " again %d ms after it); %d of their calls failed (503), and %d calls of sessions on other"
                        + " primaries (whose user's limit keys may live on the dead one); %d calls accepted, %d"
                        + " replays refused%n",
                victim,
                Duration.ofNanos(failedOver).toMillis(),
                window.unavailableMillis(),
                window.firstFailureMillis(),
                window.recoveredMillis(),
                window.failed(),
                window.failedElsewhere(),
                load.accepted.size(),
                load.replaysRefused);
        assertThat(window.failed())
                .as("calls that failed while the primary was gone")
                .isPositive();
    }

    private String sessionKey(LoggedIn session) {
        return namespace.prefix + "{s:" + SessionIds.hash(session.sessionId()) + "}:session";
    }

    /** Callers signing fresh calls round the sessions, and one replaying accepted calls, until stopped. */
    private final class Load {
        record Accepted(int session, SignedRequest signed) {}

        final List<LoggedIn> sessions;
        final AtomicBoolean running = new AtomicBoolean(true);
        final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
        // Per session, counted as the answers come: the waits below poll them every 20 ms, where scanning the
        // outcomes (tens of thousands by then) took the CPU the failover is timed on.
        final AtomicLongArray successes;
        final AtomicLongArray successesAfterKill;
        final List<Accepted> accepted = new CopyOnWriteArrayList<>();
        final List<String> replaysAccepted = new CopyOnWriteArrayList<>();
        final List<String> unexpected = new CopyOnWriteArrayList<>();
        volatile long killAt = Long.MAX_VALUE;
        volatile long replaysRefused;

        Load(List<LoggedIn> sessions) {
            this.sessions = sessions;
            this.successes = new AtomicLongArray(sessions.size());
            this.successesAfterKill = new AtomicLongArray(sessions.size());
        }

        void call(int first) {
            int session = first;
            while (running.get()) {
                session = (session + 1) % sessions.size();
                URI to = (session % 2 == 0 ? a : b).uri();
                SignedRequest signed = Requests.sign(sessions.get(session), "GET", "/api/me", "");
                int status = status(to, signed);
                long at = System.nanoTime() - killAt();
                outcomes.add(new Outcome(session, at, status));
                if (status == 200) {
                    successes.incrementAndGet(session);
                    if (at > 0) {
                        successesAfterKill.incrementAndGet(session);
                    }
                    accepted.add(new Accepted(session, signed));
                } else if (status != 503) {
                    unexpected.add("session " + session + ": " + status);
                }
            }
        }

        /** Sends accepted calls again, to the instance that did not accept them; none may be accepted twice. */
        void replay() {
            long refused = 0;
            while (running.get()) {
                if (accepted.isEmpty()) {
                    pause();
                    continue;
                }
                Accepted call = accepted.get(ThreadLocalRandom.current().nextInt(accepted.size()));
                URI other = (call.session() % 2 == 0 ? b : a).uri();
                int status = status(other, call.signed());
                if (status == 200) {
                    replaysAccepted.add("session " + call.session());
                } else {
                    refused++;
                }
            }
            replaysRefused = refused;
        }

        private long killAt() {
            long at = killAt;
            return at == Long.MAX_VALUE ? System.nanoTime() + 1 : at;
        }

        private int status(URI to, SignedRequest signed) {
            try {
                return Requests.send(to, signed, "GET", "/api/me", "").statusCode();
            } catch (Exception e) {
                unexpected.add(e.toString());
                return -1;
            }
        }

        /**
         * Waits until each of {@code sessions} has {@code count} successes after the kill (or, with a negative
         * count, one at all).
         */
        void awaitSuccesses(List<Integer> which, int count, Duration within) throws InterruptedException {
            long deadline = System.nanoTime() + within.toNanos();
            while (!which.stream().allMatch(session -> successes(session, count < 0) >= Math.max(1, count))) {
                assertThat(System.nanoTime()).as("successes within %s", within).isLessThan(deadline);
                assertThat(unexpected).as("unexpected answers").isEmpty();
                Thread.sleep(20);
            }
        }

        private static void pause() {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private long successes(int session, boolean atAll) {
            return (atAll ? successes : successesAfterKill).get(session);
        }
    }

    /** What the calls on the killed primary's sessions saw after the kill. */
    private record Window(long firstFailureMillis, long recoveredMillis, long failed, long failedElsewhere) {
        static Window of(Iterable<Outcome> outcomes, List<Integer> onVictim) {
            long firstFailure = Long.MAX_VALUE;
            long lastFailure = Long.MIN_VALUE;
            long failed = 0;
            long elsewhere = 0;
            for (Outcome o : outcomes) {
                if (o.at() <= 0 || o.status() == 200) {
                    continue;
                }
                if (!onVictim.contains(o.session())) {
                    elsewhere++;
                    continue;
                }
                failed++;
                firstFailure = Math.min(firstFailure, o.at());
                lastFailure = Math.max(lastFailure, o.at());
            }
            long recovered = Long.MAX_VALUE;
            for (Outcome o : outcomes) {
                if (onVictim.contains(o.session()) && o.status() == 200 && o.at() > lastFailure) {
                    recovered = Math.min(recovered, o.at());
                }
            }
            return new Window(millis(firstFailure), millis(recovered), failed, elsewhere);
        }

        long unavailableMillis() {
            return recoveredMillis - firstFailureMillis;
        }

        private static long millis(long nanos) {
            return nanos == Long.MAX_VALUE ? -1 : Duration.ofNanos(nanos).toMillis();
        }
    }
}
