package dev.opaquepop.loadgen;

import dev.opaquepop.client.ClientSession;
import dev.opaquepop.client.OpaquePopClientException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bench calls}: establishes sessions, then measures unauthenticated {@code GET /healthz} and PoP-signed
 * {@code GET /api/me} (and optionally {@code POST /api/transfer}) at each concurrency level, back to back on
 * the same server, so the cost of proof of possession shows as a ratio measured side by side. {@code --path} and
 * {@code --public-path} add signed and unsigned GETs of any paths, e.g. an application's endpoint and its public
 * twin.
 */
@Command(
        name = "calls",
        mixinStandardHelpOptions = true,
        description = {
            "PoP-signed calls (each with a fresh nonce) against GET /healthz on the same servers in the same run:"
                    + " calls/s, latency percentiles, server CPU per call, and the signed/unsigned throughput ratio.",
            "Sessions are established first (identity KSF on the client)."
        })
public final class CallsCommand implements Callable<Integer>, LoadRun.Study {
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

    private static final byte[] TRANSFER_BODY =
            "{\"to\":\"bench-sink\",\"amount\":\"0.01\"}".getBytes(StandardCharsets.UTF_8);
    private static final List<String> OPERATIONS = List.of("healthz", "me", "transfer");

    @Option(
            names = "--sessions",
            defaultValue = "64",
            description = "Sessions established on each server before the calls (default ${DEFAULT-VALUE}).")
    int sessions;

    @Option(
            names = "--transfers",
            description = "Also measure signed POST /api/transfer (each one is booked by the server).")
    boolean transfers;

    @Option(
            names = "--operations",
            split = ",",
            paramLabel = "OP,OP,...",
            description = "Measure only these of healthz, me, transfer (default: healthz,me, plus transfer with"
                    + " --transfers), e.g. to profile one kind of request alone.")
    List<String> only;

    @Option(
            names = "--path",
            paramLabel = "NAME=PATH",
            description = "Also measure a PoP-signed GET of PATH (an application's own endpoint), reported as NAME;"
                    + " repeatable. With --path or --public-path, healthz and me run only if --operations names"
                    + " them.")
    Map<String, String> signedPaths = new LinkedHashMap<>();

    @Option(
            names = "--public-path",
            paramLabel = "NAME=PATH",
            description = "Also measure an unsigned GET of PATH (e.g. the public twin of a --path), reported as NAME;"
                    + " repeatable.")
    Map<String, String> publicPaths = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        return run().call();
    }

    private LoadRun run() {
        return new LoadRun(spec, this, servers, schedule, load, out, timeout);
    }

    @Override
    public String kind() {
        return "calls";
    }

    @Override
    public String problem() {
        if (sessions < 1) {
            return "--sessions must be at least 1";
        }
        if (only != null && (only.isEmpty() || !OPERATIONS.containsAll(only))) {
            return "--operations takes healthz, me and transfer";
        }
        List<String> named = new ArrayList<>(OPERATIONS);
        for (Map.Entry<String, String> path : paths().entrySet()) {
            if (named.contains(path.getKey()) || path.getKey().isBlank()) {
                return "--path and --public-path need a NAME of their own: " + path.getKey();
            }
            named.add(path.getKey());
            if (!path.getValue().startsWith("/")) {
                return "--path and --public-path take NAME=/path, not " + path.getKey() + "=" + path.getValue();
            }
        }
        if (signedPaths.keySet().stream().anyMatch(publicPaths::containsKey)) {
            return "--path and --public-path need a NAME of their own";
        }
        if (operations().isEmpty()) {
            return "nothing to measure";
        }
        return null;
    }

    List<String> operations() {
        List<String> operations = new ArrayList<>();
        if (only != null) {
            OPERATIONS.stream().filter(only::contains).forEach(operations::add);
        } else if (paths().isEmpty()) {
            operations.addAll(transfers ? OPERATIONS : OPERATIONS.subList(0, 2));
        } else if (transfers) {
            operations.add("transfer");
        }
        operations.addAll(paths().keySet());
        return operations;
    }

    /** The --path and --public-path operations, in the order given. */
    private Map<String, String> paths() {
        Map<String, String> paths = new LinkedHashMap<>(signedPaths);
        paths.putAll(publicPaths);
        return paths;
    }

    @Override
    public Report run(List<Server> servers, Context context) throws OpaquePopClientException, InterruptedException {
        List<List<ClientSession>> sessionSets = new ArrayList<>();
        for (Server server : servers) {
            Users set = new Users(context.random(), sessions);
            set.registerAll(server.client(), context.progress(), server.name() + ": register " + sessions + " users");
            sessionSets.add(set.loginAll(server.client(), context.progress(), server.name() + ": log in " + sessions));
        }
        List<String> operations = operations();
        for (int s = 0; s < servers.size(); s++) {
            for (String name : operations) {
                context.prime(servers.get(s), operation(name, servers.get(s), sessionSets.get(s)));
            }
        }
        List<Row> rows = new ArrayList<>();
        ReplayProbe.Result probes = ReplayProbe.Result.NONE;
        for (int level : schedule.concurrency) {
            for (int s = 0; s < servers.size(); s++) {
                Server server = servers.get(s);
                List<ClientSession> live = sessionSets.get(s);
                // The operations take turns, slice by slice, so a disturbance on the machine hits them alike.
                Map<String, Operation> byName = new LinkedHashMap<>();
                Map<String, CpuClock> clocks = new LinkedHashMap<>();
                for (String name : operations) {
                    byName.put(name, operation(name, server, live));
                    clocks.put(name, server.cpu());
                }
                Map<String, Measurement> measured =
                        context.scheduler().interleaved(server.name() + " ", level, level, byName, clocks);
                measured.forEach((name, measurement) ->
                        rows.add(new Row(server.name(), name, level, measurement, OptionalDouble.empty())));
                List<ClientSession> probed = LoadRun.cycle(live, context.replayProbes());
                probes = probes.plus(context.probe().run(server.base(), probed, false));
                if (operations.contains("transfer")) {
                    probes = probes.plus(context.probe().run(server.base(), probed, true));
                }
            }
        }
        List<String> names = servers.stream().map(Server::name).toList();
        LoadResults.Settings settings = run().settings(new LoadResults.Settings(
                List.of(), 0, 0, 0, 0, 0, null, sessions, transfers, operations, signedPaths, publicPaths, null));
        return new Report(
                kind(), settings, LoadRun.serverInfo(servers), null, LoadRun.sorted(rows, names, operations), probes);
    }

    private Operation operation(String name, Server server, List<ClientSession> sessions) {
        AtomicLong next = new AtomicLong();
        String unsigned = name.equals("healthz") ? "/healthz" : publicPaths.get(name);
        HttpRequest health = HttpRequest.newBuilder(
                        server.base().resolve(URI.create(unsigned == null ? "/healthz" : unsigned)))
                .timeout(timeout.timeout)
                .GET()
                .build();
        return new Operation() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void run(int worker) throws OperationFailedException, InterruptedException {
                HttpResponse<byte[]> response;
                try {
                    if (unsigned != null) {
                        response = server.http().send(health, HttpResponse.BodyHandlers.ofByteArray());
                    } else {
                        ClientSession session = sessions.get((int) (next.getAndIncrement() % sessions.size()));
                        if (name.equals("transfer")) {
                            response = server.client().send(session, "POST", "/api/transfer", TRANSFER_BODY);
                        } else {
                            response = server.client()
                                    .send(session, "GET", signedPaths.getOrDefault(name, "/api/me"), null);
                        }
                    }
                } catch (IOException e) {
                    throw new OperationFailedException(name + ": no answer: " + e, e);
                } catch (OpaquePopClientException e) {
                    throw new OperationFailedException(name + ": " + e.getMessage(), e);
                }
                if (response.statusCode() != 200) {
                    String body = new String(response.body(), StandardCharsets.UTF_8);
                    throw new OperationFailedException(name + ": HTTP " + response.statusCode() + " "
                            + body.substring(0, Math.min(200, body.length())));
                }
            }
        };
    }
}
