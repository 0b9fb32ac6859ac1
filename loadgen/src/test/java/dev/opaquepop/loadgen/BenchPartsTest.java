package dev.opaquepop.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The load generator's arithmetic and parsing, without any server. */
class BenchPartsTest {
    @Test
    void percentile_isTheNearestRank() {
        long[] sorted = {10, 20, 30, 40, 50, 60, 70, 80, 90, 100};
        assertThat(LatencyLog.percentile(sorted, 50)).isEqualTo(50);
        assertThat(LatencyLog.percentile(sorted, 90)).isEqualTo(90);
        assertThat(LatencyLog.percentile(sorted, 99)).isEqualTo(100);
        assertThat(LatencyLog.percentile(sorted, 100)).isEqualTo(100);
        assertThat(LatencyLog.percentile(sorted, 0.1)).isEqualTo(10);
        assertThat(LatencyLog.percentile(new long[0], 50)).isZero();
        assertThatThrownBy(() -> LatencyLog.percentile(sorted, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void latencyLogs_mergeSortedAcrossWorkersAndGrow() {
        LatencyLog a = new LatencyLog();
        LatencyLog b = new LatencyLog();
        for (int i = 0; i < 10_000; i++) {
            a.record(2L * i + 1);
            b.record(2L * i);
        }
        long[] all = LatencyLog.mergeSorted(List.of(a, b));
        assertThat(all).hasSize(20_000);
        for (int i = 0; i < all.length; i++) {
            assertThat(all[i]).isEqualTo(i);
        }
        assertThat(LatencyLog.mean(new long[] {1, 2, 3, 6})).isEqualTo(3.0);
    }

    @Test
    void procStat_readsUtimePlusStimeEvenWithParenthesesInTheName() {
        String line = "4242 (java (weird) name) S 1 4242 4242 0 -1 4194560 123 0 0 0 1500 250 0 0 20 0 42 0 "
                + "1000 1000000 5000 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";
        assertThat(CpuClock.parseProcStat(line)).isCloseTo(17.5, within(1e-9));
    }

    @Test
    void procStat_ofThisProcess_isReadable() {
        OptionalDouble seconds = CpuClock.process(ProcessHandle.current().pid()).seconds();
        assertThat(seconds).isPresent();
        assertThat(seconds.getAsDouble()).isPositive();
        assertThat(CpuClock.process(Long.MAX_VALUE).seconds()).isEmpty();
    }

    @Test
    void compilerThreads_areTheC1AndC2ThreadsOnly() {
        String tail = " S 1 4242 4242 0 -1 4194560 123 0 0 0 1500 250 0 0 20 0 42 0 1000 1000000 5000";
        assertThat(CpuClock.isCompilerThread("4243 (C2 CompilerThre)" + tail)).isTrue();
        assertThat(CpuClock.isCompilerThread("4244 (C1 CompilerThre)" + tail)).isTrue();
        assertThat(CpuClock.isCompilerThread("4245 (GC Thread#0)" + tail)).isFalse();
        assertThat(CpuClock.isCompilerThread("4246 (VM Thread)" + tail)).isFalse();
        assertThat(CpuClock.isCompilerThread("garbage")).isFalse();

        OptionalDouble ours =
                CpuClock.compilerThreads(ProcessHandle.current().pid()).seconds();
        assertThat(ours).isPresent();
        assertThat(ours.getAsDouble())
                .isGreaterThanOrEqualTo(0)
                .isLessThanOrEqualTo(CpuClock.process(ProcessHandle.current().pid())
                        .seconds()
                        .orElseThrow());
        assertThat(CpuClock.compilerThreads(Long.MAX_VALUE).seconds()).isEmpty();
    }

    @Test
    void machineStat_sumsBusyColumnsOnly() {
        String stat = "cpu  100 5 50 9000 300 7 8 9 0 0\ncpu0 50 2 25 4500 150 3 4 4 0 0\n";
        // user 100 + nice 5 + system 50 + irq 7 + softirq 8 + steal 9 = 179 ticks; idle and iowait are not busy
        assertThat(CpuClock.parseMachineStat(stat)).isCloseTo(1.79, within(1e-9));
    }

    @Test
    void metrics_findProcessCpuSecondsWithOrWithoutLabels() {
        assertThat(CpuClock.parseMetrics("# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total 12.5\n"))
                .hasValue(12.5);
        assertThat(CpuClock.parseMetrics("process_cpu_seconds_total{job=\"x\"} 3.25 1700000000\n"))
                .hasValue(3.25);
        assertThat(CpuClock.parseMetrics("process_cpu_usage 0.5\n")).isEmpty();
    }

    @Test
    void targets_pairNamesUrlsAndPids() {
        List<Target> targets = Target.parse(
                List.of("ours=http://127.0.0.1:8080", "http://127.0.0.1:8081"), List.of("ours=12", "server2=34"));
        assertThat(targets)
                .containsExactly(
                        new Target("ours", URI.create("http://127.0.0.1:8080"), 12L),
                        new Target("server2", URI.create("http://127.0.0.1:8081"), 34L));
        assertThat(Target.parse(List.of("http://h:1"), List.of("7")))
                .containsExactly(new Target("server", URI.create("http://h:1"), 7L));
        assertThatThrownBy(() -> Target.parse(List.of("ftp://h"), List.of()))
                .hasMessageContaining("expected [name=]http://host:port");
        assertThatThrownBy(() -> Target.parse(List.of("a=http://h:1", "a=http://h:2"), List.of()))
                .hasMessageContaining("given twice");
        assertThatThrownBy(() -> Target.parse(List.of("a=http://h:1"), List.of("a=x")))
                .hasMessageContaining("expected [name=]PID");
    }

    @Test
    void durations_acceptSecondsMillisecondsAndMinutes() {
        DurationConverter converter = new DurationConverter();
        assertThat(converter.convert("10s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(converter.convert("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(converter.convert("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(converter.convert("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(converter.convert("3")).isEqualTo(Duration.ofSeconds(3));
        assertThatThrownBy(() -> converter.convert("soon")).isInstanceOf(CommandLine.TypeConversionException.class);
        assertThatThrownBy(() -> converter.convert("-1s")).isInstanceOf(CommandLine.TypeConversionException.class);
    }

    @Test
    void summaryCells_showMedianAndRange() {
        assertThat(SummarizeCommand.cell(List.of(), MarkdownTable.D1, "")).isEqualTo("–");
        assertThat(SummarizeCommand.cell(List.of(2.0), MarkdownTable.D1, "")).isEqualTo("2.0");
        assertThat(SummarizeCommand.cell(List.of(3.0, 1.0), MarkdownTable.D1, ""))
                .isEqualTo("2.0 [1.0–3.0]");
        assertThat(SummarizeCommand.cell(List.of(3.0, 1.0, 10.0), MarkdownTable.D2, "×"))
                .isEqualTo("3.00× [1.00–10.00]");
    }

    @Test
    void plotScale_roundsUpToARoundNumber() {
        assertThat(Plot.niceCeiling(0)).isEqualTo(1);
        assertThat(Plot.niceCeiling(0.7)).isEqualTo(0.8, within(1e-9));
        assertThat(Plot.niceCeiling(1.3)).isEqualTo(1.5);
        assertThat(Plot.niceCeiling(24.2)).isEqualTo(25);
        assertThat(Plot.niceCeiling(430)).isEqualTo(500);
        assertThat(Plot.niceCeiling(5001)).isEqualTo(6000);
        assertThat(Plot.niceCeiling(9000)).isEqualTo(10_000);
    }

    @Test
    void measurementSlices_mergeIntoOneWindow() {
        Measurement a = new Measurement(
                2,
                1,
                1.0,
                new Latencies(new long[] {1_000_000, 3_000_000}),
                OptionalDouble.of(0.5),
                OptionalDouble.of(0.25),
                OptionalDouble.of(1.5),
                List.of("e1"));
        Measurement b = new Measurement(
                2,
                0,
                3.0,
                new Latencies(new long[] {2_000_000, 4_000_000}),
                OptionalDouble.of(1.5),
                OptionalDouble.of(0.75),
                OptionalDouble.empty(),
                List.of());

        Measurement merged = Measurement.merge(List.of(a, b));

        assertThat(merged.ok()).isEqualTo(4);
        assertThat(merged.errors()).isEqualTo(1);
        assertThat(merged.seconds()).isEqualTo(4.0);
        assertThat(merged.throughput()).isEqualTo(1.0);
        assertThat(merged.percentileMillis(50)).isEqualTo(2.0);
        assertThat(merged.percentileMillis(100)).isEqualTo(4.0);
        assertThat(merged.serverCpuPerOpMicros()).hasValue(500_000.0);
        assertThat(merged.loadCpuSeconds()).hasValue(1.0);
        assertThat(merged.machineCpuSeconds()).isEmpty();
        assertThat(merged.errorSamples()).containsExactly("e1");
    }

    @Test
    void replayProbeResults_add() {
        ReplayProbe.Result a = new ReplayProbe.Result(2, 0, 1, List.of("x"));
        ReplayProbe.Result b = new ReplayProbe.Result(3, 1, 0, List.of());
        assertThat(a.plus(b)).isEqualTo(new ReplayProbe.Result(5, 1, 1, List.of("x")));
    }
}
