package dev.opaquepop.loadgen;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
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
    private final LoadResults.Settings settings;
    private final List<LoadResults.ServerInfo> servers;
    private final LoadResults.Floor floor;
    private final List<Row> rows;
    private final ReplayProbe.Result probes;

    /**
     * @param kind {@code logins} or {@code calls}
     * @param floor the arithmetic floor of a server login (logins), or null
     */
    Report(
            String kind,
            LoadResults.Settings settings,
            List<LoadResults.ServerInfo> servers,
            LoadResults.Floor floor,
            List<Row> rows,
            ReplayProbe.Result probes) {
        this.kind = kind;
        this.settings = settings;
        this.servers = List.copyOf(servers);
        this.floor = floor;
        this.rows = List.copyOf(rows);
        this.probes = probes;
    }

    /** The servers' {@code signed_gets_resent}, summed (see {@code OpaquePopClient.resentAfterReplayedNonce}). */
    private long resentGets() {
        return servers.stream()
                .mapToLong(LoadResults.ServerInfo::signedGetsResent)
                .sum();
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
        ResultsJson.write(directory.resolve(kind + ".json"), results());
        Files.writeString(directory.resolve(kind + ".csv"), csv(), StandardCharsets.UTF_8);
        String markdown = markdown();
        Files.writeString(directory.resolve(kind + ".md"), markdown, StandardCharsets.UTF_8);
        plot(directory.resolve(kind + ".png"));
        return markdown;
    }

    /** What {@code <kind>.json} holds. */
    LoadResults results() {
        return new LoadResults(
                kind,
                Instant.now().toString(),
                ReportHeader.machine(),
                settings,
                servers,
                floor,
                rows.stream().map(Report::rowJson).toList(),
                comparisons(),
                new LoadResults.ReplayProbes(
                        probes.pairs(), probes.acceptedReplays(), probes.errors(), probes.errorSamples()),
                errors());
    }

    private static LoadResults.ResultRow rowJson(Row row) {
        Measurement m = row.measurement();
        return new LoadResults.ResultRow(
                row.target(),
                row.operation(),
                row.concurrency(),
                m.ok(),
                m.errors(),
                round(m.seconds(), 3),
                round(m.throughput(), 1),
                new LoadResults.LatencyMs(
                        round(m.percentileMillis(50), 3),
                        round(m.percentileMillis(90), 3),
                        round(m.percentileMillis(99), 3),
                        round(m.percentileMillis(100), 3),
                        round(m.meanMillis(), 3)),
                nullable(m.serverCpuSeconds(), 3),
                nullable(m.serverCpuPerOpMicros(), 1),
                nullable(row.floorMicros(), 1),
                nullable(row.cpuOverFloor(), 3),
                nullable(m.loadCpuPerOpMicros(), 1),
                nullable(m.machineBusyCores(), 3),
                nullable(m.otherBusyCores(), 3),
                m.errorSamples());
    }

    /**
     * Side-by-side ratios at each concurrency: for logins, every other server's CPU per login and throughput
     * relative to the first server's; for calls, each server's {@code me} and {@code transfer} throughput relative
     * to its own {@code healthz} in the same run.
     */
    List<LoadResults.Comparison> comparisons() {
        List<LoadResults.Comparison> out = new ArrayList<>();
        List<String> targets = targets();
        for (int level : levels()) {
            if (kind.equals("logins")) {
                Optional<Row> base = find(targets.get(0), "login", level);
                for (String other : targets.subList(1, targets.size())) {
                    Optional<Row> row = find(other, "login", level);
                    if (base.isPresent() && row.isPresent()) {
                        out.add(new LoadResults.Comparison(
                                level,
                                other,
                                null,
                                targets.get(0),
                                nullable(ratio(cpu(row.get()), cpu(base.get())), 3),
                                throughputRatio(row.get(), base.get()),
                                null));
                    }
                }
            } else {
                for (String target : targets) {
                    Optional<Row> health = find(target, "healthz", level);
                    for (String operation : List.of("me", "transfer")) {
                        Optional<Row> row = find(target, operation, level);
                        if (health.isPresent() && row.isPresent()) {
                            out.add(new LoadResults.Comparison(
                                    level,
                                    target,
                                    operation,
                                    "healthz",
                                    null,
                                    throughputRatio(row.get(), health.get()),
                                    nullable(ratio(cpu(row.get()), cpu(health.get())), 3)));
                        }
                    }
                }
            }
        }
        return out;
    }

    private static double throughputRatio(Row row, Row base) {
        return round(row.measurement().throughput() / base.measurement().throughput(), 3);
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
        boolean floors = rows.stream().anyMatch(row -> row.floorMicros().isPresent());
        List<String> columns = new ArrayList<>(List.of(
                "server",
                "operation",
                "concurrency",
                kind.equals("logins") ? "logins/s" : "calls/s",
                "p50 ms",
                "p90 ms",
                "p99 ms",
                "max ms",
                "errors",
                "server CPU/op µs"));
        if (floors) {
            columns.add("÷ floor");
        }
        columns.addAll(List.of("load gen CPU/op µs", "busy cores (other)"));
        MarkdownTable table = MarkdownTable.of(columns);
        for (Row row : rows) {
            Measurement m = row.measurement();
            List<Object> cells = new ArrayList<>(List.of(
                    row.target(),
                    row.operation(),
                    row.concurrency(),
                    MarkdownTable.THOUSANDS.apply(m.throughput()),
                    MarkdownTable.D2.apply(m.percentileMillis(50)),
                    MarkdownTable.D2.apply(m.percentileMillis(90)),
                    MarkdownTable.D2.apply(m.percentileMillis(99)),
                    MarkdownTable.D2.apply(m.percentileMillis(100)),
                    m.errors(),
                    text(m.serverCpuPerOpMicros(), MarkdownTable.D0, "")));
            if (floors) {
                cells.add(text(row.cpuOverFloor(), MarkdownTable.D2, "×"));
            }
            cells.add(text(m.loadCpuPerOpMicros(), MarkdownTable.D0, ""));
            cells.add(text(m.machineBusyCores(), MarkdownTable.D2, "") + " ("
                    + text(m.otherBusyCores(), MarkdownTable.D2, "") + ")");
            table.row(cells.toArray());
        }
        StringBuilder out = new StringBuilder(table.render());
        List<LoadResults.Comparison> comparisons = comparisons();
        if (!comparisons.isEmpty()) {
            MarkdownTable ratios = kind.equals("logins")
                    ? MarkdownTable.of("concurrency", "server", "relative to", "server CPU per login", "logins/s")
                    : MarkdownTable.of(
                            "concurrency", "server", "operation", "throughput ÷ healthz", "server CPU/op ÷ healthz");
            for (LoadResults.Comparison c : comparisons) {
                if (kind.equals("logins")) {
                    ratios.row(
                            c.concurrency(),
                            c.target(),
                            c.relativeTo(),
                            c.serverCpuPerLoginRatio() + "×",
                            c.throughputRatio() + "×");
                } else {
                    ratios.row(
                            c.concurrency(), c.target(), c.operation(), c.throughputRatio(), c.serverCpuPerOpRatio());
                }
            }
            out.append('\n').append(ratios.render());
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
