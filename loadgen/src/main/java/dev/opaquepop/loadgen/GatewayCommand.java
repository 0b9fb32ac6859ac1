package dev.opaquepop.loadgen;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.opaquepop.client.ClientSession;
import dev.opaquepop.client.OpaquePopClient;
import dev.opaquepop.client.OpaquePopClientException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bench gateway}: what the gateway adds per signed call. It starts three processes of its own (see {@link
 * GatewayBenchProcesses}): a trivial upstream, a gateway in front of it and, as a baseline, Jetty's bare reverse
 * proxy in front of it too. At each level it alternates slice by slice between four modes: {@code upstream}, plain
 * {@code GET /hello} straight to the upstream; {@code bare-proxy}, the same through Jetty's proxy; {@code
 * forward-only}, plain {@code GET /public/hello} through the gateway (a public path: forwarded without a check or
 * an assertion); and {@code gateway}, {@code GET /hello} PoP-signed through the gateway. The CPU of each process is
 * read from {@code /proc/PID/stat} around each slice. The ratio the issue sets a goal for is the gateway's CPU per
 * call over the upstream's own; the two middle modes say how much of it any proxy on this HTTP stack pays.
 */
@Command(
        name = "gateway",
        mixinStandardHelpOptions = true,
        description = {
            "CPU and latency the gateway (server --upstream) adds per signed call: a trivial upstream alone vs the"
                    + " same upstream behind Jetty's bare reverse proxy, behind the gateway on a public path"
                    + " (forwarding only) and behind the gateway signed, all started by this command and"
                    + " alternated in one run.",
            "Exit code 1 when any request failed."
        })
public final class GatewayCommand implements Callable<Integer> {
    private static final String HELLO = "/hello";
    /** The modes, in the order of the report: the upstream alone, then through each process in front of it. */
    enum Mode {
        UPSTREAM("upstream", "plain, upstream alone"),
        BARE_PROXY("bare-proxy", "plain, through Jetty's bare reverse proxy"),
        FORWARD_ONLY("forward-only", "plain, through the gateway on a public path (forwarding only)"),
        GATEWAY("gateway", "signed, through the gateway");

        /** Its name in the progress lines and in {@code gateway.json}. */
        final String key;

        final String label;

        Mode(String key, String label) {
            this.key = key;
            this.label = label;
        }

        static Mode of(String key) {
            for (Mode mode : values()) {
                if (mode.key.equals(key)) {
                    return mode;
                }
            }
            throw new IllegalArgumentException(key);
        }
    }

    /** What a mode sends, and the process its CPU is read from. */
    private record Driven(Operation operation, CpuClock cpu) {}

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--concurrency",
            split = ",",
            defaultValue = "1,8",
            paramLabel = "N,N,...",
            description = "Requests in flight, one level after the other (default ${DEFAULT-VALUE}).")
    List<Integer> concurrency;

    @Option(
            names = "--duration",
            defaultValue = "20s",
            converter = DurationConverter.class,
            description = "Measured time per mode and level, split into --slices (default ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(
            names = "--slices",
            defaultValue = "4",
            description = "Slices per mode and level, the modes taking turns (default ${DEFAULT-VALUE}).")
    int slices;

    @Option(
            names = "--warmup",
            defaultValue = "10s",
            converter = DurationConverter.class,
            description = "Unmeasured run of each mode at the highest level first (default ${DEFAULT-VALUE}).")
    Duration warmup;

    @Option(
            names = "--sessions",
            defaultValue = "16",
            description = "Sessions logged in to the gateway, used in turn (default ${DEFAULT-VALUE}).")
    int sessions;

    @Mixin
    OutputOption out;

    @Mixin
    TimeoutOption timeout;

    /** One child JVM and the port it listens on. */
    private record Child(Process process, int port) implements AutoCloseable {
        CpuClock cpu() {
            return CpuClock.process(process.pid());
        }

        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    private record Children(Child upstream, Child gateway, Child bareProxy) {}

    /** One mode at one level: the load generator's measurement, with the upstream's CPU read beside it. */
    record Sample(String mode, int level, Measurement measured, double upstreamCpuSeconds) {}

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        String problem = Scheduler.problem(concurrency, 1024, duration, slices);
        if (problem != null) {
            err.println("opaque-pop bench gateway: " + problem);
            return 2;
        }
        if (sessions < 1 || timeout.problem() != null) {
            err.println("opaque-pop bench gateway: --duration, --slices (1-100), --sessions and --timeout must be"
                    + " positive");
            return 2;
        }
        Progress progress = new Progress(err, Progress.onTerminal());
        try (Child upstream = child(List.of("upstream"));
                Child gateway = child(List.of("gateway", Integer.toString(upstream.port())));
                Child bareProxy = child(List.of("bare-proxy", Integer.toString(upstream.port())));
                HttpClient http = BenchClient.http(timeout.timeout)) {
            progress.note("upstream pid " + upstream.process().pid() + " on port " + upstream.port() + ", gateway pid "
                    + gateway.process().pid() + " on port " + gateway.port() + ", bare proxy pid "
                    + bareProxy.process().pid() + " on port " + bareProxy.port());
            return measure(progress, http, new Children(upstream, gateway, bareProxy));
        }
    }

    private int measure(Progress progress, HttpClient http, Children children)
            throws InterruptedException, OpaquePopClientException, IOException {
        Child upstream = children.upstream();
        Child gateway = children.gateway();
        URI gatewayBase = URI.create("http://127.0.0.1:" + gateway.port());
        try (OpaquePopClient client = BenchClient.sdk(gatewayBase, http, LocalServer.random(), timeout.timeout)) {
            Users users = new Users(LocalServer.random(), sessions);
            users.registerAll(client, progress, "gateway: register " + sessions + " users");
            List<ClientSession> live = users.loginAll(client, progress, "gateway: log in " + sessions);
            Child bare = children.bareProxy();
            Map<String, Driven> modes = new LinkedHashMap<>();
            for (Mode mode : Mode.values()) {
                modes.put(
                        mode.key,
                        switch (mode) {
                            case UPSTREAM -> new Driven(plain(mode, http, upstream, HELLO), upstream.cpu());
                            case BARE_PROXY -> new Driven(plain(mode, http, bare, HELLO), bare.cpu());
                            case FORWARD_ONLY ->
                                new Driven(
                                        plain(mode, http, gateway, GatewayBenchProcesses.PUBLIC_PREFIX + HELLO),
                                        gateway.cpu());
                            case GATEWAY -> new Driven(signed(client, live), gateway.cpu());
                        });
            }

            // Each mode warms up once, at the highest level; the slices of a level then follow without warm-up.
            LoadRunner runner = new LoadRunner(progress);
            Scheduler scheduler = new Scheduler(runner, concurrency, duration, Duration.ZERO, slices);
            for (Map.Entry<String, Driven> mode : modes.entrySet()) {
                scheduler.unmeasured(mode.getKey() + " warm-up", mode.getValue().operation(), warmup);
            }
            String loadBefore = loadAverage();
            List<Sample> samples = new ArrayList<>();
            CpuClock upstreamCpu = upstream.cpu();
            for (int level : concurrency) {
                Map<String, Double> upstreamSeconds = new LinkedHashMap<>();
                // The order alternates from round to round (not by level), so neither mode always runs first.
                Map<String, Measurement> measured =
                        scheduler.interleaved("", level, 0, List.copyOf(modes.keySet()), (name, label, warm, slice) -> {
                            double before = upstreamCpu.seconds().orElse(Double.NaN);
                            Driven driven = modes.get(name);
                            Measurement part = runner.run(label, driven.operation(), level, warm, slice, driven.cpu());
                            upstreamSeconds.merge(name, upstreamCpu.seconds().orElse(Double.NaN) - before, Double::sum);
                            return part;
                        });
                measured.forEach((name, m) -> samples.add(new Sample(name, level, m, upstreamSeconds.get(name))));
            }
            String loadAfter = loadAverage();
            write(samples, children, loadBefore, loadAfter);
            int errors = samples.stream().mapToInt(s -> s.measured().errors()).sum();
            if (errors > 0) {
                spec.commandLine().getErr().println("opaque-pop bench gateway: " + errors + " request(s) failed");
                return 1;
            }
            return 0;
        }
    }

    /** An unsigned {@code GET path} to {@code to}. */
    private Operation plain(Mode mode, HttpClient http, Child to, String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + to.port() + path))
                .timeout(timeout.timeout)
                .GET()
                .build();
        return operation(mode.key, () -> http.send(request, HttpResponse.BodyHandlers.ofByteArray()));
    }

    private static Operation signed(OpaquePopClient client, List<ClientSession> live) {
        AtomicLong next = new AtomicLong();
        return operation(
                Mode.GATEWAY.key,
                () -> client.send(live.get((int) (next.getAndIncrement() % live.size())), "GET", HELLO, null));
    }

    /** A request that must answer 200. */
    @FunctionalInterface
    private interface Send {
        HttpResponse<byte[]> send() throws IOException, InterruptedException, OpaquePopClientException;
    }

    private static Operation operation(String name, Send send) {
        return new Operation() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void run(int worker) throws OperationFailedException, InterruptedException {
                HttpResponse<byte[]> response;
                try {
                    response = send.send();
                } catch (IOException | OpaquePopClientException e) {
                    throw new OperationFailedException(name + ": " + e, e);
                }
                if (response.statusCode() != 200) {
                    throw new OperationFailedException(name + ": HTTP " + response.statusCode());
                }
            }
        };
    }

    /** Starts this jar's {@link GatewayBenchProcesses} with {@code args} and waits for its {@code port N}. */
    private static Child child(List<String> args) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(
                List.of(java, "-cp", System.getProperty("java.class.path"), GatewayBenchProcesses.class.getName()));
        command.addAll(args);
        Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> firstLine(process));
        String line;
        try {
            line = first.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            line = null;
        }
        if (line == null || !line.startsWith("port ")) {
            process.destroyForcibly();
            throw new IOException(args.get(0) + " did not start (said " + line + ")");
        }
        return new Child(process, Integer.parseInt(line.substring(5).strip()));
    }

    /** The child's first line; then its stdout is closed: it writes nothing else there (its logs go to stderr). */
    private static String firstLine(Process process) {
        try (BufferedReader lines =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            return lines.readLine();
        } catch (IOException e) {
            return null;
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII)
                    .strip();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** {@code gateway.json}: the component names, in snake case, are the file format. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record GatewayResults(
            String kind,
            String startedAt,
            ReportHeader.Machine machine,
            Settings settings,
            long upstreamPid,
            long gatewayPid,
            long bareProxyPid,
            String loadAverageBefore,
            String loadAverageAfter,
            List<GatewayRow> rows) {}

    /** The settings of a gateway run. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Settings(
            List<Integer> concurrency, double durationS, int slices, double warmupS, int sessions, String clientKsf) {}

    /**
     * One mode at one level.
     *
     * @param proxyCpuUsPerCall the CPU of the process in front of the upstream (Jetty's proxy or the gateway); null
     *     for the upstream alone
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record GatewayRow(
            int concurrency,
            String mode,
            int ok,
            int errors,
            double seconds,
            double callsPerS,
            double p50Ms,
            double p99Ms,
            double upstreamCpuUsPerCall,
            Double proxyCpuUsPerCall,
            double loadGeneratorCpuUsPerCall,
            double otherBusyCores,
            List<String> errorSamples) {

        static GatewayRow of(Sample sample) {
            Measurement m = sample.measured();
            boolean viaProxy = Mode.of(sample.mode()) != Mode.UPSTREAM;
            return new GatewayRow(
                    sample.level(),
                    sample.mode(),
                    m.ok(),
                    m.errors(),
                    m.seconds(),
                    m.throughput(),
                    m.percentileMillis(50),
                    m.percentileMillis(99),
                    sample.upstreamCpuSeconds() * 1e6 / Math.max(1, m.ok()),
                    viaProxy ? m.serverCpuPerOpMicros().orElse(Double.NaN) : null,
                    m.loadCpuPerOpMicros().orElse(Double.NaN),
                    m.otherBusyCores().orElse(Double.NaN),
                    m.errorSamples());
        }

        /** This row in the markdown table; {@code upstreamAlone} is the upstream's own CPU per call at its level. */
        Object[] cells(double upstreamAlone) {
            boolean viaProxy = proxyCpuUsPerCall != null;
            return new Object[] {
                concurrency,
                Mode.of(mode).label,
                MarkdownTable.D0.apply(callsPerS),
                MarkdownTable.D2.apply(p50Ms),
                MarkdownTable.D2.apply(p99Ms),
                MarkdownTable.D0.apply(upstreamCpuUsPerCall),
                viaProxy ? MarkdownTable.D0.apply(proxyCpuUsPerCall) : "–",
                viaProxy ? MarkdownTable.D2.apply(proxyCpuUsPerCall / upstreamAlone) : "–",
                viaProxy ? MarkdownTable.D2.apply((proxyCpuUsPerCall + upstreamCpuUsPerCall) / upstreamAlone) : "–",
                Double.isNaN(otherBusyCores) ? "–" : MarkdownTable.D2.apply(otherBusyCores)
            };
        }
    }

    private void write(List<Sample> samples, Children children, String loadBefore, String loadAfter)
            throws IOException {
        MarkdownTable table = MarkdownTable.of(
                "in flight",
                "mode",
                "calls/s",
                "p50 ms",
                "p99 ms",
                "upstream CPU µs/call",
                "proxy CPU µs/call",
                "proxy ÷ upstream-alone CPU",
                "(proxy + upstream) ÷ upstream-alone CPU",
                "other busy cores");
        List<GatewayRow> rows = new ArrayList<>();
        for (int level : concurrency) {
            Sample alone = find(samples, Mode.UPSTREAM, level);
            double upstreamAlone = alone.measured().serverCpuPerOpMicros().orElse(Double.NaN);
            for (Mode mode : Mode.values()) {
                GatewayRow row = GatewayRow.of(find(samples, mode, level));
                table.row(row.cells(upstreamAlone));
                rows.add(row);
            }
        }
        String md = table.render() + "\nload average before: " + loadBefore + "; after: " + loadAfter + "\n";
        GatewayResults report = new GatewayResults(
                "gateway",
                Instant.now().toString(),
                ReportHeader.machine(),
                new Settings(
                        concurrency,
                        duration.toMillis() / 1e3,
                        slices,
                        warmup.toMillis() / 1e3,
                        sessions,
                        ReportHeader.CLIENT_KSF),
                children.upstream().process().pid(),
                children.gateway().process().pid(),
                children.bareProxy().process().pid(),
                loadBefore,
                loadAfter,
                rows);
        Files.createDirectories(out.directory);
        Files.writeString(out.directory.resolve("gateway.md"), md, StandardCharsets.UTF_8);
        ResultsJson.write(out.directory.resolve("gateway.json"), report);
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.println(md);
        stdout.println("results: " + out.directory.resolve("gateway.json") + ", gateway.md");
        stdout.flush();
    }

    private static Sample find(List<Sample> samples, Mode mode, int level) {
        return samples.stream()
                .filter(s -> s.mode().equals(mode.key) && s.level() == level)
                .findFirst()
                .orElseThrow();
    }
}
