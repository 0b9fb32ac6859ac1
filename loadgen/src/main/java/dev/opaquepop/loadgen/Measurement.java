package dev.opaquepop.loadgen;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.function.Function;

/**
 * What one operation at one concurrency did over one measured window, or over several slices of it taken in
 * turn with other operations or servers ({@link #merge}).
 *
 * @param ok operations answered as expected, each one's latency in {@code latencies}
 * @param errors operations that failed (exception or unexpected answer)
 * @param seconds the window: first start to last finish (summed over slices)
 * @param serverCpuSeconds CPU the server used in the window, when readable
 * @param loadCpuSeconds CPU this load generator used in the window
 * @param machineCpuSeconds CPU the whole machine used in the window (all processes), when readable
 * @param errorSamples the first few error messages
 */
record Measurement(
        int ok,
        int errors,
        double seconds,
        Latencies latencies,
        OptionalDouble serverCpuSeconds,
        OptionalDouble loadCpuSeconds,
        OptionalDouble machineCpuSeconds,
        List<String> errorSamples) {

    /** Several slices of one operation at one level as one measurement: counts, times and CPU add up. */
    static Measurement merge(List<Measurement> slices) {
        if (slices.size() == 1) {
            return slices.get(0);
        }
        int ok = 0;
        int errors = 0;
        double seconds = 0;
        List<String> samples = new ArrayList<>();
        for (Measurement slice : slices) {
            ok += slice.ok;
            errors += slice.errors;
            seconds += slice.seconds;
            slice.errorSamples.stream().limit(Math.max(0, 5 - samples.size())).forEach(samples::add);
        }
        return new Measurement(
                ok,
                errors,
                seconds,
                Latencies.merge(slices.stream().map(Measurement::latencies).toList()),
                sum(slices, Measurement::serverCpuSeconds),
                sum(slices, Measurement::loadCpuSeconds),
                sum(slices, Measurement::machineCpuSeconds),
                List.copyOf(samples));
    }

    private static OptionalDouble sum(List<Measurement> slices, Function<Measurement, OptionalDouble> field) {
        double total = 0;
        for (Measurement slice : slices) {
            OptionalDouble value = field.apply(slice);
            if (value.isEmpty()) {
                return OptionalDouble.empty();
            }
            total += value.getAsDouble();
        }
        return OptionalDouble.of(total);
    }

    double throughput() {
        return seconds > 0 ? ok / seconds : 0;
    }

    double percentileMillis(double p) {
        return latencies.percentileNanos(p) / 1e6;
    }

    double meanMillis() {
        return latencies.meanNanos() / 1e6;
    }

    /** Server CPU per successful operation, in microseconds. */
    OptionalDouble serverCpuPerOpMicros() {
        return perOp(serverCpuSeconds);
    }

    OptionalDouble loadCpuPerOpMicros() {
        return perOp(loadCpuSeconds);
    }

    /** How many of the machine's cores were busy on average during the window. */
    OptionalDouble machineBusyCores() {
        return machineCpuSeconds.isPresent() && seconds > 0
                ? OptionalDouble.of(machineCpuSeconds.getAsDouble() / seconds)
                : OptionalDouble.empty();
    }

    /**
     * Busy cores not accounted for by the server and the load generator: other processes on the machine (when
     * this is large, the numbers are disturbed).
     */
    OptionalDouble otherBusyCores() {
        if (machineCpuSeconds.isEmpty() || serverCpuSeconds.isEmpty() || loadCpuSeconds.isEmpty() || seconds <= 0) {
            return OptionalDouble.empty();
        }
        double other = machineCpuSeconds.getAsDouble() - serverCpuSeconds.getAsDouble() - loadCpuSeconds.getAsDouble();
        return OptionalDouble.of(Math.max(0, other) / seconds);
    }

    private OptionalDouble perOp(OptionalDouble cpuSeconds) {
        return cpuSeconds.isPresent() && ok > 0
                ? OptionalDouble.of(cpuSeconds.getAsDouble() * 1e6 / ok)
                : OptionalDouble.empty();
    }
}
