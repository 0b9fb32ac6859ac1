package dev.opaquepop.loadgen;

import dev.opaquepop.client.ClientSession;
import dev.opaquepop.client.OpaquePopClientException;
import dev.opaquepop.opaque.ArithmeticFloor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bench logins}: registers users, then runs full logins (login/start, client KE3, login/finish, PoP key
 * derivation) at each concurrency level against each server, level by level so the servers are measured side by
 * side under the same conditions.
 */
@Command(
        name = "logins",
        mixinStandardHelpOptions = true,
        description = {
            "Full OPAQUE logins against one or more servers: logins/s, latency percentiles, server CPU per login"
                    + " and its ratio to the arithmetic floor (4 variable-base + 1 fixed-base ristretto255"
                    + " multiplications, timed in this run).",
            "Users are registered first with the identity KSF on the client, so the server, not Argon2, is"
                    + " measured; any server speaking the protocol works, since servers never run the KSF."
        })
public final class LoginsCommand implements Callable<Integer>, LoadRun.Study {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ServerOptions servers;

    @Mixin
    ScheduleOptions schedule;

    @Mixin
    LoadOptions load;

    @Mixin
    OutputOption out;

    @Mixin
    TimeoutOption timeout;

    @Option(
            names = "--users",
            defaultValue = "100",
            description = "Users registered on each server before the logins (default ${DEFAULT-VALUE}).")
    int users;

    @Override
    public Integer call() throws Exception {
        return run().call();
    }

    private LoadRun run() {
        return new LoadRun(spec, this, servers, schedule, load, out, timeout);
    }

    @Override
    public String kind() {
        return "logins";
    }

    @Override
    public String problem() {
        return users < 1 ? "--users must be at least 1" : null;
    }

    /** A full login of the next user in turn; the session it yields is kept for the replay probes. */
    private static Operation login(Server server, Users set, ClientSession[] last) {
        AtomicLong next = new AtomicLong();
        return new Operation() {
            @Override
            public String name() {
                return "login";
            }

            @Override
            public void run(int worker) throws OperationFailedException {
                int user = (int) (next.getAndIncrement() % set.count());
                try {
                    last[worker] = server.client().login(set.name(user), set.password(user));
                } catch (OpaquePopClientException e) {
                    throw new OperationFailedException("login: HTTP " + e.status() + " " + e.code(), e);
                }
            }
        };
    }

    @Override
    public Report run(List<Server> servers, Context context) throws OpaquePopClientException, InterruptedException {
        ArithmeticFloor.Units units = ArithmeticFloor.Units.measure();
        double floorMicros = ArithmeticFloor.SERVER_LOGIN.micros(units);
        context.progress()
                .note(String.format(
                        Locale.ROOT,
                        "arithmetic floor of a server login: %d × %.1f µs + %d × %.1f µs = %.1f µs",
                        ArithmeticFloor.SERVER_LOGIN.variableBase(),
                        units.variableBaseMicros(),
                        ArithmeticFloor.SERVER_LOGIN.fixedBase(),
                        units.fixedBaseMicros(),
                        floorMicros));
        int maxConcurrency = context.scheduler().highest();
        List<Users> userSets = new ArrayList<>();
        for (Server server : servers) {
            Users set = new Users(context.random(), users);
            set.registerAll(server.client(), context.progress(), server.name() + ": register " + users + " users");
            userSets.add(set);
        }
        List<ClientSession[]> lastSessions = new ArrayList<>();
        List<Operation> logins = new ArrayList<>();
        for (int s = 0; s < servers.size(); s++) {
            ClientSession[] last = new ClientSession[maxConcurrency];
            lastSessions.add(last);
            logins.add(login(servers.get(s), userSets.get(s), last));
            context.prime(servers.get(s), logins.get(s));
        }
        List<Row> rows = new ArrayList<>();
        ReplayProbe.Result probes = ReplayProbe.Result.NONE;
        Map<String, Operation> byServer = new LinkedHashMap<>();
        Map<String, CpuClock> clocks = new LinkedHashMap<>();
        for (int s = 0; s < servers.size(); s++) {
            byServer.put(servers.get(s).name(), logins.get(s));
            clocks.put(servers.get(s).name(), servers.get(s).cpu());
        }
        for (int level : schedule.concurrency) {
            lastSessions.forEach(last -> Arrays.fill(last, null));
            // The servers take turns, slice by slice, so a disturbance on the machine hits them alike.
            Map<String, Measurement> measured =
                    context.scheduler().interleaved("login ", level, level, byServer, clocks);
            for (int s = 0; s < servers.size(); s++) {
                Server server = servers.get(s);
                rows.add(new Row(
                        server.name(), "login", level, measured.get(server.name()), OptionalDouble.of(floorMicros)));
                probes = probes.plus(context.probe()
                        .run(
                                server.base(),
                                LoadRun.cycle(Arrays.asList(lastSessions.get(s)), context.replayProbes()),
                                false));
            }
        }
        LoadResults.Floor floor = new LoadResults.Floor(
                units.variableBaseMicros(),
                units.fixedBaseMicros(),
                floorMicros,
                "a server login needs 4 variable-base (OPRF evaluation, 3 DH) and 1 fixed-base (ephemeral keyshare)"
                        + " ristretto255 multiplications; timed here with libsodium, on one thread, before the load");
        LoadResults.Settings settings = run().settings(
                        new LoadResults.Settings(List.of(), 0, 0, 0, 0, 0, users, null, null, null, null, null, null));
        List<String> names = servers.stream().map(Server::name).toList();
        return new Report(
                kind(),
                settings,
                LoadRun.serverInfo(servers),
                floor,
                LoadRun.sorted(rows, names, List.of("login")),
                probes);
    }
}
