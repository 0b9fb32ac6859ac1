package dev.opaquepop.loadgen;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.function.DoubleFunction;

/**
 * Writes one run's results as {@code <kind>.json} (everything), {@code <kind>.csv} (one line per row),
 * {@code <kind>.md} (the tables) and {@code <kind>.png} (throughput and latency against concurrency).
 */
final class Report {
    static final String CSV_HEADER = "kind,target,operation,concurrency,ok,errors,seconds,throughput_per_s,"
            + "p50_ms,p90_ms,p99_ms,max_ms,mean_ms,server_cpu_per_op_us,floor_us,server_cpu_over_floor,"
            + "load_cpu_per_op_us,machine_busy_cores,other_busy_cores";

    private final String kind;
    private final Map<String, Object> header;
    private final List<Row> rows;
    private final ReplayProbe.Result probes;

    /**
     * @param kind {@code logins} or {@code calls}
     * @param header what the JSON says before the rows: machine, settings, servers, floor
     */
    Report(String kind, Map<String, Object> header, List<Row> rows, ReplayProbe.Result probes) {
        this.kind = kind;
        this.header = header;
        this.rows = List.copyOf(rows);
        this.probes = probes;
    }

    /** The servers' {@code signed_gets_resent}, summed (see {@code OpaquePopClient.resentAfterReplayedNonce}). */
    private long resentGets() {
        long sum = 0;
        if (header.get("servers") instanceof List<?> servers) {
            for (Object server : servers) {
                if (server instanceof Map<?, ?> map && map.get("signed_gets_resent") instanceof Long count) {
                    sum += count;
                }
            }
        }
        return sum;
    }

    int acceptedReplays() {
        return probes.acceptedReplays();
    }

    int errors() {
        return rows.stream().mapToInt(row -> row.measurement().errors()).sum() + probes.errors();
    }

    /** Writes the four files into {@code directory}; returns the markdown. */
    String write(Path directory) throws IOException {
        Files.createDirectories(directory);
        Map<String, Object> json = new LinkedHashMap<>(header);
        json.put("rows", rows.stream().map(Report::rowJson).toList());
        json.put("comparisons", comparisons());
        Map<String, Object> replay = new LinkedHashMap<>();
        replay.put("pairs", probes.pairs());
        replay.put("accepted_replays", probes.acceptedReplays());
        replay.put("errors", probes.errors());
        replay.put("error_samples", probes.errorSamples());
        json.put("replay_probes", replay);
        json.put("errors_total", errors());
        new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(directory.resolve(kind + ".json").toFile(), json);
        Files.writeString(directory.resolve(kind + ".csv"), csv(), StandardCharsets.UTF_8);
        String markdown = markdown();
        Files.writeString(directory.resolve(kind + ".md"), markdown, StandardCharsets.UTF_8);
        plot(directory.resolve(kind + ".png"));
        return markdown;
    }

    private static Map<String, Object> rowJson(Row row) {
        Measurement m = row.measurement();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("target", row.target());
        json.put("operation", row.operation());
        json.put("concurrency", row.concurrency());
        json.put("ok", m.ok());
        json.put("errors", m.errors());
        json.put("seconds", round(m.seconds(), 3));
        json.put("throughput_per_s", round(m.throughput(), 1));
        Map<String, Object> latency = new LinkedHashMap<>();
        latency.put("p50", round(m.percentileMillis(50), 3));
        latency.put("p90", round(m.percentileMillis(90), 3));
        latency.put("p99", round(m.percentileMillis(99), 3));
        latency.put("max", round(m.percentileMillis(100), 3));
        latency.put("mean", round(m.meanMillis(), 3));
        json.put("latency_ms", latency);
        json.put("server_cpu_s", nullable(m.serverCpuSeconds(), 3));
        json.put("server_cpu_per_op_us", nullable(m.serverCpuPerOpMicros(), 1));
        json.put("floor_us", nullable(row.floorMicros(), 1));
        json.put("server_cpu_over_floor", nullable(row.cpuOverFloor(), 3));
        json.put("load_cpu_per_op_us", nullable(m.loadCpuPerOpMicros(), 1));
        json.put("machine_busy_cores", nullable(m.machineBusyCores(), 3));
        json.put("other_busy_cores", nullable(m.otherBusyCores(), 3));
        json.put("error_samples", m.errorSamples());
        return json;
    }

    /**
     * Side-by-side ratios at each concurrency: for logins, every other server's CPU per login and throughput
     * relative to the first server's; for calls, each server's {@code me} and {@code transfer} throughput relative
     * to its own {@code healthz} in the same run.
     */
    List<Map<String, Object>> comparisons() {
        List<Map<String, Object>> out = new ArrayList<>();
        List<String> targets = targets();
        for (int level : levels()) {
            if (kind.equals("logins")) {
                Optional<Row> base = find(targets.get(0), "login", level);
                for (String other : targets.subList(1, targets.size())) {
                    Optional<Row> row = find(other, "login", level);
                    if (base.isEmpty() || row.isEmpty()) {
                        continue;
                    }
                    Map<String, Object> c = new LinkedHashMap<>();
                    c.put("concurrency", level);
                    c.put("target", other);
                    c.put("relative_to", targets.get(0));
                    c.put("server_cpu_per_login_ratio", nullable(ratio(cpu(row.get()), cpu(base.get())), 3));
                    c.put(
                            "throughput_ratio",
                            round(
                                    row.get().measurement().throughput()
                                            / base.get().measurement().throughput(),
                                    3));
                    out.add(c);
                }
            } else {
                for (String target : targets) {
                    Optional<Row> health = find(target, "healthz", level);
                    for (String operation : List.of("me", "transfer")) {
                        Optional<Row> row = find(target, operation, level);
                        if (health.isEmpty() || row.isEmpty()) {
                            continue;
                        }
                        Map<String, Object> c = new LinkedHashMap<>();
                        c.put("concurrency", level);
                        c.put("target", target);
                        c.put("operation", operation);
                        c.put("relative_to", "healthz");
                        c.put(
                                "throughput_ratio",
                                round(
                                        row.get().measurement().throughput()
                                                / health.get().measurement().throughput(),
                                        3));
                        c.put("server_cpu_per_op_ratio", nullable(ratio(cpu(row.get()), cpu(health.get())), 3));
                        out.add(c);
                    }
                }
            }
        }
        return out;
    }

    String csv() {
        StringBuilder out = new StringBuilder(CSV_HEADER).append('\n');
        for (Row row : rows) {
            Measurement m = row.measurement();
            List<String> cells = List.of(
                    kind,
                    row.target(),
                    row.operation(),
                    Integer.toString(row.concurrency()),
                    Integer.toString(m.ok()),
                    Integer.toString(m.errors()),
                    number(m.seconds(), 3),
                    number(m.throughput(), 1),
                    number(m.percentileMillis(50), 3),
                    number(m.percentileMillis(90), 3),
                    number(m.percentileMillis(99), 3),
                    number(m.percentileMillis(100), 3),
                    number(m.meanMillis(), 3),
                    number(m.serverCpuPerOpMicros(), 1),
                    number(row.floorMicros(), 1),
                    number(row.cpuOverFloor(), 3),
                    number(m.loadCpuPerOpMicros(), 1),
                    number(m.machineBusyCores(), 3),
                    number(m.otherBusyCores(), 3));
            out.append(String.join(",", cells)).append('\n');
        }
        return out.toString();
    }

    String markdown() {
        StringBuilder out = new StringBuilder();
        String unit = kind.equals("logins") ? "logins/s" : "calls/s";
        out.append("| server | operation | concurrency | ")
                .append(unit)
                .append(" | p50 ms | p90 ms | p99 ms | max ms | errors | server CPU/op µs |");
        boolean floors = rows.stream().anyMatch(row -> row.floorMicros().isPresent());
        if (floors) {
            out.append(" ÷ floor |");
        }
        out.append(" load gen CPU/op µs | busy cores (other) |\n|---|---|---|---|---|---|---|---|---|---|");
        out.append(floors ? "---|" : "").append("---|---|\n");
        for (Row row : rows) {
            Measurement m = row.measurement();
            out.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %d | %,.0f | %.2f | %.2f | %.2f | %.2f | %d | %s |",
                    row.target(),
                    row.operation(),
                    row.concurrency(),
                    m.throughput(),
                    m.percentileMillis(50),
                    m.percentileMillis(90),
                    m.percentileMillis(99),
                    m.percentileMillis(100),
                    m.errors(),
                    text(m.serverCpuPerOpMicros(), SummarizeCommand.D0, "")));
            if (floors) {
                out.append(' ')
                        .append(text(row.cpuOverFloor(), SummarizeCommand.D2, "×"))
                        .append(" |");
            }
            out.append(' ')
                    .append(text(m.loadCpuPerOpMicros(), SummarizeCommand.D0, ""))
                    .append(" | ")
                    .append(text(m.machineBusyCores(), SummarizeCommand.D2, ""))
                    .append(" (")
                    .append(text(m.otherBusyCores(), SummarizeCommand.D2, ""))
                    .append(") |\n");
        }
        List<Map<String, Object>> comparisons = comparisons();
        if (!comparisons.isEmpty()) {
            out.append('\n');
            if (kind.equals("logins")) {
                out.append("| concurrency | server | relative to | server CPU per login | logins/s |\n");
                out.append("|---|---|---|---|---|\n");
                for (Map<String, Object> c : comparisons) {
                    out.append(String.format(
                            Locale.ROOT,
                            "| %s | %s | %s | %s× | %s× |%n",
                            c.get("concurrency"),
                            c.get("target"),
                            c.get("relative_to"),
                            c.get("server_cpu_per_login_ratio"),
                            c.get("throughput_ratio")));
                }
            } else {
                out.append("| concurrency | server | operation | throughput ÷ healthz | server CPU/op ÷ healthz |\n");
                out.append("|---|---|---|---|---|\n");
                for (Map<String, Object> c : comparisons) {
                    out.append(String.format(
                            Locale.ROOT,
                            "| %s | %s | %s | %s | %s |%n",
                            c.get("concurrency"),
                            c.get("target"),
                            c.get("operation"),
                            c.get("throughput_ratio"),
                            c.get("server_cpu_per_op_ratio")));
                }
            }
        }
        out.append(String.format(
                Locale.ROOT,
                "%nReplay probes: %d pairs of identical signed requests sent at once, %d replays accepted, %d"
                        + " errors.%n",
                probes.pairs(),
                probes.acceptedReplays(),
                probes.errors()));
        long resent = resentGets();
        if (resent > 0) {
            out.append(String.format(
                    Locale.ROOT,
                    "Signed GETs the HTTP client sent twice by itself (the copy refused as replayed_nonce, then signed"
                            + " again by the SDK): %d.%n",
                    resent));
        }
        return out.toString();
    }

    private void plot(Path file) throws IOException {
        List<Integer> levels = levels();
        List<Plot.Series> series = new ArrayList<>();
        for (String target : targets()) {
            for (String operation : operations()) {
                List<Double> throughput = new ArrayList<>();
                List<Double> p50 = new ArrayList<>();
                List<Double> p99 = new ArrayList<>();
                boolean any = false;
                for (int level : levels) {
                    Optional<Row> row = find(target, operation, level);
                    throughput.add(row.map(r -> r.measurement().throughput()).orElse(Double.NaN));
                    p50.add(row.map(r -> r.measurement().percentileMillis(50)).orElse(Double.NaN));
                    p99.add(row.map(r -> r.measurement().percentileMillis(99)).orElse(Double.NaN));
                    any |= row.isPresent();
                }
                if (any) {
                    String label = operations().size() == 1 ? target : target + " " + operation;
                    series.add(new Plot.Series(label, throughput, p50, p99));
                }
            }
        }
        String title = kind.equals("logins")
                ? "Full OPAQUE logins (identity KSF on the client): throughput and latency against concurrency"
                : "Signed calls vs GET /healthz: throughput and latency against concurrency";
        Plot.write(file, title, kind.equals("logins") ? "logins/s" : "requests/s", levels, series);
    }

    private Optional<Row> find(String target, String operation, int level) {
        return rows.stream()
                .filter(row ->
                        row.target().equals(target) && row.operation().equals(operation) && row.concurrency() == level)
                .findFirst();
    }

    private List<String> targets() {
        Set<String> names = new LinkedHashSet<>();
        rows.forEach(row -> names.add(row.target()));
        return new ArrayList<>(names);
    }

    private List<String> operations() {
        Set<String> names = new LinkedHashSet<>();
        rows.forEach(row -> names.add(row.operation()));
        return new ArrayList<>(names);
    }

    private List<Integer> levels() {
        Set<Integer> levels = new LinkedHashSet<>();
        rows.forEach(row -> levels.add(row.concurrency()));
        return levels.stream().sorted().toList();
    }

    private static OptionalDouble cpu(Row row) {
        return row.measurement().serverCpuPerOpMicros();
    }

    private static OptionalDouble ratio(OptionalDouble numerator, OptionalDouble denominator) {
        return numerator.isPresent() && denominator.isPresent() && denominator.getAsDouble() > 0
                ? OptionalDouble.of(numerator.getAsDouble() / denominator.getAsDouble())
                : OptionalDouble.empty();
    }

    private static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }

    private static Double nullable(OptionalDouble value, int decimals) {
        return value.isPresent() ? round(value.getAsDouble(), decimals) : null;
    }

    private static String number(double value, int decimals) {
        return BigDecimal.valueOf(value)
                .setScale(decimals, RoundingMode.HALF_UP)
                .toPlainString();
    }

    private static String number(OptionalDouble value, int decimals) {
        return value.isPresent() ? number(value.getAsDouble(), decimals) : "";
    }

    private static String text(OptionalDouble value, DoubleFunction<String> format, String unit) {
        return value.isPresent() ? format.apply(value.getAsDouble()) + unit : "–";
    }
}
