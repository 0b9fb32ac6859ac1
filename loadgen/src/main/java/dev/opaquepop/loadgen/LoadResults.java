package dev.opaquepop.loadgen;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Map;

/**
 * {@code logins.json} / {@code calls.json}: what {@link Report} writes and {@code bench summarize} reads. The
 * component names, in snake case, are the file format: renaming one breaks the summaries of earlier results
 * ({@code SummarizeCompatibilityTest} reads results saved before these records existed).
 *
 * @param arithmeticFloor the floor of a server login; logins only
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
record LoadResults(
        String kind,
        String startedAt,
        ReportHeader.Machine machine,
        Settings settings,
        List<ServerInfo> servers,
        @JsonInclude(JsonInclude.Include.NON_NULL) Floor arithmeticFloor,
        List<ResultRow> rows,
        List<Comparison> comparisons,
        ReplayProbes replayProbes,
        int errorsTotal) {

    LoadResults {
        servers = servers == null ? List.of() : List.copyOf(servers);
        rows = rows == null ? List.of() : List.copyOf(rows);
        comparisons = comparisons == null ? List.of() : List.copyOf(comparisons);
        replayProbes = replayProbes == null ? new ReplayProbes(0, 0, 0, List.of()) : replayProbes;
    }

    /**
     * The settings of the run; those of the other kind absent.
     *
     * @param users logins only
     * @param sessions calls only, as are the fields after it
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Settings(
            List<Integer> concurrency,
            double durationS,
            double warmupS,
            double primeS,
            int slices,
            int replayProbesPerLevel,
            Integer users,
            Integer sessions,
            Boolean transfers,
            List<String> operations,
            Map<String, String> signedPaths,
            Map<String, String> publicPaths,
            String clientKsf) {}

    /** One server as measured; {@code pid} null when its CPU was read from its metrics. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record ServerInfo(String name, String url, Long pid, String cpuSource, long signedGetsResent) {}

    /** The arithmetic floor of a server login, timed in the run. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Floor(
            double variableBaseMultiplicationUs, double fixedBaseMultiplicationUs, double serverLoginUs, String what) {}

    /** One {@link Row}, rounded; a null number was not measured. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record ResultRow(
            String target,
            String operation,
            int concurrency,
            int ok,
            int errors,
            double seconds,
            double throughputPerS,
            LatencyMs latencyMs,
            Double serverCpuS,
            Double serverCpuPerOpUs,
            Double floorUs,
            Double serverCpuOverFloor,
            Double loadCpuPerOpUs,
            Double machineBusyCores,
            Double otherBusyCores,
            List<String> errorSamples) {}

    /** Latency percentiles of a row, in milliseconds. */
    record LatencyMs(double p50, double p90, double p99, double max, double mean) {}

    /**
     * A side-by-side ratio at one level: for logins, another server's against the first's ({@code operation}
     * absent, {@code serverCpuPerLoginRatio} set); for calls, an operation's against {@code healthz} on the same
     * server ({@code serverCpuPerOpRatio} set).
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Comparison(
            int concurrency,
            String target,
            String operation,
            String relativeTo,
            Double serverCpuPerLoginRatio,
            Double throughputRatio,
            Double serverCpuPerOpRatio) {}

    /** The replay probes of the whole run. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record ReplayProbes(int pairs, int acceptedReplays, int errors, List<String> errorSamples) {}
}
