package dev.opaquepop.loadgen;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.opaquepop.loadgen.ColdstartCommand.ColdstartRun;
import dev.opaquepop.loadgen.ColdstartCommand.LoginSeries;
import dev.opaquepop.loadgen.ColdstartCommand.Variant;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Writes a {@code bench coldstart} run as {@code coldstart.json} (every run, every block), {@code coldstart.md}
 * (one line per run and the medians per variant) and {@code coldstart.png} (server CPU per login and latency, block
 * by block over the first logins, median of the runs, next to the warm level).
 */
final class ColdstartReport {
    private final Map<String, Object> header;
    private final List<Variant> variants;
    private final List<ColdstartRun> runs;

    ColdstartReport(Map<String, Object> header, List<Variant> variants, List<ColdstartRun> runs) {
        this.header = header;
        this.variants = List.copyOf(variants);
        this.runs = List.copyOf(runs);
    }

    /** Writes the three files; returns the markdown. */
    String write(Path directory) throws IOException {
        Files.createDirectories(directory);
        Map<String, Object> json = new LinkedHashMap<>(header);
        json.put("runs", runs.stream().map(ColdstartReport::runJson).toList());
        json.put("medians", variants.stream().map(this::mediansJson).toList());
        json.put("goal_line", goalLine());
        new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(directory.resolve("coldstart.json").toFile(), json);
        String markdown = markdown();
        Files.writeString(directory.resolve("coldstart.md"), markdown, StandardCharsets.UTF_8);
        plot(directory.resolve("coldstart.png"));
        return markdown;
    }

    private static Map<String, Object> runJson(ColdstartRun run) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("variant", run.variant());
        json.put("run", run.run());
        json.put("ready_s", round(run.readySeconds(), 3));
        json.put("ready_cpu_s", round(run.readyCpuSeconds(), 2));
        json.put("rss_at_ready_mib", round(run.rssKib() / 1024.0, 1));
        json.put("first", seriesJson(run.first()));
        json.put("warm", seriesJson(run.warm()));
        json.put("first_over_warm_cpu_per_login", round(run.ratio(), 2));
        return json;
    }

    private static Map<String, Object> seriesJson(LoginSeries series) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("logins", series.count());
        json.put("server_cpu_per_login_us", round(series.cpuPerLoginMicros(), 1));
        json.put("latency_p50_ms", round(series.percentileMillis(50), 3));
        json.put("latency_p99_ms", round(series.percentileMillis(99), 3));
        json.put("block_size", series.blockSize());
        json.put(
                "block_server_cpu_s",
                Arrays.stream(series.blockCpuSeconds())
                        .map(s -> round(s, 2))
                        .boxed()
                        .toList());
        return json;
    }

    private Map<String, Object> mediansJson(Variant variant) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("variant", variant.label());
        json.put("runs", of(variant).size());
        json.put("ready_s", round(median(variant, ColdstartRun::readySeconds), 3));
        json.put("ready_cpu_s", round(median(variant, ColdstartRun::readyCpuSeconds), 2));
        json.put("rss_at_ready_mib", round(median(variant, run -> run.rssKib() / 1024.0), 1));
        json.put(
                "first_cpu_per_login_us",
                round(median(variant, run -> run.first().cpuPerLoginMicros()), 1));
        json.put(
                "warm_cpu_per_login_us", round(median(variant, run -> run.warm().cpuPerLoginMicros()), 1));
        json.put("first_over_warm_cpu_per_login", round(median(variant, ColdstartRun::ratio), 2));
        return json;
    }

    private List<ColdstartRun> of(Variant variant) {
        return runs.stream()
                .filter(run -> run.variant().equals(variant.label()))
                .toList();
    }

    double median(Variant variant, ToDoubleFunction<ColdstartRun> value) {
        double[] values = of(variant).stream().mapToDouble(value).sorted().toArray();
        if (values.length == 0) {
            return Double.NaN;
        }
        int middle = values.length / 2;
        return values.length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }

    /** The medians of the first variant (the launcher as users run it) against the goals of issue 16. */
    String goalLine() {
        Variant main = variants.get(0);
        double ready = median(main, ColdstartRun::readySeconds);
        double ratio = median(main, ColdstartRun::ratio);
        int logins = runs.get(0).first().count();
        return String.format(
                Locale.ROOT,
                "coldstart (%s, median of %d): ready in %.2f s (goal ≤ %.1f s: %s); first %d logins %.1f× the warm"
                        + " CPU per login (goal ≤ %.0f×: %s)",
                main.label(),
                of(main).size(),
                ready,
                ColdstartCommand.GOAL_READY_SECONDS,
                ready <= ColdstartCommand.GOAL_READY_SECONDS ? "met" : "NOT met",
                logins,
                ratio,
                ColdstartCommand.GOAL_COLD_OVER_WARM,
                ratio <= ColdstartCommand.GOAL_COLD_OVER_WARM ? "met" : "NOT met");
    }

    String markdown() {
        StringBuilder out = new StringBuilder();
        out.append("| variant | run | ready s | CPU to ready s | RSS MiB | first logins CPU/login µs |"
                + " warm CPU/login µs | first ÷ warm | first p50 / p99 ms | warm p50 / p99 ms |\n");
        out.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (ColdstartRun run : runs) {
            out.append(String.format(
                    Locale.ROOT,
                    "| %s | %d | %.2f | %.2f | %.0f | %.0f | %.0f | %.1f× | %.2f / %.2f | %.2f / %.2f |%n",
                    run.variant(),
                    run.run(),
                    run.readySeconds(),
                    run.readyCpuSeconds(),
                    run.rssKib() / 1024.0,
                    run.first().cpuPerLoginMicros(),
                    run.warm().cpuPerLoginMicros(),
                    run.ratio(),
                    run.first().percentileMillis(50),
                    run.first().percentileMillis(99),
                    run.warm().percentileMillis(50),
                    run.warm().percentileMillis(99)));
        }
        out.append("\n| variant | runs | ready s | CPU to ready s | RSS MiB | first CPU/login µs | warm CPU/login µs |"
                + " first ÷ warm |\n|---|---|---|---|---|---|---|---|\n");
        for (Variant variant : variants) {
            out.append(String.format(
                    Locale.ROOT,
                    "| %s (median) | %d | %.2f | %.2f | %.0f | %.0f | %.0f | %.1f× |%n",
                    variant.label(),
                    of(variant).size(),
                    median(variant, ColdstartRun::readySeconds),
                    median(variant, ColdstartRun::readyCpuSeconds),
                    median(variant, run -> run.rssKib() / 1024.0),
                    median(variant, run -> run.first().cpuPerLoginMicros()),
                    median(variant, run -> run.warm().cpuPerLoginMicros()),
                    median(variant, ColdstartRun::ratio)));
        }
        out.append('\n').append(goalLine()).append('\n');
        return out.toString();
    }

    /**
     * Per variant, block by block over the first logins (x: logins done at the end of the block): the median
     * over the runs of the server CPU per login (left) and of the latency (right); the warm level as a flat line.
     */
    private void plot(Path file) throws IOException {
        LoginSeries shape = runs.get(0).first();
        int blocks = shape.blockCpuSeconds().length;
        List<Integer> ends = new ArrayList<>();
        for (int b = 0; b < blocks; b++) {
            ends.add(Math.min(shape.count(), (b + 1) * shape.blockSize()));
        }
        List<Plot.Series> series = new ArrayList<>();
        for (Variant variant : variants) {
            List<Double> cpu = new ArrayList<>();
            List<Double> p50 = new ArrayList<>();
            List<Double> p99 = new ArrayList<>();
            for (int b = 0; b < blocks; b++) {
                int block = b;
                cpu.add(median(variant, run -> run.first().blockCpuPerLoginMillis(block)));
                p50.add(median(variant, run -> run.first().blockPercentileMillis(block, 50)));
                p99.add(median(variant, run -> run.first().blockPercentileMillis(block, 99)));
            }
            series.add(new Plot.Series(variant.label() + ": fresh server", cpu, p50, p99));
            double warmCpu = median(variant, run -> run.warm().cpuPerLoginMicros() / 1e3);
            double warmP50 = median(variant, run -> run.warm().percentileMillis(50));
            double warmP99 = median(variant, run -> run.warm().percentileMillis(99));
            series.add(new Plot.Series(
                    variant.label() + ": same server warm",
                    java.util.Collections.nCopies(blocks, warmCpu),
                    java.util.Collections.nCopies(blocks, warmP50),
                    java.util.Collections.nCopies(blocks, warmP99)));
        }
        Plot.write(
                file,
                "A fresh server's first logins, one at a time (median of " + runs.size() / variants.size()
                        + " processes)",
                "server CPU per login, ms (lower is better)",
                "logins since start (end of each block of " + shape.blockSize() + ")",
                ends,
                series);
    }

    /** Rounded for the JSON; NaN and infinity (a ratio over zero ticks of CPU) as they are. */
    private static double round(double value, int decimals) {
        if (!Double.isFinite(value)) {
            return value;
        }
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }
}
