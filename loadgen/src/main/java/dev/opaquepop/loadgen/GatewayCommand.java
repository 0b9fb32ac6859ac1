package dev.opaquepop.loadgen;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
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
 * {@code bench gateway}: what the gateway adds per signed call. It starts two processes of its own (see {@link
 * GatewayBenchProcesses}), a trivial upstream and a gateway in front of it, and at each level alternates slice by
 * slice between {@code upstream}, plain {@code GET /hello} straight to the upstream, and {@code gateway}, the same
 * request PoP-signed through the gateway; the CPU of each process is read from {@code /proc/PID/stat} around each
 * slice. The ratio the issue sets a goal for is the gateway's CPU per call over the upstream's own.
 */
@Command(
        name = "gateway",
        mixinStandardHelpOptions = true,
        description = {
            "CPU and latency the gateway (server --upstream) adds per signed call: a trivial upstream alone vs the"
                    + " same upstream behind a gateway, both started by this command, alternated in one run.",
            "Exit code 1 when any request failed."
        })
public final class GatewayCommand implements Callable<Integer> {
    private static final String HELLO = "/hello";
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

    /** One mode at one level: the load generator's measurement, with the upstream's CPU read beside it. */
    private record Sample(String mode, int level, Measurement measured, double upstreamCpuSeconds) {}

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        if (concurrency.isEmpty() || concurrency.stream().anyMatch(c -> c < 1 || c > 1024)) {
            err.println("opaque-pop bench gateway: --concurrency levels must be between 1 and 1024");
            return 2;
        }
        if (duration.isZero() || slices < 1 || slices > 100 || sessions < 1 || timeout.problem() != null) {
            err.println("opaque-pop bench gateway: --duration, --slices (1-100), --sessions and --timeout must be"
                    + " positive");
            return 2;
        }
        Progress progress = new Progress(err, Progress.onTerminal());
        try (Child upstream = child(List.of("upstream"));
                Child gateway = child(List.of("gateway", Integer.toString(upstream.port())));
                HttpClient http = BenchClient.http(timeout.timeout)) {
            progress.note("upstream pid " + upstream.process().pid() + " on port " + upstream.port() + ", gateway pid "
                    + gateway.process().pid() + " on port " + gateway.port());
            return measure(progress, http, upstream, gateway);
        }
    }

    private int measure(Progress progress, HttpClient http, Child upstream, Child gateway)
            throws InterruptedException, OpaquePopClientException, IOException {
        URI gatewayBase = URI.create("http://127.0.0.1:" + gateway.port());
        try (OpaquePopClient client = BenchClient.sdk(gatewayBase, http, LocalServer.random(), timeout.timeout)) {
            Users users = new Users(LocalServer.random(), sessions);
            users.registerAll(client, progress, "gateway: register " + sessions + " users");
            List<ClientSession> live = users.loginAll(client, progress, "gateway: log in " + sessions);
            Map<String, Operation> modes = new LinkedHashMap<>();
            modes.put("upstream", direct(http, URI.create("http://127.0.0.1:" + upstream.port() + HELLO)));
            modes.put("gateway", signed(client, live));
            Map<String, CpuClock> clocks = Map.of("upstream", upstream.cpu(), "gateway", gateway.cpu());

            LoadRunner runner = new LoadRunner(progress);
            int highest = concurrency.stream().max(Integer::compare).orElseThrow();
            for (Map.Entry<String, Operation> mode : modes.entrySet()) {
                runner.run(
                        mode.getKey() + " warm-up", mode.getValue(), highest, Duration.ZERO, warmup, CpuClock.none());
            }
            String loadBefore = loadAverage();
            List<Sample> samples = new ArrayList<>();
            CpuClock upstreamCpu = upstream.cpu();
            for (int level : concurrency) {
                Map<String, List<Measurement>> parts = new LinkedHashMap<>();
                Map<String, Double> upstreamSeconds = new LinkedHashMap<>();
                List<String> names = new ArrayList<>(modes.keySet());
                for (int round = 0; round < slices; round++) {
                    for (int i = 0; i < names.size(); i++) {
                        // The order alternates from round to round, so neither mode always runs first.
                        String name = names.get((i + round) % names.size());
                        double before = upstreamCpu.seconds().orElse(Double.NaN);
                        Measurement slice = runner.run(
                                name + " c=" + level + " " + (round + 1) + "/" + slices,
                                modes.get(name),
                                level,
                                Duration.ZERO,
                                duration.dividedBy(slices),
                                clocks.get(name));
                        double used = upstreamCpu.seconds().orElse(Double.NaN) - before;
                        parts.computeIfAbsent(name, n -> new ArrayList<>()).add(slice);
                        upstreamSeconds.merge(name, used, Double::sum);
                    }
                }
                for (String name : names) {
                    samples.add(new Sample(name, level, Measurement.merge(parts.get(name)), upstreamSeconds.get(name)));
                }
            }
            String loadAfter = loadAverage();
            write(samples, upstream, gateway, loadBefore, loadAfter);
            int errors = samples.stream().mapToInt(s -> s.measured().errors()).sum();
            if (errors > 0) {
                spec.commandLine().getErr().println("opaque-pop bench gateway: " + errors + " request(s) failed");
                return 1;
            }
            return 0;
        }
    }

    private Operation direct(HttpClient http, URI hello) {
        HttpRequest request =
                HttpRequest.newBuilder(hello).timeout(timeout.timeout).GET().build();
        return operation("upstream", () -> http.send(request, HttpResponse.BodyHandlers.ofByteArray()));
    }

    private static Operation signed(OpaquePopClient client, List<ClientSession> live) {
        AtomicLong next = new AtomicLong();
        return operation(
                "gateway",
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

    private void write(List<Sample> samples, Child upstream, Child gateway, String loadBefore, String loadAfter)
            throws IOException {
        StringBuilder md = new StringBuilder();
        md.append("| in flight | mode | calls/s | p50 ms | p99 ms | upstream CPU µs/call | gateway CPU µs/call"
                + " | gateway ÷ upstream-alone CPU | (gateway + upstream) ÷ upstream-alone CPU | other busy cores |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|\n");
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int level : concurrency) {
            Sample alone = find(samples, "upstream", level);
            Sample through = find(samples, "gateway", level);
            double upstreamAlone = alone.measured().serverCpuPerOpMicros().orElse(Double.NaN);
            for (Sample sample : List.of(alone, through)) {
                Measurement m = sample.measured();
                double upstreamPerCall = sample.upstreamCpuSeconds() * 1e6 / Math.max(1, m.ok());
                double gatewayPerCall = sample.mode().equals("gateway")
                        ? m.serverCpuPerOpMicros().orElse(Double.NaN)
                        : 0;
                boolean viaGateway = sample.mode().equals("gateway");
                md.append(String.format(
                        Locale.ROOT,
                        "| %d | %s | %.0f | %.2f | %.2f | %.0f | %s | %s | %s | %s |%n",
                        level,
                        viaGateway ? "signed, through the gateway" : "plain, upstream alone",
                        m.throughput(),
                        m.percentileMillis(50),
                        m.percentileMillis(99),
                        upstreamPerCall,
                        viaGateway ? String.format(Locale.ROOT, "%.0f", gatewayPerCall) : "–",
                        viaGateway ? String.format(Locale.ROOT, "%.2f", gatewayPerCall / upstreamAlone) : "–",
                        viaGateway
                                ? String.format(Locale.ROOT, "%.2f", (gatewayPerCall + upstreamPerCall) / upstreamAlone)
                                : "–",
                        format(m.otherBusyCores())));
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("concurrency", level);
                row.put("mode", sample.mode());
                row.put("ok", m.ok());
                row.put("errors", m.errors());
                row.put("seconds", m.seconds());
                row.put("calls_per_s", m.throughput());
                row.put("p50_ms", m.percentileMillis(50));
                row.put("p99_ms", m.percentileMillis(99));
                row.put("upstream_cpu_us_per_call", upstreamPerCall);
                row.put("gateway_cpu_us_per_call", viaGateway ? gatewayPerCall : null);
                row.put("load_generator_cpu_us_per_call", m.loadCpuPerOpMicros().orElse(Double.NaN));
                row.put("other_busy_cores", m.otherBusyCores().orElse(Double.NaN));
                row.put("error_samples", m.errorSamples());
                rows.add(row);
            }
        }
        md.append("\nload average before: ")
                .append(loadBefore)
                .append("; after: ")
                .append(loadAfter)
                .append('\n');

        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("concurrency", concurrency);
        settings.put("duration_s", duration.toMillis() / 1e3);
        settings.put("slices", slices);
        settings.put("warmup_s", warmup.toMillis() / 1e3);
        settings.put("sessions", sessions);
        Map<String, Object> report = ReportHeader.of("gateway", settings);
        report.put("upstream_pid", upstream.process().pid());
        report.put("gateway_pid", gateway.process().pid());
        report.put("load_average_before", loadBefore);
        report.put("load_average_after", loadAfter);
        report.put("rows", rows);
        Files.createDirectories(out.directory);
        Files.writeString(out.directory.resolve("gateway.md"), md.toString(), StandardCharsets.UTF_8);
        new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(out.directory.resolve("gateway.json").toFile(), report);
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.println(md);
        stdout.println("results: " + out.directory.resolve("gateway.json") + ", gateway.md");
        stdout.flush();
    }

    private static Sample find(List<Sample> samples, String mode, int level) {
        return samples.stream()
                .filter(s -> s.mode().equals(mode) && s.level() == level)
                .findFirst()
                .orElseThrow();
    }

    private static String format(OptionalDouble value) {
        return value.isPresent() ? String.format(Locale.ROOT, "%.2f", value.getAsDouble()) : "–";
    }
}
