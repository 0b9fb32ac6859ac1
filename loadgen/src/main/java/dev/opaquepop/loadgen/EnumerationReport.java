package dev.opaquepop.loadgen;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.opaquepop.loadgen.EnumerationCommand.Probe;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.TreeSet;
import org.apache.commons.statistics.inference.MannWhitneyUTest;

/**
 * The statistics of one enumeration run. Latencies are compared three ways: the difference of the medians (what
 * an attacker averaging many requests would see), a bootstrap 95% interval for that difference (whether it is
 * distinguishable from zero at this sample size), and a two-sided Mann-Whitney U test (does one class tend to be
 * slower, without assuming a distribution: latencies are skewed and heavy-tailed).
 */
final class EnumerationReport {
    private static final int BOOTSTRAP_ROUNDS = 2000;

    private final URI server;
    private final long[] known;
    private final long[] unknown;
    private final TreeSet<String> knownShapes = new TreeSet<>();
    private final TreeSet<String> unknownShapes = new TreeSet<>();
    private final int failures;
    private final double alpha;
    private final double pValue;
    private final double lowMicros;
    private final double highMicros;

    private EnumerationReport(URI server, List<Probe> known, List<Probe> unknown, double alpha, Random random) {
        this.server = server;
        this.known = sortedNanos(known);
        this.unknown = sortedNanos(unknown);
        known.forEach(p -> knownShapes.add(p.shape()));
        unknown.forEach(p -> unknownShapes.add(p.shape()));
        this.failures = (int) (known.stream().filter(p -> p.status() != 200).count()
                + unknown.stream().filter(p -> p.status() != 200).count());
        this.alpha = alpha;
        MannWhitneyUTest.Result test = MannWhitneyUTest.withDefaults().test(micros(this.known), micros(this.unknown));
        this.pValue = test.getPValue();
        double[] interval = bootstrap(this.known, this.unknown, random);
        this.lowMicros = interval[0];
        this.highMicros = interval[1];
    }

    /** {@code enumeration.json}: the component names, in snake case, are the file format. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Results(
            String kind,
            String finishedAt,
            String server,
            int samplesPerClass,
            int failures,
            boolean shapesIdentical,
            List<String> knownShapes,
            List<String> unknownShapes,
            Latency knownUs,
            Latency unknownUs,
            double medianDifferenceUs,

            @JsonProperty("median_difference_bootstrap_95_us")
            List<Double> medianDifferenceBootstrap95Us,

            double mannWhitneyP,
            double alpha,
            String verdict) {}

    /** One class's latency percentiles and mean, in microseconds. */
    record Latency(double p10, double p50, double p90, double p99, double mean) {
        static Latency of(long[] sortedNanos) {
            return new Latency(
                    LatencyLog.percentile(sortedNanos, 10) / 1e3,
                    LatencyLog.percentile(sortedNanos, 50) / 1e3,
                    LatencyLog.percentile(sortedNanos, 90) / 1e3,
                    LatencyLog.percentile(sortedNanos, 99) / 1e3,
                    LatencyLog.mean(sortedNanos) / 1e3);
        }
    }

    static EnumerationReport of(URI server, List<Probe> known, List<Probe> unknown, double alpha, Random random) {
        return new EnumerationReport(server, known, unknown, alpha, random);
    }

    boolean shapesIdentical() {
        return knownShapes.equals(unknownShapes) && knownShapes.size() == 1;
    }

    int failures() {
        return failures;
    }

    double differenceMicros() {
        return (median(unknown) - median(known)) / 1e3;
    }

    /** The verdict in words: the test and the interval must both fail to separate the classes. */
    String verdict() {
        boolean separated = pValue < alpha || lowMicros > 0 || highMicros < 0;
        return separated
                ? String.format(Locale.ROOT, "DISTINGUISHABLE at α=%s (see the difference: is it above noise?)", alpha)
                : String.format(Locale.ROOT, "not distinguishable at α=%s", alpha);
    }

    /** Writes enumeration.json, .md and .png into {@code directory}; returns the markdown. */
    String write(Path directory) throws IOException {
        Files.createDirectories(directory);
        ResultsJson.write(
                directory.resolve("enumeration.json"),
                new Results(
                        "enumeration",
                        Instant.now().toString(),
                        server.toString(),
                        known.length,
                        failures,
                        shapesIdentical(),
                        List.copyOf(knownShapes),
                        List.copyOf(unknownShapes),
                        Latency.of(known),
                        Latency.of(unknown),
                        differenceMicros(),
                        List.of(lowMicros, highMicros),
                        pValue,
                        alpha,
                        verdict()));
        String markdown = markdown();
        Files.writeString(directory.resolve("enumeration.md"), markdown, StandardCharsets.UTF_8);
        EcdfPlot.write(
                directory.resolve("enumeration.png"),
                "login/start latency, known vs unknown username (" + known.length + " each)",
                List.of(new EcdfPlot.Series("known", known), new EcdfPlot.Series("unknown", unknown)));
        return markdown;
    }

    private String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("### enumeration: login/start, known vs unknown username\n\n");
        MarkdownTable table = MarkdownTable.of("class", "n", "p10 µs", "p50 µs", "p90 µs", "p99 µs", "mean µs")
                .alignRightFrom(1);
        row(table, "known", known);
        row(table, "unknown", unknown);
        md.append(table.render());
        md.append('\n')
                .append(String.format(
                        Locale.ROOT,
                        "- difference of medians (unknown − known): %+.1f µs, bootstrap 95%% interval [%+.1f, %+.1f] µs%n",
                        differenceMicros(),
                        lowMicros,
                        highMicros))
                .append(String.format(Locale.ROOT, "- Mann-Whitney U, two-sided: p = %.4g%n", pValue))
                .append("- response shape (status, headers, body fields and lengths): ")
                .append(shapesIdentical() ? "identical" : "DIFFERENT")
                .append(failures > 0 ? ", " + failures + " failed" : "")
                .append('\n')
                .append("- verdict: ")
                .append(verdict())
                .append('\n');
        return md.toString();
    }

    private static void row(MarkdownTable table, String label, long[] sorted) {
        Latency latency = Latency.of(sorted);
        table.row(
                label,
                sorted.length,
                MarkdownTable.D1.apply(latency.p10()),
                MarkdownTable.D1.apply(latency.p50()),
                MarkdownTable.D1.apply(latency.p90()),
                MarkdownTable.D1.apply(latency.p99()),
                MarkdownTable.D1.apply(latency.mean()));
    }

    /** Percentile bootstrap of the difference of medians: resample each class with replacement. */
    private static double[] bootstrap(long[] known, long[] unknown, Random random) {
        double[] differences = new double[BOOTSTRAP_ROUNDS];
        long[] a = new long[known.length];
        long[] b = new long[unknown.length];
        for (int round = 0; round < BOOTSTRAP_ROUNDS; round++) {
            resample(known, a, random);
            resample(unknown, b, random);
            differences[round] = (median(b) - median(a)) / 1e3;
        }
        Arrays.sort(differences);
        return new double[] {
            differences[(int) (0.025 * BOOTSTRAP_ROUNDS)], differences[(int) (0.975 * BOOTSTRAP_ROUNDS) - 1]
        };
    }

    private static void resample(long[] from, long[] into, Random random) {
        for (int i = 0; i < into.length; i++) {
            into[i] = from[random.nextInt(from.length)];
        }
        Arrays.sort(into);
    }

    /** The median of a sorted array. */
    private static double median(long[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    }

    private static long[] sortedNanos(List<Probe> probes) {
        long[] nanos = probes.stream().mapToLong(Probe::nanos).toArray();
        Arrays.sort(nanos);
        return nanos;
    }

    private static double[] micros(long[] nanos) {
        return Arrays.stream(nanos).mapToDouble(n -> n / 1e3).toArray();
    }
}
