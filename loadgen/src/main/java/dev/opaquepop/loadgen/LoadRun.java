package dev.opaquepop.loadgen;

import dev.opaquepop.client.ClientSession;
import dev.opaquepop.client.OpaquePopClient;
import dev.opaquepop.client.OpaquePopClientException;
import dev.opaquepop.opaque.OpaqueException;
import dev.opaquepop.pop.PopSigner;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The run {@code bench logins} and {@code bench calls} share, composed from their option mixins: check the options,
 * find or start the servers and their CPU clocks, let the command measure, write the report, and answer the exit
 * code (2 for bad options, 1 when any request failed or any replay was accepted).
 */
final class LoadRun {
    /** What one command measures. */
    interface Study {
        /** {@code logins} or {@code calls}: the name of the result files. */
        String kind();

        /** A problem with the command's own options, or null. */
        String problem();

        /** Prepares every server, measures every level, and returns the report. */
        Report run(List<Server> servers, Context context) throws OpaquePopClientException, InterruptedException;
    }

    private final CommandSpec spec;
    private final Study study;
    private final ServerOptions servers;
    private final ScheduleOptions schedule;
    private final LoadOptions load;
    private final OutputOption out;
    private final TimeoutOption timeout;

    LoadRun(
            CommandSpec spec,
            Study study,
            ServerOptions servers,
            ScheduleOptions schedule,
            LoadOptions load,
            OutputOption out,
            TimeoutOption timeout) {
        this.spec = spec;
        this.study = study;
        this.servers = servers;
        this.schedule = schedule;
        this.load = load;
        this.out = out;
        this.timeout = timeout;
    }

    int call() throws IOException, InterruptedException, OpaquePopClientException, OpaqueException {
        PrintWriter err = spec.commandLine().getErr();
        String problem = problem();
        if (problem != null) {
            err.println("opaque-pop bench " + study.kind() + ": " + problem);
            return 2;
        }
        List<Target> targets;
        try {
            targets = servers.targets();
        } catch (IllegalArgumentException e) {
            err.println("opaque-pop bench " + study.kind() + ": " + e.getMessage());
            return 2;
        }
        if (!targets.isEmpty()) {
            return measure(targets);
        }
        return LocalServer.run(err, uri -> measure(List.of(new Target("in-process", uri, null))));
    }

    private String problem() {
        String problem = schedule.problem();
        if (problem == null && load.replayProbes < 0) {
            problem = "--replay-probes must not be negative";
        }
        if (problem == null) {
            problem = timeout.problem();
        }
        return problem == null ? study.problem() : problem;
    }

    private int measure(List<Target> targets) throws OpaquePopClientException, InterruptedException, IOException {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter stdout = spec.commandLine().getOut();
        String kind = study.kind();
        Progress progress = new Progress(err, load.bar());
        SecureRandom random = LocalServer.random();
        List<Server> prepared = new ArrayList<>();
        try {
            for (Target target : targets) {
                HttpClient http = BenchClient.http(timeout.timeout);
                OpaquePopClient client = BenchClient.sdk(target.base(), http, random, timeout.timeout);
                CpuClock cpu = CpuClock.of(target, http);
                if (target.pid() != null && cpu.seconds().isEmpty()) {
                    err.println("opaque-pop bench " + kind + ": cannot read " + cpu.source());
                    http.close();
                    return 2;
                }
                prepared.add(new Server(target, http, client, cpu));
                progress.note(target.name() + ": " + target.base() + ", server CPU from " + cpu.source());
            }
            Context context = new Context(
                    progress,
                    schedule.scheduler(new LoadRunner(progress)),
                    new ReplayProbe(prepared.get(0).http(), new PopSigner(Clock.systemUTC(), random)),
                    random,
                    load.replayProbes,
                    schedule.prime);
            Report report = study.run(prepared, context);
            String markdown = report.write(out.directory);
            stdout.println(markdown);
            stdout.println("results: " + out.directory.resolve(kind + ".json") + ", " + kind + ".csv, " + kind + ".md, "
                    + kind + ".png");
            stdout.flush();
            int errors = report.errors();
            int replays = report.acceptedReplays();
            if (errors > 0 || replays > 0) {
                err.println("opaque-pop bench " + kind + ": " + errors + " request(s) failed, " + replays
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

    /** The settings every load command reports, completed by the command's own in {@code kindSpecific}. */
    LoadResults.Settings settings(LoadResults.Settings kindSpecific) {
        return new LoadResults.Settings(
                schedule.concurrency,
                schedule.duration.toMillis() / 1e3,
                schedule.warmup.toMillis() / 1e3,
                schedule.prime.toMillis() / 1e3,
                schedule.slices,
                load.replayProbes,
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

    /** Rows in a readable order: by server, then operation (in the given order), then concurrency. */
    static List<Row> sorted(List<Row> rows, List<String> targets, List<String> operations) {
        return rows.stream()
                .sorted(Comparator.comparingInt((Row row) -> targets.indexOf(row.target()))
                        .thenComparingInt(row -> operations.indexOf(row.operation()))
                        .thenComparingInt(Row::concurrency))
                .toList();
    }
}
