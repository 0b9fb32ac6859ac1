package dev.opaquepop.loadgen;

import dev.opaquepop.client.ClientSession;
import dev.opaquepop.client.OpaquePopClient;
import dev.opaquepop.client.OpaquePopClientException;
import dev.opaquepop.pop.PopSigner;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What {@code bench logins} and {@code bench calls} share: the servers and their CPU clocks, the concurrency
 * levels, the windows, the output directory, the replay probes, and the exit code (1 when any request failed or
 * any replay was accepted).
 */
public abstract class LoadCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--server",
            paramLabel = "[NAME=]URL",
            description = "A server to drive, repeatable (e.g. opaque-pop=http://127.0.0.1:8080); start an"
                    + " opaque-pop server for this with --rate-limit off, or its limits against password guessing"
                    + " answer 429. Default: one started in this process on a free port, limits off (its CPU then"
                    + " cannot be told from the load's).")
    List<String> servers = new ArrayList<>();

    @Option(
            names = "--server-pid",
            paramLabel = "[NAME=]PID",
            description = "Process id of a local server, to read its CPU time from /proc/PID/stat. Without it the"
                    + " server's /metrics process_cpu_seconds_total is used when it has one.")
    List<String> serverPids = new ArrayList<>();

    @Option(
            names = "--concurrency",
            split = ",",
            defaultValue = "1,2,4,8",
            paramLabel = "N,N,...",
            description = "Requests in flight, one level after the other (default ${DEFAULT-VALUE}).")
    List<Integer> concurrency;

    @Option(
            names = "--duration",
            defaultValue = "10s",
            converter = DurationConverter.class,
            description = "Measured window per server, operation and level (default ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(
            names = "--warmup",
            defaultValue = "2s",
            converter = DurationConverter.class,
            description = "Unmeasured run before each window (default ${DEFAULT-VALUE}).")
    Duration warmup;

    @Option(
            names = "--slices",
            defaultValue = "1",
            description = "Split each window into this many slices, taken in turn with the other operations (calls)"
                    + " or servers (logins) at the same level, so a disturbance hits all of them alike (default"
                    + " ${DEFAULT-VALUE}).")
    int slices;

    @Option(
            names = "--prime",
            defaultValue = "0s",
            converter = DurationConverter.class,
            description = "Once, before the first level: run every operation against every server at the highest"
                    + " level for this long, unmeasured, so servers and load generator are past JIT compilation"
                    + " (default ${DEFAULT-VALUE}; the run-all script uses 15s).")
    Duration prime;

    @Mixin
    OutputOption out;

    @Option(
            names = "--replay-probes",
            defaultValue = "16",
            description = "Pairs of identical signed requests sent at once after each level; exactly one of each"
                    + " pair may be accepted (default ${DEFAULT-VALUE}).")
    int replayProbes;

    @Mixin
    TimeoutOption timeout;

    /** How progress is shown: {@code auto} draws a bar on a terminal and prints lines otherwise. */
    enum ProgressStyle {
        AUTO,
        BAR,
        LINES
    }

    @Option(
            names = "--progress",
            defaultValue = "AUTO",
            description = "auto, bar or lines (default auto: a bar on a terminal, lines otherwise).")
    ProgressStyle progressStyle;

    /** A server ready to be measured: its HTTP client, an SDK client on it, and its CPU clock. */
    record Server(Target target, HttpClient http, OpaquePopClient client, CpuClock cpu) {
        String name() {
            return target.name();
        }

        URI base() {
            return target.base();
        }
    }

    /** What a run needs besides the servers. */
    record Context(Progress progress, LoadRunner runner, ReplayProbe probe, SecureRandom random) {}

    /** The kind of the results: {@code logins} or {@code calls}. */
    abstract String kind();

    /** Prepares every server, measures every level, and returns the report. */
    abstract Report run(List<Server> servers, Context context) throws OpaquePopClientException, InterruptedException;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        String problem = validate();
        if (problem != null) {
            err.println("opaque-pop bench " + kind() + ": " + problem);
            return 2;
        }
        List<Target> targets;
        try {
            targets = Target.parse(servers, serverPids);
        } catch (IllegalArgumentException e) {
            err.println("opaque-pop bench " + kind() + ": " + e.getMessage());
            return 2;
        }
        if (!targets.isEmpty()) {
            return measure(targets);
        }
        return LocalServer.run(err, uri -> measure(List.of(new Target("in-process", uri, null))));
    }

    private String validate() {
        if (concurrency.isEmpty() || concurrency.stream().anyMatch(c -> c < 1 || c > 4096)) {
            return "--concurrency levels must be between 1 and 4096";
        }
        if (duration.isZero()) {
            return "--duration must be positive";
        }
        if (slices < 1 || slices > 100) {
            return "--slices must be between 1 and 100";
        }
        if (replayProbes < 0) {
            return "--replay-probes must not be negative";
        }
        if (timeout.problem() != null) {
            return timeout.problem();
        }
        return validateMore();
    }

    /** Subcommand checks; null when everything is fine. */
    String validateMore() {
        return null;
    }

    private int measure(List<Target> targets) throws OpaquePopClientException, InterruptedException, IOException {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter stdout = spec.commandLine().getOut();
        boolean bar =
                progressStyle == ProgressStyle.BAR || (progressStyle == ProgressStyle.AUTO && Progress.onTerminal());
        Progress progress = new Progress(err, bar);
        SecureRandom random = LocalServer.random();
        List<Server> prepared = new ArrayList<>();
        try {
            for (Target target : targets) {
                HttpClient http = BenchClient.http(timeout.timeout);
                OpaquePopClient client = BenchClient.sdk(target.base(), http, random, timeout.timeout);
                CpuClock cpu = target.pid() != null
                        ? CpuClock.process(target.pid())
                        : CpuClock.firstReadable(CpuClock.metrics(http, target.base()));
                if (target.pid() != null && cpu.seconds().isEmpty()) {
                    err.println("opaque-pop bench " + kind() + ": cannot read " + cpu.source());
                    http.close();
                    return 2;
                }
                prepared.add(new Server(target, http, client, cpu));
                progress.note(target.name() + ": " + target.base() + ", server CPU from " + cpu.source());
            }
            Context context = new Context(
                    progress,
                    new LoadRunner(progress),
                    new ReplayProbe(prepared.get(0).http(), new PopSigner(Clock.systemUTC(), random)),
                    random);
            Report report = run(prepared, context);
            String markdown = report.write(out.directory);
            stdout.println(markdown);
            stdout.println("results: " + out.directory.resolve(kind() + ".json") + ", " + kind() + ".csv, " + kind()
                    + ".md, " + kind() + ".png");
            stdout.flush();
            int errors = report.errors();
            int replays = report.acceptedReplays();
            if (errors > 0 || replays > 0) {
                err.println("opaque-pop bench " + kind() + ": " + errors + " request(s) failed, " + replays
                        + " replay(s) accepted");
                return 1;
            }
            return 0;
        } finally {
            for (Server server : prepared) {
                server.client().close();
                server.http().close();
            }
        }
    }

    /** The settings every load command reports, completed by {@code kindSpecific}. */
    LoadResults.Settings settings(LoadResults.Settings kindSpecific) {
        return new LoadResults.Settings(
                concurrency,
                duration.toMillis() / 1e3,
                warmup.toMillis() / 1e3,
                prime.toMillis() / 1e3,
                slices,
                replayProbes,
                kindSpecific.users(),
                kindSpecific.sessions(),
                kindSpecific.transfers(),
                kindSpecific.operations(),
                kindSpecific.signedPaths(),
                kindSpecific.publicPaths(),
                ReportHeader.CLIENT_KSF);
    }

    /** The servers as the report names them. */
    static List<LoadResults.ServerInfo> serverInfo(List<Server> servers) {
        return servers.stream()
                .map(server -> new LoadResults.ServerInfo(
                        server.name(),
                        server.base().toString(),
                        server.target().pid(),
                        server.cpu().source(),
                        // Signed GETs the JDK's HttpClient sent twice on its own; the SDK signs such a GET again.
                        server.client().resentAfterReplayedNonce()))
                .toList();
    }

    /** {@code count} sessions taken round-robin from the non-null ones (a session may serve several probes). */
    static List<ClientSession> cycle(List<ClientSession> sessions, int count) {
        List<ClientSession> present = sessions.stream().filter(s -> s != null).toList();
        List<ClientSession> out = new ArrayList<>();
        for (int i = 0; i < count && !present.isEmpty(); i++) {
            out.add(present.get(i % present.size()));
        }
        return out;
    }

    /** The length of one slice of a window. */
    Duration slice() {
        return duration.dividedBy(slices);
    }

    /**
     * Measures every (name, operation) pair at one level: a warm-up of each, then {@code --slices} rounds in which
     * each gets one slice in turn (the order rotating from round to round), merged into one measurement each.
     */
    Map<String, Measurement> interleaved(
            Context context, String prefix, int level, Map<String, Operation> operations, Map<String, CpuClock> clocks)
            throws InterruptedException {
        Map<String, List<Measurement>> parts = new LinkedHashMap<>();
        List<String> names = new ArrayList<>(operations.keySet());
        for (String name : names) {
            parts.put(name, new ArrayList<>());
        }
        for (int round = 0; round < slices; round++) {
            for (int i = 0; i < names.size(); i++) {
                String name = names.get((i + round + level) % names.size());
                Duration warm = round == 0 ? warmup : Duration.ZERO;
                String label = prefix + name + " c=" + level + (slices > 1 ? " " + (round + 1) + "/" + slices : "");
                parts.get(name)
                        .add(context.runner().run(label, operations.get(name), level, warm, slice(), clocks.get(name)));
            }
        }
        Map<String, Measurement> merged = new LinkedHashMap<>();
        parts.forEach((name, list) -> merged.put(name, Measurement.merge(list)));
        return merged;
    }

    /** The priming run: each operation at the highest level, unmeasured, when {@code --prime} is set. */
    void prime(Context context, Server server, Operation operation) throws InterruptedException {
        if (prime.isZero()) {
            return;
        }
        int highest = concurrency.stream().max(Integer::compare).orElseThrow();
        context.runner()
                .run(
                        server.name() + " " + operation.name() + " priming",
                        operation,
                        highest,
                        Duration.ZERO,
                        prime,
                        CpuClock.none());
    }

    /** Rows in a readable order: by server, then operation (in the given order), then concurrency. */
    static List<Row> sorted(List<Row> rows, List<String> targets, List<String> operations) {
        return rows.stream()
                .sorted(Comparator.comparingInt((Row row) -> targets.indexOf(row.target()))
                        .thenComparingInt(row -> operations.indexOf(row.operation()))
                        .thenComparingInt(Row::concurrency))
                .toList();
    }
}
