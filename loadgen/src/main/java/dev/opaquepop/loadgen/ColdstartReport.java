package dev.opaquepop.loadgen;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.opaquepop.loadgen.ColdstartCommand.ColdstartRun;
import dev.opaquepop.loadgen.ColdstartCommand.LoginSeries;
import dev.opaquepop.loadgen.ColdstartCommand.Variant;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;
import java.util.function.ToDoubleFunction;

/**
 * Writes a {@code bench coldstart} run as {@code coldstart.json} (every run, every block), {@code coldstart.md}
 * (one line per run and the medians per variant) and {@code coldstart.png} (server CPU per login and latency, block
 * by block over the first logins, median of the runs, next to the warm level).
 */
final class ColdstartReport {
    private static final DoubleFunction<String> D0 = MarkdownTable.D0;
    private static final DoubleFunction<String> D1 = MarkdownTable.D1;
    private static final DoubleFunction<String> D2 = MarkdownTable.D2;

    /** {@code coldstart.json}: the component names, in snake case, are the file format. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Results(
            String kind,
            String startedAt,
            ReportHeader.Machine machine,
            Settings settings,
            @JsonProperty("goals_issue_16") Goals goals,
            List<RunResult> runs,
            List<Medians> medians,
            String goalLine) {}

    /** The settings of a coldstart run. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Settings(
            List<String> launcher,
            int runs,
            int logins,
            int warmAfterLogins,
            int users,
            boolean compareCache,
            String cpuSource,
            String clientKsf) {}

    /** The goals of issue 16 the first variant is held against. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Goals(double readyS, double firstOverWarmCpuPerLogin) {}

    /** One fresh server process. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record RunResult(
            String variant,
            int run,
            double readyS,
            double readyCpuS,
            double rssAtReadyMib,
            Series first,
            Series warm,
            double firstOverWarmCpuPerLogin) {
        static RunResult of(ColdstartRun run) {
            return new RunResult(
                    run.variant(),
                    run.run(),
                    round(run.readySeconds(), 3),
                    round(run.readyCpuSeconds(), 2),
                    round(run.rssKib() / 1024.0, 1),
                    Series.of(run.first()),
                    Series.of(run.warm()),
                    round(run.ratio(), 2));
        }
    }

    /** A series of logins, one at a time, on one server. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Series(
            int logins,
            double serverCpuPerLoginUs,
            double jitCompilerCpuPerLoginUs,
            double latencyP50Ms,
            double latencyP99Ms,
            int blockSize,
            List<Double> blockServerCpuS) {
        static Series of(LoginSeries series) {
            return new Series(
                    series.count(),
                    round(series.cpuPerLoginMicros(), 1),
                    round(series.jitPerLoginMicros(), 1),
                    round(series.percentileMillis(50), 3),
                    round(series.percentileMillis(99), 3),
                    series.blockSize(),
                    Arrays.stream(series.blockCpuSeconds())
                            .map(s -> round(s, 2))
                            .boxed()
                            .toList());
        }
    }

    /** The medians of one variant over its runs. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Medians(
            String variant,
            int runs,
            double readyS,
            double readyCpuS,
            double rssAtReadyMib,
            double firstCpuPerLoginUs,
            double firstJitCpuPerLoginUs,
            double warmCpuPerLoginUs,
            double firstOverWarmCpuPerLogin) {}

    private final Settings settings;
    private final List<Variant> variants;
    private final List<ColdstartRun> runs;

    ColdstartReport(Settings settings, List<Variant> variants, List<ColdstartRun> runs) {
        this.settings = settings;
        this.variants = List.copyOf(variants);
        this.runs = List.copyOf(runs);
    }

    /** Writes the three files; returns the markdown. */
    String write(Path directory) throws IOException {
        Files.createDirectories(directory);
        ResultsJson.write(
                directory.resolve("coldstart.json"),
                new Results(
                        "coldstart",
                        Instant.now().toString(),
                        ReportHeader.machine(),
                        settings,
                        new Goals(ColdstartCommand.GOAL_READY_SECONDS, ColdstartCommand.GOAL_COLD_OVER_WARM),
                        runs.stream().map(RunResult::of).toList(),
                        variants.stream().map(this::medians).toList(),
                        goalLine()));
        String markdown = markdown();
        Files.writeString(directory.resolve("coldstart.md"), markdown, StandardCharsets.UTF_8);
        plot(directory.resolve("coldstart.png"));
        return markdown;
    }

    private Medians medians(Variant variant) {
        return new Medians(
                variant.label(),
                of(variant).size(),
                round(median(variant, ColdstartRun::readySeconds), 3),
                round(median(variant, ColdstartRun::readyCpuSeconds), 2),
                round(median(variant, run -> run.rssKib() / 1024.0), 1),
                round(median(variant, run -> run.first().cpuPerLoginMicros()), 1),
                round(median(variant, run -> run.first().jitPerLoginMicros()), 1),
                round(median(variant, run -> run.warm().cpuPerLoginMicros()), 1),
                round(median(variant, ColdstartRun::ratio), 2));
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
        MarkdownTable each = MarkdownTable.of(
                "variant",
                "run",
                "ready s",
                "CPU to ready s",
                "RSS MiB",
                "first logins CPU/login µs",
                "of which JIT µs",
                "warm CPU/login µs",
                "first ÷ warm",
                "first p50 / p99 ms",
                "warm p50 / p99 ms");
        for (ColdstartRun run : runs) {
            each.row(
                    run.variant(),
                    run.run(),
                    D2.apply(run.readySeconds()),
                    D2.apply(run.readyCpuSeconds()),
                    D0.apply(run.rssKib() / 1024.0),
                    D0.apply(run.first().cpuPerLoginMicros()),
                    D0.apply(run.first().jitPerLoginMicros()),
                    D0.apply(run.warm().cpuPerLoginMicros()),
                    D1.apply(run.ratio()) + "×",
                    D2.apply(run.first().percentileMillis(50)) + " / "
                            + D2.apply(run.first().percentileMillis(99)),
                    D2.apply(run.warm().percentileMillis(50)) + " / "
                            + D2.apply(run.warm().percentileMillis(99)));
        }
        MarkdownTable medians = MarkdownTable.of(
                "variant",
                "runs",
                "ready s",
                "CPU to ready s",
                "RSS MiB",
                "first CPU/login µs",
                "of which JIT µs",
                "warm CPU/login µs",
                "first ÷ warm");
        for (Variant variant : variants) {
            medians.row(
                    variant.label() + " (median)",
                    of(variant).size(),
                    D2.apply(median(variant, ColdstartRun::readySeconds)),
                    D2.apply(median(variant, ColdstartRun::readyCpuSeconds)),
                    D0.apply(median(variant, run -> run.rssKib() / 1024.0)),
                    D0.apply(median(variant, run -> run.first().cpuPerLoginMicros())),
                    D0.apply(median(variant, run -> run.first().jitPerLoginMicros())),
                    D0.apply(median(variant, run -> run.warm().cpuPerLoginMicros())),
                    D1.apply(median(variant, ColdstartRun::ratio)) + "×");
        }
        StringBuilder out = new StringBuilder(each.render()).append('\n').append(medians.render());
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
