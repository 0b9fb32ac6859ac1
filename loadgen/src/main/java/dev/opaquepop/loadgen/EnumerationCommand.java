package dev.opaquepop.loadgen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opaquepop.client.OpaquePopClient;
import dev.opaquepop.client.OpaquePopClientException;
import dev.opaquepop.opaque.OpaqueClient;
import dev.opaquepop.opaque.OpaqueConfig;
import dev.opaquepop.opaque.OpaqueException;
import dev.opaquepop.pop.Base64Url;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bench enumeration}: can a client tell a registered username from an unregistered one by its
 * {@code login/start}? Sends many of each, one at a time, in a random order, and compares everything a client
 * sees: the status, the header names, the body's fields and their lengths (all must be identical) and the
 * latency (medians, their difference with a bootstrap interval, and a Mann-Whitney U test).
 *
 * <p>Every login/start is followed, untimed, by a login/finish with a KE3 that cannot verify, for known and unknown
 * users alike, so pending logins do not pile up and both classes leave the server in the same state. Run it
 * against a server with {@code --rate-limit off}: a guessing limit would (rightly) answer 429 long before the
 * samples are in.
 */
@Command(
        name = "enumeration",
        mixinStandardHelpOptions = true,
        description = {
            "Compares login/start for registered and unregistered usernames: response shape (must be identical) and"
                    + " latency (difference of medians, bootstrap 95%% interval, Mann-Whitney U test).",
            "Exit code 1 when any response differs in shape or fails; the timing verdict is reported, not enforced."
        })
public final class EnumerationCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int KE3_LENGTH = 64;
    /** The one header whose value must vary; ASCII case-insensitive. */
    private static final java.util.regex.Pattern DATE = java.util.regex.Pattern.compile("(?i)date");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--server",
            paramLabel = "URL",
            description = "The server (started with --rate-limit off). Default: one started in this process.")
    URI server;

    @Option(
            names = "--users",
            defaultValue = "16",
            description = "Registered usernames, and as many unregistered ones, taken in turn (default"
                    + " ${DEFAULT-VALUE}).")
    int users;

    @Option(
            names = "--samples",
            defaultValue = "2000",
            description = "Measured login/starts per class (default ${DEFAULT-VALUE}).")
    int samples;

    @Option(
            names = "--warmup",
            defaultValue = "300",
            description = "Unmeasured login/starts per class first, for the JIT (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(
            names = "--alpha",
            defaultValue = "0.01",
            description = "Significance level of the test (default ${DEFAULT-VALUE}).")
    double alpha;

    @Mixin
    OutputOption out;

    @Mixin
    TimeoutOption timeout;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        if (users < 1 || samples < 10 || warmup < 0 || !(alpha > 0 && alpha < 1)) {
            err.println("opaque-pop bench enumeration: need --users ≥ 1, --samples ≥ 10, --warmup ≥ 0,"
                    + " 0 < --alpha < 1");
            return 2;
        }
        if (timeout.problem() != null) {
            err.println("opaque-pop bench enumeration: " + timeout.problem());
            return 2;
        }
        if (server != null) {
            return measure(server);
        }
        return LocalServer.run(err, this::measure);
    }

    private int measure(URI base) throws IOException, InterruptedException, OpaquePopClientException, OpaqueException {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter stdout = spec.commandLine().getOut();
        SecureRandom random = LocalServer.random();
        Progress progress = new Progress(err, Progress.onTerminal());
        Users known = new Users(random, users);
        Users unknown = new Users(random, users);
        try (HttpClient http = BenchClient.http(timeout.timeout);
                OpaquePopClient client = BenchClient.sdk(base, http, random, timeout.timeout)) {
            known.registerAll(client, progress, "register " + users + " users");
            Prober prober = new Prober(http, base, random, timeout.timeout);
            run(prober, known, unknown, warmup, random, progress, "warm-up", null, null);
            List<Probe> knownProbes = new ArrayList<>();
            List<Probe> unknownProbes = new ArrayList<>();
            run(prober, known, unknown, samples, random, progress, "login/start", knownProbes, unknownProbes);
            EnumerationReport report = EnumerationReport.of(base, knownProbes, unknownProbes, alpha, random);
            String markdown = report.write(out.directory);
            stdout.println(markdown);
            stdout.println(
                    "results: " + out.directory.resolve("enumeration.json") + ", enumeration.md, enumeration.png");
            stdout.flush();
            if (!report.shapesIdentical() || report.failures() > 0) {
                err.println("opaque-pop bench enumeration: responses differ between known and unknown users or"
                        + " failed; see the report");
                return 1;
            }
            return 0;
        }
    }

    /** {@code count} probes of each class in a random order, so drift and disturbances hit both alike. */
    private static void run(
            Prober prober,
            Users known,
            Users unknown,
            int count,
            SecureRandom random,
            Progress progress,
            String label,
            List<Probe> knownOut,
            List<Probe> unknownOut)
            throws IOException, InterruptedException, OpaqueException {
        List<Boolean> order = new ArrayList<>(2 * count);
        for (int i = 0; i < count; i++) {
            order.add(Boolean.TRUE);
            order.add(Boolean.FALSE);
        }
        Collections.shuffle(order, random);
        int[] done = new int[1];
        Progress.Phase phase = progress.start(label, 0, () -> done[0], () -> 0);
        int nextKnown = 0;
        int nextUnknown = 0;
        try {
            for (Iterator<Boolean> it = order.iterator(); it.hasNext(); done[0]++) {
                boolean isKnown = it.next();
                Probe probe = isKnown
                        ? prober.probe(known.name(nextKnown++ % known.count()))
                        : prober.probe(unknown.name(nextUnknown++ % unknown.count()));
                List<Probe> sink = isKnown ? knownOut : unknownOut;
                if (sink != null) {
                    sink.add(probe);
                }
                phase.tick();
            }
        } finally {
            phase.finish();
        }
    }

    /** One timed login/start: its latency and the shape of what came back. */
    record Probe(long nanos, int status, String shape) {}

    /** Sends one login/start (timed) and one login/finish that cannot succeed (untimed). */
    private static final class Prober {
        private final HttpClient http;
        private final URI start;
        private final URI finish;
        private final SecureRandom random;
        private final OpaqueClient opaque;
        private final Duration timeout;

        Prober(HttpClient http, URI base, SecureRandom random, Duration timeout) {
            this.http = http;
            this.timeout = timeout;
            this.start = base.resolve("/login/start");
            this.finish = base.resolve("/login/finish");
            this.random = random;
            this.opaque = new OpaqueClient(OpaqueConfig.defaults(), random);
        }

        Probe probe(String username) throws IOException, InterruptedException, OpaqueException {
            // The password is irrelevant: the login is never finished properly. KE1 is built before the clock runs.
            byte[] ke1 = opaque.startLogin(new byte[] {'x'}).ke1().encode();
            ObjectNode body = JSON.createObjectNode().put("username", username).put("ke1", Base64Url.encode(ke1));
            HttpRequest request = post(start, body, timeout);
            long before = System.nanoTime();
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            long nanos = System.nanoTime() - before;
            String shape = shape(response);
            if (response.statusCode() == 200) {
                JsonNode answer = JSON.readTree(response.body());
                byte[] ke3 = new byte[KE3_LENGTH];
                random.nextBytes(ke3);
                ObjectNode done = JSON.createObjectNode()
                        .put("login_id", answer.path("login_id").asText())
                        .put("ke3", Base64Url.encode(ke3));
                http.send(post(finish, done, timeout), HttpResponse.BodyHandlers.discarding());
            }
            return new Probe(nanos, response.statusCode(), shape);
        }

        private static HttpRequest post(URI uri, ObjectNode body, Duration timeout) throws IOException {
            return HttpRequest.newBuilder(uri)
                    .timeout(timeout)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
                    .build();
        }

        /**
         * Everything but the values that must differ: status, header names with the values that should not vary
         * (content type and length), and the body's fields with the lengths of their values.
         */
        private static String shape(HttpResponse<byte[]> response) {
            // The JDK's header map is case-insensitive and names arrive as the server sent them.
            Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            response.headers()
                    .map()
                    .forEach((name, values) ->
                            headers.put(name, DATE.matcher(name).matches() ? "*" : String.join(",", values)));
            TreeSet<String> fields = new TreeSet<>();
            try {
                JsonNode body = JSON.readTree(response.body());
                body.properties()
                        .forEach(field -> fields.add(
                                field.getKey() + ":" + field.getValue().asText().length()));
            } catch (IOException e) {
                fields.add("unparsable body of " + response.body().length + " bytes");
            }
            return response.statusCode() + " " + headers + " " + fields;
        }
    }
}
