package dev.opaquepop.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.opaquepop.opaque.ArithmeticFloor;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns JMH JSON results ({@code -rf json}) into the table of BENCHMARKS.md: each operation's time next to its
 * arithmetic floor, the ristretto255 scalar multiplications it cannot avoid, timed in the same run. For the PoP
 * operations the floor is one HMAC-SHA256 of a canonical request. Given several result files (repeated runs), it
 * shows every run's time and the range of the ratios.
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.opaquepop.bench.FloorReport run1.json run2.json</pre>
 */
public final class FloorReport {
    static final String VARIABLE_BASE = "OpaqueServerBenchmark.scalarMultiplication";
    static final String FIXED_BASE = "OpaqueServerBenchmark.baseMultiplication";
    static final String HMAC = "PopBenchmark.hmacSha256";
    static final String SERVER_START = "OpaqueServerBenchmark.serverLoginStartRealRecord";
    static final String SERVER_FINISH = "OpaqueServerBenchmark.serverLoginFinish";
    /** Derived: login start (real record) plus login finish, what the server spends on one login's crypto. */
    static final String SERVER_FULL_LOGIN = "server full login (start + finish)";

    /** What an operation cannot do with less: its curve arithmetic, or HMACs. */
    record Floor(ArithmeticFloor curve, int hmacs, String note) {
        static Floor curve(ArithmeticFloor curve) {
            return new Floor(curve, 0, "");
        }

        static Floor hmacs(int hmacs) {
            return new Floor(ArithmeticFloor.NONE, hmacs, "");
        }

        String describe() {
            return hmacs > 0 ? hmacs + " HMAC-SHA256" : curve.describe();
        }
    }

    /** The operations reported, in order, with their floors (docs: the class comments of each benchmark). */
    static final Map<String, Floor> OPERATIONS = new LinkedHashMap<>();

    static {
        OPERATIONS.put(
                "OpaqueServerBenchmark.serverRegistrationResponse", Floor.curve(ArithmeticFloor.SERVER_REGISTRATION));
        OPERATIONS.put(SERVER_START, Floor.curve(ArithmeticFloor.SERVER_LOGIN));
        OPERATIONS.put("OpaqueServerBenchmark.serverLoginStartFakeRecord", Floor.curve(ArithmeticFloor.SERVER_LOGIN));
        OPERATIONS.put(SERVER_FINISH, new Floor(ArithmeticFloor.NONE, 0, "a MAC compare; no curve arithmetic"));
        OPERATIONS.put(SERVER_FULL_LOGIN, Floor.curve(ArithmeticFloor.SERVER_LOGIN));
        OPERATIONS.put("ClientLoginBenchmark.clientLoginIdentityKsf", Floor.curve(ArithmeticFloor.CLIENT_LOGIN));
        OPERATIONS.put(
                "ClientLoginBenchmark.clientLoginArgon2id",
                new Floor(ArithmeticFloor.CLIENT_LOGIN, 0, "Argon2id (64 MiB, t = 3, p = 4) is the cost, by design"));
        OPERATIONS.put("OpaqueServerBenchmark.wholeLoginIdentityKsf", Floor.curve(ArithmeticFloor.WHOLE_LOGIN));
        OPERATIONS.put("PopBenchmark.popSign", Floor.hmacs(1));
        OPERATIONS.put("PopBenchmark.popVerify", Floor.hmacs(1));
    }

    private FloorReport() {}

    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            System.err.println("usage: FloorReport jmh-result.json [more runs...]");
            System.exit(2);
        }
        List<Map<String, Double>> runs = new ArrayList<>();
        for (String arg : args) {
            runs.add(readMicros(Path.of(arg)));
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        out.print(render(runs));
    }

    /** Benchmark name ({@code Class.method}) to its score in microseconds per operation. */
    static Map<String, Double> readMicros(Path file) throws IOException {
        JsonNode results = new ObjectMapper().readTree(file.toFile());
        Map<String, Double> micros = new LinkedHashMap<>();
        for (JsonNode result : results) {
            String benchmark = result.path("benchmark").asText();
            String mode = result.path("mode").asText();
            if (!mode.equals("avgt") && !mode.equals("ss")) {
                continue;
            }
            JsonNode metric = result.path("primaryMetric");
            double score = metric.path("score").asDouble();
            String unit = metric.path("scoreUnit").asText();
            micros.put(shortName(benchmark) + params(result.path("params")), toMicros(score, unit));
        }
        return micros;
    }

    /** {@code [name=value,...]} for a parameterized benchmark, empty otherwise. */
    static String params(JsonNode params) {
        List<String> pairs = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : params.properties()) {
            pairs.add(field.getKey() + "=" + field.getValue().asText());
        }
        return pairs.isEmpty() ? "" : "[" + String.join(",", pairs) + "]";
    }

    static String shortName(String benchmark) {
        int method = benchmark.lastIndexOf('.');
        int type = benchmark.lastIndexOf('.', method - 1);
        return benchmark.substring(type + 1);
    }

    static double toMicros(double score, String unit) {
        return switch (unit) {
            case "ns/op" -> score / 1e3;
            case "us/op" -> score;
            case "ms/op" -> score * 1e3;
            case "s/op" -> score * 1e6;
            default ->
                throw new IllegalArgumentException("unsupported JMH unit " + unit + " (use an average time mode)");
        };
    }

    /** The markdown report for one or more runs. */
    static String render(List<Map<String, Double>> runs) {
        StringBuilder out = new StringBuilder();
        out.append("Floor units, per run: one variable-base multiplication ")
                .append(perRun(runs, VARIABLE_BASE))
                .append(" µs, one fixed-base multiplication ")
                .append(perRun(runs, FIXED_BASE))
                .append(" µs, one HMAC-SHA256 of a canonical request ")
                .append(perRun(runs, HMAC))
                .append(" µs.\n\n");
        out.append("| operation | time per run (µs) | floor | floor per run (µs) | operation / floor |\n");
        out.append("|---|---|---|---|---|\n");
        for (Map.Entry<String, Floor> entry : OPERATIONS.entrySet()) {
            for (String name : variants(runs, entry.getKey())) {
                row(out, runs, name, entry.getValue());
            }
        }
        return out.toString();
    }

    /** The measured names of an operation: itself, or each of its parameter combinations, in first-seen order. */
    private static List<String> variants(List<Map<String, Double>> runs, String operation) {
        Set<String> names = new LinkedHashSet<>();
        for (Map<String, Double> run : runs) {
            for (String name : run.keySet()) {
                if (name.equals(operation) || name.startsWith(operation + "[")) {
                    names.add(name);
                }
            }
        }
        if (names.isEmpty()) {
            names.add(operation); // a derived row; it is left out below when its parts are missing
        }
        return new ArrayList<>(names);
    }

    private static void row(StringBuilder out, List<Map<String, Double>> runs, String name, Floor floor) {
        List<Double> times = new ArrayList<>();
        List<Double> floors = new ArrayList<>();
        for (Map<String, Double> run : runs) {
            Optional<Double> time = time(run, name);
            Optional<Double> floorMicros = floorMicros(run, floor);
            if (time.isPresent()) {
                times.add(time.get());
                floorMicros.ifPresent(floors::add);
            }
        }
        if (times.isEmpty()) {
            return;
        }
        out.append("| ")
                .append(name)
                .append(" | ")
                .append(join(times))
                .append(" | ")
                .append(floor.describe())
                .append(" | ")
                .append(floors.isEmpty() ? "–" : join(floors))
                .append(" | ")
                .append(ratios(times, floors, floor))
                .append(" |\n");
    }

    private static Optional<Double> time(Map<String, Double> run, String name) {
        if (name.equals(SERVER_FULL_LOGIN)) {
            Double start = run.get(SERVER_START);
            Double finish = run.get(SERVER_FINISH);
            return start == null || finish == null ? Optional.empty() : Optional.of(start + finish);
        }
        return Optional.ofNullable(run.get(name));
    }

    /** The floor in microseconds, or empty when the operation has none or a unit is missing from the run. */
    static Optional<Double> floorMicros(Map<String, Double> run, Floor floor) {
        if (floor.hmacs() > 0) {
            Double hmac = run.get(HMAC);
            return hmac == null ? Optional.empty() : Optional.of(floor.hmacs() * hmac);
        }
        if (floor.curve().equals(ArithmeticFloor.NONE)) {
            return Optional.empty();
        }
        Double variable = run.get(VARIABLE_BASE);
        Double fixed = run.get(FIXED_BASE);
        if (variable == null || fixed == null) {
            return Optional.empty();
        }
        return Optional.of(floor.curve().micros(new ArithmeticFloor.Units(variable, fixed)));
    }

    private static String ratios(List<Double> times, List<Double> floors, Floor floor) {
        if (floors.size() != times.size()) {
            return floor.note().isEmpty() ? "–" : floor.note();
        }
        double min = Double.MAX_VALUE;
        double max = 0;
        for (int i = 0; i < times.size(); i++) {
            double ratio = times.get(i) / floors.get(i);
            min = Math.min(min, ratio);
            max = Math.max(max, ratio);
        }
        String range = times.size() == 1 || format(min).equals(format(max))
                ? format(min) + "×"
                : format(min) + "–" + format(max) + "×";
        return floor.note().isEmpty() ? range : range + " (" + floor.note() + ")";
    }

    private static String perRun(List<Map<String, Double>> runs, String name) {
        List<Double> values = new ArrayList<>();
        for (Map<String, Double> run : runs) {
            Double value = run.get(name);
            if (value != null) {
                values.add(value);
            }
        }
        return values.isEmpty() ? "(not measured)" : join(values);
    }

    private static String join(List<Double> values) {
        List<String> parts = new ArrayList<>();
        for (double value : values) {
            parts.add(format(value));
        }
        return String.join(" / ", parts);
    }

    /** Three significant digits, at most. */
    static String format(double value) {
        if (value >= 100) {
            return String.format(Locale.ROOT, "%.0f", value);
        }
        if (value >= 10) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        return String.format(Locale.ROOT, "%.2f", value);
    }
}
