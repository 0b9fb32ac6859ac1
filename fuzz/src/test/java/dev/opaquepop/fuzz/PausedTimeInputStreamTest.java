package dev.opaquepop.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A pause of the whole JVM (harness and server alike) longer than the harness's read timeout made the handler
 * fuzzer report "no answer" although the server answered a moment after the pause. A read timeout now counts
 * only time the process ran, and still fails for a server that does not answer.
 */
class PausedTimeInputStreamTest {
    private static final int TIMEOUT_MILLIS = 200;

    private ServerSocket listener;
    private Socket client;
    private Socket server;

    @BeforeEach
    void connect() throws IOException {
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
        client.setSoTimeout(TIMEOUT_MILLIS);
        server = listener.accept();
    }

    @AfterEach
    void disconnect() throws IOException {
        server.close();
        client.close();
        listener.close();
    }

    @Test
    void aTimeoutWithoutAPauseFails() throws IOException {
        InputStream in = input(new FirstWaitWasAPause(0, () -> {}));

        assertThatThrownBy(in::read).isInstanceOf(SocketTimeoutException.class);
    }

    @Test
    void aTimeoutSpentPausedWaitsOnAndReadsTheAnswer() throws Exception {
        CountDownLatch resumed = new CountDownLatch(1);
        Thread answering = new Thread(() -> {
            try {
                resumed.await();
                server.getOutputStream().write('H');
            } catch (InterruptedException | IOException e) {
                throw new IllegalStateException(e);
            }
        });
        answering.start();
        FirstWaitWasAPause pauses = new FirstWaitWasAPause(1, resumed::countDown);

        assertThat(input(pauses).read()).isEqualTo('H');
        assertThat(pauses.checks.get()).isEqualTo(1);
        answering.join();
    }

    @Test
    void aServerThatNeverAnswersStillFailsAfterAPause() throws IOException {
        FirstWaitWasAPause pauses = new FirstWaitWasAPause(1, () -> {});

        assertThatThrownBy(input(pauses)::read).isInstanceOf(SocketTimeoutException.class);
        assertThat(pauses.checks.get()).isEqualTo(2);
    }

    private InputStream input(Pauses pauses) throws IOException {
        return new PausedTimeInputStream(
                client.getInputStream(), TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MILLIS), pauses);
    }

    /**
     * Reports the first {@code pausedWaits} timed-out waits as spent paused, from the reader's first question on
     * (so never more than the time that really passed), and runs {@code onCheck} at each timeout.
     */
    private static final class FirstWaitWasAPause implements Pauses {
        private final int pausedWaits;
        private final Runnable onCheck;
        private final AtomicLong firstAsked = new AtomicLong(Long.MIN_VALUE);
        private final AtomicLong paused = new AtomicLong();
        final AtomicInteger checks = new AtomicInteger();

        FirstWaitWasAPause(int pausedWaits, Runnable onCheck) {
            this.pausedWaits = pausedWaits;
            this.onCheck = onCheck;
        }

        @Override
        public long pausedNanos() {
            firstAsked.compareAndSet(Long.MIN_VALUE, System.nanoTime());
            return paused.get();
        }

        @Override
        public void countedUpTo(long nanoTime) {
            if (checks.incrementAndGet() <= pausedWaits) {
                paused.set(nanoTime - firstAsked.get());
            }
            onCheck.run();
        }
    }
}
