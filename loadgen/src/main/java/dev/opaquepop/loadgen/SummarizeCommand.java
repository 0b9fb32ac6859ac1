package dev.opaquepop.loadgen;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.DoubleFunction;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bench summarize}: folds the results of repeated runs into one markdown report, every number as the
 * median and the range over the runs, so the spread is visible next to the value.
 */
@Command(
        name = "summarize",
        mixinStandardHelpOptions = true,
        description = "Fold repeated runs (directories holding logins.json / calls.json, or the files) into one"
                + " markdown report: each number as median [min–max] over the runs.")
public final class SummarizeCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "RUN", description = "Result directories or JSON files.")
    List<Path> runs;

    @Option(names = "--out", description = "Also write the report to this file.")
    Path out;

    @Override
    public Integer call() throws IOException {
        Map<String, List<LoadResults>> byKind = new LinkedHashMap<>();
        for (Path run : runs) {
            List<Path> files = Files.isDirectory(run)
                    ? List.of(run.resolve("logins.json"), run.resolve("calls.json"))
                    : List.of(run);
            for (Path file : files) {
                if (Files.isRegularFile(file)) {
                    LoadResults results = ResultsJson.read(file, LoadResults.class);
                    byKind.computeIfAbsent(String.valueOf(results.kind()), k -> new ArrayList<>())
                            .add(results);
                }
            }
        }
        if (byKind.isEmpty()) {
            spec.commandLine().getErr().println("opaque-pop bench summarize: no logins.json or calls.json found");
            return 2;
        }
        StringBuilder report = new StringBuilder();
        for (Map.Entry<String, List<LoadResults>> entry : byKind.entrySet()) {
            report.append(summarize(entry.getKey(), entry.getValue()));
        }
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.print(report);
        stdout.flush();
        if (out != null) {
            Path parent = out.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(out, report, StandardCharsets.UTF_8);
        }
        return 0;
    }

    static String summarize(String kind, List<LoadResults> runs) {
        StringBuilder out = new StringBuilder();
        boolean logins = kind.equals("logins");
        out.append("### ")
                .append(kind)
                .append(": ")
                .append(runs.size())
                .append(runs.size() == 1 ? " run" : " runs")
                .append(", median [min–max]\n\n");
        if (logins) {
            List<Double> floors = new ArrayList<>();
            runs.forEach(run -> floors.add(
                    run.arithmeticFloor() == null ? 0 : run.arithmeticFloor().serverLoginUs()));
            out.append("Arithmetic floor of a server login (4 var + 1 fixed multiplications), per run: ")
                    .append(cell(floors, D0, ""))
                    .append(" µs.\n\n");
        }
        List<String> columns = new ArrayList<>(List.of(
                "server",
                "operation",
                "concurrency",
                logins ? "logins/s" : "calls/s",
                "p50 ms",
                "p90 ms",
                "p99 ms",
                "max ms",
                "server CPU/op µs"));
        if (logins) {
            columns.add("÷ floor");
        }
        columns.addAll(List.of("load gen CPU/op µs", "other busy cores", "errors"));
        MarkdownTable table = MarkdownTable.of(columns);
        Map<List<Object>, List<LoadResults.ResultRow>> rows = new LinkedHashMap<>();
        for (LoadResults run : runs) {
            for (LoadResults.ResultRow row : run.rows()) {
                rows.computeIfAbsent(
                                List.of(
                                        String.valueOf(row.target()),
                                        String.valueOf(row.operation()),
                                        row.concurrency()),
                                k -> new ArrayList<>())
                        .add(row);
            }
        }
        for (List<LoadResults.ResultRow> same : rows.values()) {
            LoadResults.ResultRow first = same.get(0);
            List<Object> cells = new ArrayList<>(List.of(
                    first.target(),
                    first.operation(),
                    first.concurrency(),
                    cell(values(same, LoadResults.ResultRow::throughputPerS), THOUSANDS, ""),
                    cell(values(same, row -> latency(row, LoadResults.LatencyMs::p50)), D2, ""),
                    cell(values(same, row -> latency(row, LoadResults.LatencyMs::p90)), D2, ""),
                    cell(values(same, row -> latency(row, LoadResults.LatencyMs::p99)), D2, ""),
                    cell(values(same, row -> latency(row, LoadResults.LatencyMs::max)), D1, ""),
                    cell(values(same, LoadResults.ResultRow::serverCpuPerOpUs), D0, "")));
            if (logins) {
                cells.add(cell(values(same, LoadResults.ResultRow::serverCpuOverFloor), D2, "×"));
            }
            cells.add(cell(values(same, LoadResults.ResultRow::loadCpuPerOpUs), D0, ""));
            cells.add(cell(values(same, LoadResults.ResultRow::otherBusyCores), D2, ""));
            cells.add(same.stream().mapToInt(LoadResults.ResultRow::errors).sum());
            table.row(cells.toArray());
        }
        out.append(table.render());
        Map<List<Object>, List<LoadResults.Comparison>> comparisons = new LinkedHashMap<>();
        for (LoadResults run : runs) {
            for (LoadResults.Comparison c : run.comparisons()) {
                List<Object> key = List.of(
                        String.valueOf(c.target()),
                        c.operation() == null ? "login" : c.operation(),
                        String.valueOf(c.relativeTo()),
                        c.concurrency());
                comparisons.computeIfAbsent(key, k -> new ArrayList<>()).add(c);
            }
        }
        if (!comparisons.isEmpty()) {
            MarkdownTable ratios = logins
                    ? MarkdownTable.of("concurrency", "server", "relative to", "server CPU per login", "logins/s")
                    : MarkdownTable.of(
                            "concurrency", "server", "operation", "throughput ÷ healthz", "server CPU/op ÷ healthz");
            for (List<LoadResults.Comparison> same : comparisons.values()) {
                LoadResults.Comparison first = same.get(0);
                if (logins) {
                    ratios.row(
                            first.concurrency(),
                            first.target(),
                            first.relativeTo(),
                            cell(values(same, LoadResults.Comparison::serverCpuPerLoginRatio), D2, "×"),
                            cell(values(same, LoadResults.Comparison::throughputRatio), D2, "×"));
                } else {
                    ratios.row(
                            first.concurrency(),
                            first.target(),
                            first.operation(),
                            cell(values(same, LoadResults.Comparison::throughputRatio), D3, ""),
                            cell(values(same, LoadResults.Comparison::serverCpuPerOpRatio), D2, ""));
                }
            }
            out.append('\n').append(ratios.render());
        }
        int pairs = 0;
        int accepted = 0;
        int probeErrors = 0;
        int errorsTotal = 0;
        for (LoadResults run : runs) {
            pairs += run.replayProbes().pairs();
            accepted += run.replayProbes().acceptedReplays();
            probeErrors += run.replayProbes().errors();
            errorsTotal += run.errorsTotal();
        }
        out.append(String.format(
                Locale.ROOT,
                "%nOver all runs: %d errors; %d replay probe pairs, %d replays accepted, %d probe errors.%n%n",
                errorsTotal,
                pairs,
                accepted,
                probeErrors));
        return out.toString();
    }

    private static Double latency(LoadResults.ResultRow row, Function<LoadResults.LatencyMs, Double> percentile) {
        return row.latencyMs() == null ? null : percentile.apply(row.latencyMs());
    }

    /** The measured values of one field over the runs; a field not measured (null) is left out. */
    private static <T> List<Double> values(List<T> items, Function<T, Double> field) {
        List<Double> values = new ArrayList<>();
        for (T item : items) {
            Double value = field.apply(item);
            if (value != null) {
                values.add(value);
            }
        }
        return values;
    }

    private static final DoubleFunction<String> D0 = MarkdownTable.D0;
    private static final DoubleFunction<String> D1 = MarkdownTable.D1;
    private static final DoubleFunction<String> D2 = MarkdownTable.D2;
    private static final DoubleFunction<String> D3 = MarkdownTable.D3;
    private static final DoubleFunction<String> THOUSANDS = MarkdownTable.THOUSANDS;

    /** {@code median [min–max]}, or the value alone for one run, or a dash for none; the unit follows the median. */
    static String cell(List<Double> values, DoubleFunction<String> format, String unit) {
        if (values.isEmpty()) {
            return "–";
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        String text = format.apply(median) + unit;
        if (n == 1) {
            return text;
        }
        return text + " [" + format.apply(sorted[0]) + "–" + format.apply(sorted[n - 1]) + "]";
    }
}
