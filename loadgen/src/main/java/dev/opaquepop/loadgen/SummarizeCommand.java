package dev.opaquepop.loadgen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
        Map<String, List<JsonNode>> byKind = new LinkedHashMap<>();
        ObjectMapper mapper = new ObjectMapper();
        for (Path run : runs) {
            List<Path> files = Files.isDirectory(run)
                    ? List.of(run.resolve("logins.json"), run.resolve("calls.json"))
                    : List.of(run);
            for (Path file : files) {
                if (Files.isRegularFile(file)) {
                    JsonNode json = mapper.readTree(file.toFile());
                    byKind.computeIfAbsent(json.path("kind").asText(), k -> new ArrayList<>())
                            .add(json);
                }
            }
        }
        if (byKind.isEmpty()) {
            spec.commandLine().getErr().println("opaque-pop bench summarize: no logins.json or calls.json found");
            return 2;
        }
        StringBuilder report = new StringBuilder();
        for (Map.Entry<String, List<JsonNode>> entry : byKind.entrySet()) {
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

    static String summarize(String kind, List<JsonNode> runs) {
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
                    run.path("arithmetic_floor").path("server_login_us").asDouble()));
            out.append("Arithmetic floor of a server login (4 var + 1 fixed multiplications), per run: ")
                    .append(cell(floors, D0, ""))
                    .append(" µs.\n\n");
        }
        String unit = logins ? "logins/s" : "calls/s";
        out.append("| server | operation | concurrency | ")
                .append(unit)
                .append(" | p50 ms | p90 ms | p99 ms | max ms | server CPU/op µs |")
                .append(logins ? " ÷ floor |" : "")
                .append(" load gen CPU/op µs | other busy cores | errors |\n|---|---|---|---|---|---|---|---|---|")
                .append(logins ? "---|" : "")
                .append("---|---|---|\n");
        Map<String, List<JsonNode>> rows = new LinkedHashMap<>();
        for (JsonNode run : runs) {
            for (JsonNode row : run.path("rows")) {
                String key = row.path("target").asText() + "\u0000"
                        + row.path("operation").asText() + "\u0000"
                        + row.path("concurrency").asInt();
                rows.computeIfAbsent(key, k -> new ArrayList<>()).add(row);
            }
        }
        for (List<JsonNode> same : rows.values()) {
            JsonNode first = same.get(0);
            int errors =
                    same.stream().mapToInt(row -> row.path("errors").asInt()).sum();
            out.append("| ")
                    .append(first.path("target").asText())
                    .append(" | ")
                    .append(first.path("operation").asText())
                    .append(" | ")
                    .append(first.path("concurrency").asInt())
                    .append(" | ")
                    .append(cell(values(same, row -> row.path("throughput_per_s")), THOUSANDS, ""))
                    .append(" | ")
                    .append(cell(values(same, row -> row.path("latency_ms").path("p50")), D2, ""))
                    .append(" | ")
                    .append(cell(values(same, row -> row.path("latency_ms").path("p90")), D2, ""))
                    .append(" | ")
                    .append(cell(values(same, row -> row.path("latency_ms").path("p99")), D2, ""))
                    .append(" | ")
                    .append(cell(values(same, row -> row.path("latency_ms").path("max")), D1, ""))
                    .append(" | ")
                    .append(cell(values(same, row -> row.path("server_cpu_per_op_us")), D0, ""))
                    .append(" |");
            if (logins) {
                out.append(' ')
                        .append(cell(values(same, row -> row.path("server_cpu_over_floor")), D2, "×"))
                        .append(" |");
            }
            out.append(' ')
                    .append(cell(values(same, row -> row.path("load_cpu_per_op_us")), D0, ""))
                    .append(" | ")
                    .append(cell(values(same, row -> row.path("other_busy_cores")), D2, ""))
                    .append(" | ")
                    .append(errors)
                    .append(" |\n");
        }
        Map<String, List<JsonNode>> comparisons = new LinkedHashMap<>();
        for (JsonNode run : runs) {
            for (JsonNode c : run.path("comparisons")) {
                String key = c.path("target").asText() + "\u0000"
                        + c.path("operation").asText("login") + "\u0000"
                        + c.path("relative_to").asText() + "\u0000"
                        + c.path("concurrency").asInt();
                comparisons.computeIfAbsent(key, k -> new ArrayList<>()).add(c);
            }
        }
        if (!comparisons.isEmpty()) {
            out.append('\n');
            if (logins) {
                out.append("| concurrency | server | relative to | server CPU per login | logins/s |\n");
            } else {
                out.append("| concurrency | server | operation | throughput ÷ healthz | server CPU/op ÷ healthz |\n");
            }
            out.append("|---|---|---|---|---|\n");
            for (List<JsonNode> same : comparisons.values()) {
                JsonNode first = same.get(0);
                out.append("| ")
                        .append(first.path("concurrency").asInt())
                        .append(" | ")
                        .append(first.path("target").asText())
                        .append(" | ")
                        .append(
                                logins
                                        ? first.path("relative_to").asText()
                                        : first.path("operation").asText())
                        .append(" | ");
                if (logins) {
                    out.append(cell(values(same, c -> c.path("server_cpu_per_login_ratio")), D2, "×"))
                            .append(" | ")
                            .append(cell(values(same, c -> c.path("throughput_ratio")), D2, "×"));
                } else {
                    out.append(cell(values(same, c -> c.path("throughput_ratio")), D3, ""))
                            .append(" | ")
                            .append(cell(values(same, c -> c.path("server_cpu_per_op_ratio")), D2, ""));
                }
                out.append(" |\n");
            }
        }
        int pairs = 0;
        int accepted = 0;
        int probeErrors = 0;
        int errorsTotal = 0;
        for (JsonNode run : runs) {
            pairs += run.path("replay_probes").path("pairs").asInt();
            accepted += run.path("replay_probes").path("accepted_replays").asInt();
            probeErrors += run.path("replay_probes").path("errors").asInt();
            errorsTotal += run.path("errors_total").asInt();
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

    private static List<Double> values(List<JsonNode> nodes, Function<JsonNode, JsonNode> field) {
        List<Double> values = new ArrayList<>();
        for (JsonNode node : nodes) {
            JsonNode value = field.apply(node);
            if (value.isNumber()) {
                values.add(value.asDouble());
            }
        }
        return values;
    }

    static final DoubleFunction<String> D0 = v -> String.format(Locale.ROOT, "%.0f", v);
    static final DoubleFunction<String> D1 = v -> String.format(Locale.ROOT, "%.1f", v);
    static final DoubleFunction<String> D2 = v -> String.format(Locale.ROOT, "%.2f", v);
    static final DoubleFunction<String> D3 = v -> String.format(Locale.ROOT, "%.3f", v);
    static final DoubleFunction<String> THOUSANDS = v -> String.format(Locale.ROOT, "%,.0f", v);

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
