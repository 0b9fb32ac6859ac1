package dev.opaquepop.loadgen;

import dev.opaquepop.client.ClientSession;
import dev.opaquepop.pop.PopSigner;
import dev.opaquepop.pop.SignedRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Checks under load that a replay is never accepted: signs one request and sends the identical bytes twice at
 * the same moment from two threads. Exactly one may succeed; the other must be refused with {@code 401
 * replayed_nonce}. Two successes are an accepted replay.
 */
final class ReplayProbe {
    private static final String TRANSFER_BODY = "{\"to\":\"bench-sink\",\"amount\":\"0.01\"}";

    /** What the probes found. */
    record Result(int pairs, int acceptedReplays, int errors, List<String> errorSamples) {
        static final Result NONE = new Result(0, 0, 0, List.of());

        Result plus(Result other) {
            List<String> samples = new ArrayList<>(errorSamples);
            other.errorSamples.stream().limit(Math.max(0, 5 - samples.size())).forEach(samples::add);
            return new Result(
                    pairs + other.pairs,
                    acceptedReplays + other.acceptedReplays,
                    errors + other.errors,
                    List.copyOf(samples));
        }
    }

    private final HttpClient http;
    private final PopSigner signer;

    ReplayProbe(HttpClient http, PopSigner signer) {
        this.http = http;
        this.signer = signer;
    }

    /** One probe pair per session, with {@code POST /api/transfer} when {@code transfer}, else {@code GET /api/me}. */
    Result run(URI base, List<ClientSession> sessions, boolean transfer) throws InterruptedException {
        int accepted = 0;
        int errors = 0;
        List<String> samples = new ArrayList<>();
        for (ClientSession session : sessions) {
            String problem = pair(base, session, transfer);
            if (problem == null) {
                continue;
            }
            if (problem.equals("accepted")) {
                accepted++;
            } else {
                errors++;
            }
            if (samples.size() < 5) {
                samples.add(problem);
            }
        }
        return new Result(sessions.size(), accepted, errors, List.copyOf(samples));
    }

    /** Null when exactly one of the two was accepted and the other refused as a replay. */
    private String pair(URI base, ClientSession session, boolean transfer) throws InterruptedException {
        String method = transfer ? "POST" : "GET";
        String target = transfer ? "/api/transfer" : "/api/me";
        byte[] body = transfer ? TRANSFER_BODY.getBytes(StandardCharsets.UTF_8) : new byte[0];
        SignedRequest signed = signer.sign(session.sessionId(), session.popKey(), method, target, body);
        HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve(target))
                .timeout(Duration.ofSeconds(30))
                .method(
                        method,
                        transfer ? HttpRequest.BodyPublishers.ofByteArray(body) : HttpRequest.BodyPublishers.noBody());
        if (transfer) {
            builder.header("Content-Type", "application/json");
        }
        signed.headers().forEach(builder::header);
        HttpRequest request = builder.build();

        CountDownLatch go = new CountDownLatch(1);
        AtomicInteger successes = new AtomicInteger();
        AtomicInteger replayRefusals = new AtomicInteger();
        List<String> other = new ArrayList<>();
        Runnable send = () -> {
            try {
                go.await();
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() / 100 == 2) {
                    successes.incrementAndGet();
                } else if (response.statusCode() == 401 && response.body().contains("\"replayed_nonce\"")) {
                    replayRefusals.incrementAndGet();
                } else {
                    synchronized (other) {
                        other.add("HTTP " + response.statusCode() + " " + response.body());
                    }
                }
            } catch (IOException e) {
                synchronized (other) {
                    other.add(e.toString());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        Thread first = Thread.ofPlatform().daemon().start(send);
        Thread second = Thread.ofPlatform().daemon().start(send);
        go.countDown();
        first.join();
        second.join();
        if (successes.get() > 1) {
            return "accepted";
        }
        if (successes.get() == 1 && replayRefusals.get() == 1) {
            return null;
        }
        synchronized (other) {
            return "replay probe on " + target + ": " + successes.get() + " accepted, " + replayRefusals.get()
                    + " refused as replays" + (other.isEmpty() ? "" : ", " + other.get(0));
        }
    }
}
