package dev.opaquepop.loadgen;

import dev.opaquepop.client.OpaquePopClient;
import dev.opaquepop.client.OpaquePopClientException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bench coldstart}: what a freshly started server costs. Each run launches the server as a child process
 * (through {@code bin/opaque-pop} by default, so its start-up cache is part of what is measured) on a free port
 * with a fresh data directory, and records launch to the first {@code 200} on {@code /healthz}, the process's CPU
 * and RSS at that moment; then the server CPU per login over its first logins, one at a time, and over as many
 * once the same process is warm.
 */
@Command(
        name = "coldstart",
        mixinStandardHelpOptions = true,
        description = {
            "Start-up cost of the server: N fresh server processes, each timed from launch to its first 200 on"
                    + " /healthz (wall, CPU, RSS), then server CPU per login over its first --logins logins"
                    + " against the same server once warm. Results as JSON, markdown and a PNG plot.",
            "Goals of issue 16: ready in <= 1.5 s, first 300 logins <= 2x the warm CPU per login."
        })
public final class ColdstartCommand implements Callable<Integer> {
    static final double GOAL_READY_SECONDS = 1.5;
    static final double GOAL_COLD_OVER_WARM = 2.0;

    /** With or without the launcher's start-up cache ({@code OPAQUE_POP_STARTUP_CACHE}). */
    enum Variant {
        CACHE_ON("cache on"),
        CACHE_OFF("cache off");

        private final String label;

        Variant(String label) {
            this.label = label;
        }

        String label() {
            return label;
        }
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--launcher",
            paramLabel = "WORD",
            description = "The command that runs opaque-pop, one word per occurrence (default bin/opaque-pop, from"
                    + " the current directory); 'server --port P --data D --rate-limit off' is appended.")
    List<String> launcher = new ArrayList<>(List.of("bin/opaque-pop"));

    @Option(names = "--runs", defaultValue = "5", description = "Fresh server processes (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(
            names = "--logins",
            defaultValue = "300",
            description = "Logins measured on each fresh server, and again once warm (default ${DEFAULT-VALUE}).")
    int logins;

    @Option(
            names = "--warm-after",
            defaultValue = "3000",
            description = "Unmeasured logins between the first and the warm measurement (default ${DEFAULT-VALUE}).")
    int warmAfter;

    @Option(
            names = "--users",
            defaultValue = "20",
            description = "Users registered on each fresh server before its first login (default ${DEFAULT-VALUE}).")
    int users;

    @Option(
            names = "--compare-cache",
            description =
                    "Also run every server with OPAQUE_POP_STARTUP_CACHE=off, taking turns with the cached" + " runs.")
    boolean compareCache;

    @Option(
            names = "--ready-timeout",
            defaultValue = "120s",
            converter = DurationConverter.class,
            description = "Give up on a server not ready after this long (default ${DEFAULT-VALUE}).")
    Duration readyTimeout;

    @Mixin
    OutputOption out;

    @Mixin
    TimeoutOption timeout;

    @Override
    public Integer call() throws IOException, InterruptedException, OpaquePopClientException {
        PrintWriter err = spec.commandLine().getErr();
        if (runs < 1 || logins < 1 || warmAfter < 0 || users < 1 || launcher.isEmpty()) {
            err.println("opaque-pop bench coldstart: --runs, --logins and --users must be at least 1");
            return 2;
        }
        if (timeout.problem() != null) {
            err.println("opaque-pop bench coldstart: " + timeout.problem());
            return 2;
        }
        List<Variant> variants =
                compareCache ? List.of(Variant.CACHE_ON, Variant.CACHE_OFF) : List.of(Variant.CACHE_ON);
        for (Variant variant : variants) {
            // Unmeasured: a first launch after a build trains the cache (20-50 s) and fills the page cache.
            prepare(variant, err);
        }
        SecureRandom random = LocalServer.random();
        List<ColdstartRun> results = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            for (Variant variant : variants) {
                ColdstartRun result = measure(variant, run, random, err);
                err.println(result.summary());
                results.add(result);
            }
        }
        ColdstartReport report = new ColdstartReport(settings(), variants, results);
        String markdown = report.write(out.directory);
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.print(markdown);
        stdout.flush();
        err.println("results in " + out.directory.toAbsolutePath());
        return 0;
    }

    private ColdstartReport.Settings settings() {
        return new ColdstartReport.Settings(
                launcher,
                runs,
                logins,
                warmAfter,
                users,
                compareCache,
                "/proc/<pid>/stat utime+stime of the server process, 10 ms ticks; JIT: its C1/C2 compiler threads' (lower bound)",
                ReportHeader.CLIENT_KSF);
    }

    private ProcessBuilder server(Variant variant, Path data, int port, Path log) {
        List<String> command = new ArrayList<>(launcher);
        command.addAll(
                List.of("server", "--port", Integer.toString(port), "--data", data.toString(), "--rate-limit", "off"));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().put("OPAQUE_POP_LOG_LEVEL", "WARN");
        builder.environment().put("OPAQUE_POP_STARTUP_CACHE", variant == Variant.CACHE_ON ? "on" : "off");
        return builder;
    }

    private void prepare(Variant variant, PrintWriter err) throws IOException, InterruptedException {
        err.println("coldstart: an unmeasured launch (" + variant.label + "), which trains the start-up cache if"
                + " it is missing");
        List<String> command = new ArrayList<>(launcher);
        command.add("--version");
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("OPAQUE_POP_STARTUP_CACHE", variant == Variant.CACHE_ON ? "on" : "off");
        Process process = builder.start();
        if (!process.waitFor(readyTimeout.toMillis() + 60_000, TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IOException("'" + String.join(" ", command) + "' did not finish");
        }
    }

    private ColdstartRun measure(Variant variant, int run, SecureRandom random, PrintWriter err)
            throws IOException, InterruptedException, OpaquePopClientException {
        Path directory = Files.createTempDirectory("opaque-pop-coldstart");
        int port = freePort();
        URI base = URI.create("http://127.0.0.1:" + port);
        Path log = directory.resolve("server.log");
        HttpClient http = BenchClient.http(timeout.timeout);
        long launched = System.nanoTime();
        Process process = server(variant, directory.resolve("data"), port, log).start();
        try {
            CpuClock cpu = CpuClock.process(process.pid());
            CpuClock jit = CpuClock.compilerThreads(process.pid());
            double readySeconds = awaitReady(http, base, process, launched, log);
            double readyCpu = cpu.seconds().orElse(Double.NaN);
            long rssKib = rssKib(process.pid());
            // As in bench logins: the server never runs the KSF, so the identity KSF measures the server.
            OpaquePopClient client = BenchClient.sdk(base, http, random, timeout.timeout);
            Users set = new Users(random, users);
            set.registerAll(client, new Progress(err, false), "register " + users + " users");
            LoginSeries first = LoginSeries.measure(client, set, logins, cpu, jit);
            for (int i = 0; i < warmAfter; i++) {
                client.login(set.name(i % users), set.password(i % users));
            }
            LoginSeries warm = LoginSeries.measure(client, set, logins, cpu, jit);
            return new ColdstartRun(variant.label, run, readySeconds, readyCpu, rssKib, first, warm);
        } finally {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
            http.close();
            LocalServer.deleteRecursively(directory);
        }
    }

    /** Polls {@code /healthz} until it answers 200; seconds since {@code launched}. */
    private double awaitReady(HttpClient http, URI base, Process process, long launched, Path log)
            throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/healthz"))
                .timeout(Duration.ofSeconds(5))
                .build();
        long deadline = launched + readyTimeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("the server exited with " + process.exitValue() + ": "
                        + Files.readString(log, StandardCharsets.UTF_8).strip());
            }
            try {
                HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return (System.nanoTime() - launched) / 1e9;
                }
            } catch (IOException notYet) {
                // Not listening yet.
            }
            Thread.sleep(5);
        }
        throw new IOException("the server was not ready within " + readyTimeout);
    }

    /** Resident set size from {@code /proc/<pid>/status} ({@code VmRSS}, in KiB), or -1. */
    static long rssKib(long pid) {
        try (Stream<String> lines = Files.lines(Path.of("/proc", Long.toString(pid), "status"))) {
            return lines.filter(line -> line.startsWith("VmRSS:"))
                    .map(line -> line.replaceAll("[^0-9]", ""))
                    .mapToLong(Long::parseLong)
                    .findFirst()
                    .orElse(-1);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** A port free now; the server takes it a moment later (another process could too, then the run fails). */
    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /**
     * Logins one at a time, with the server's CPU read every block of them: per-block CPU per login and latency.
     *
     * @param blockCpuSeconds server CPU used by each block (NaN where unreadable)
     * @param jitSeconds of the server CPU over the whole series, what its JIT compiler threads used
     * @param nanos each login's latency, in order
     */
    @SuppressWarnings("ArrayRecordComponent") // read only, never compared
    record LoginSeries(int blockSize, double[] blockCpuSeconds, double jitSeconds, long[] nanos) {
        static final int BLOCKS = 12;

        static LoginSeries measure(OpaquePopClient client, Users set, int count, CpuClock cpu, CpuClock jit)
                throws OpaquePopClientException {
            double jitBefore = jit.seconds().orElse(Double.NaN);
            int blockSize = Math.max(1, (count + BLOCKS - 1) / BLOCKS);
            int blocks = (count + blockSize - 1) / blockSize;
            double[] blockCpu = new double[blocks];
            long[] nanos = new long[count];
            double before = cpu.seconds().orElse(Double.NaN);
            for (int i = 0; i < count; i++) {
                long start = System.nanoTime();
                client.login(set.name(i % set.count()), set.password(i % set.count()));
                nanos[i] = System.nanoTime() - start;
                if ((i + 1) % blockSize == 0 || i + 1 == count) {
                    double now = cpu.seconds().orElse(Double.NaN);
                    blockCpu[i / blockSize] = now - before;
                    before = now;
                }
            }
            return new LoginSeries(blockSize, blockCpu, jit.seconds().orElse(Double.NaN) - jitBefore, nanos);
        }

        int count() {
            return nanos.length;
        }

        double cpuPerLoginMicros() {
            return Arrays.stream(blockCpuSeconds).sum() * 1e6 / count();
        }

        /** The JIT compiler threads' share of {@link #cpuPerLoginMicros()}. */
        double jitPerLoginMicros() {
            return jitSeconds * 1e6 / count();
        }

        /** Server CPU per login in block {@code b}, milliseconds. */
        double blockCpuPerLoginMillis(int b) {
            int size = Math.min(blockSize, count() - b * blockSize);
            return blockCpuSeconds[b] * 1e3 / size;
        }

        /** A latency percentile of block {@code b}, milliseconds. */
        double blockPercentileMillis(int b, double percentile) {
            long[] block = Arrays.copyOfRange(nanos, b * blockSize, Math.min(count(), (b + 1) * blockSize));
            Arrays.sort(block);
            return LatencyLog.percentile(block, percentile) / 1e6;
        }

        /** A latency percentile over all the logins, milliseconds. */
        double percentileMillis(double percentile) {
            long[] sorted = nanos.clone();
            Arrays.sort(sorted);
            return LatencyLog.percentile(sorted, percentile) / 1e6;
        }
    }

    /** One fresh server process, measured. */
    record ColdstartRun(
            String variant,
            int run,
            double readySeconds,
            double readyCpuSeconds,
            long rssKib,
            LoginSeries first,
            LoginSeries warm) {
        double ratio() {
            return first.cpuPerLoginMicros() / warm.cpuPerLoginMicros();
        }

        String summary() {
            return String.format(
                    Locale.ROOT,
                    "coldstart %s run %d: ready in %.2f s, %.2f CPU s, RSS %.0f MiB; CPU per login first %d %.0f µs"
                            + " (JIT %.0f), warm %.0f µs (JIT %.0f) (%.1f×)",
                    variant,
                    run,
                    readySeconds,
                    readyCpuSeconds,
                    rssKib / 1024.0,
                    first.count(),
                    first.cpuPerLoginMicros(),
                    first.jitPerLoginMicros(),
                    warm.cpuPerLoginMicros(),
                    warm.jitPerLoginMicros(),
                    ratio());
        }
    }
}
