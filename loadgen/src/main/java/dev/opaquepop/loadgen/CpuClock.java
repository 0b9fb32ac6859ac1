package dev.opaquepop.loadgen;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalDouble;

/**
 * Reads how many CPU seconds something has used so far; a measurement takes the difference over its window.
 * Empty when the source cannot be read (the process is gone, the server has no such metric).
 */
interface CpuClock {
    /** Linux reports process times in USER_HZ ticks, fixed at 100 per second for user space on x86 and arm. */
    double TICKS_PER_SECOND = 100;

    OptionalDouble seconds();

    /** Where the numbers come from, for the report. */
    String source();

    /** A process on this machine: {@code utime + stime} of {@code /proc/<pid>/stat}, all its threads. */
    static CpuClock process(long pid) {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        return new CpuClock() {
            @Override
            public OptionalDouble seconds() {
                try {
                    return OptionalDouble.of(parseProcStat(Files.readString(stat, StandardCharsets.US_ASCII)));
                } catch (IOException | RuntimeException e) {
                    return OptionalDouble.empty();
                }
            }

            @Override
            public String source() {
                return "/proc/" + pid + "/stat";
            }
        };
    }

    /**
     * The JIT compiler threads of a JVM on this machine: {@code utime + stime} summed over the tasks of {@code
     * /proc/<pid>/task} named {@code C1 CompilerThre...} or {@code C2 CompilerThre...}. A lower bound: the JVM may
     * end a compiler thread it started for a burst (its time then leaves the sum, though not the process's).
     */
    static CpuClock compilerThreads(long pid) {
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        return new CpuClock() {
            @Override
            public OptionalDouble seconds() {
                double total = 0;
                try (var each = Files.list(tasks)) {
                    for (Path task : (Iterable<Path>) each::iterator) {
                        try {
                            String line = Files.readString(task.resolve("stat"), StandardCharsets.US_ASCII);
                            if (isCompilerThread(line)) {
                                total += parseProcStat(line);
                            }
                        } catch (IOException ended) {
                            // The thread ended between the listing and the read.
                        }
                    }
                    return OptionalDouble.of(total);
                } catch (IOException | RuntimeException e) {
                    return OptionalDouble.empty();
                }
            }

            @Override
            public String source() {
                return "/proc/" + pid + "/task/*/stat of the C1 and C2 compiler threads";
            }
        };
    }

    /** Whether a {@code /proc/<pid>/task/<tid>/stat} line is a HotSpot JIT compiler thread's. */
    static boolean isCompilerThread(String statLine) {
        int open = statLine.indexOf('(');
        int close = statLine.lastIndexOf(')');
        if (open < 0 || close < open) {
            return false;
        }
        String name = statLine.substring(open + 1, close);
        return name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre");
    }

    /** A server's own {@code process_cpu_seconds_total} from its Prometheus {@code /metrics}, if it has one. */
    static CpuClock metrics(HttpClient http, URI base) {
        URI metrics = base.resolve("/metrics");
        return new CpuClock() {
            @Override
            public OptionalDouble seconds() {
                try {
                    HttpResponse<String> response = http.send(
                            HttpRequest.newBuilder(metrics)
                                    .timeout(Duration.ofSeconds(10))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                    return response.statusCode() == 200 ? parseMetrics(response.body()) : OptionalDouble.empty();
                } catch (IOException e) {
                    return OptionalDouble.empty();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return OptionalDouble.empty();
                }
            }

            @Override
            public String source() {
                return metrics + " process_cpu_seconds_total";
            }
        };
    }

    /**
     * A server's clock: its {@code /proc/<pid>/stat} when its pid is known, else its own metrics when it has them,
     * else {@link #none()}.
     */
    static CpuClock of(Target target, HttpClient http) {
        return target.pid() != null ? process(target.pid()) : firstReadable(metrics(http, target.base()));
    }

    /** This JVM: the load generator itself. */
    static CpuClock self() {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        return new CpuClock() {
            @Override
            public OptionalDouble seconds() {
                long nanos = os.getProcessCpuTime();
                return nanos < 0 ? OptionalDouble.empty() : OptionalDouble.of(nanos / 1e9);
            }

            @Override
            public String source() {
                return "this JVM (OperatingSystemMXBean.getProcessCpuTime)";
            }
        };
    }

    /** The whole machine: busy time of all CPUs from the first line of {@code /proc/stat}. */
    static CpuClock machine() {
        Path stat = Path.of("/proc/stat");
        return new CpuClock() {
            @Override
            public OptionalDouble seconds() {
                try {
                    return OptionalDouble.of(parseMachineStat(Files.readString(stat, StandardCharsets.US_ASCII)));
                } catch (IOException | RuntimeException e) {
                    return OptionalDouble.empty();
                }
            }

            @Override
            public String source() {
                return "/proc/stat";
            }
        };
    }

    static CpuClock none() {
        return new CpuClock() {
            @Override
            public OptionalDouble seconds() {
                return OptionalDouble.empty();
            }

            @Override
            public String source() {
                return "unknown (give --server-pid for a local server)";
            }
        };
    }

    /** The first clock that answers now, or {@link #none()}. */
    static CpuClock firstReadable(CpuClock... clocks) {
        for (CpuClock clock : clocks) {
            if (clock.seconds().isPresent()) {
                return clock;
            }
        }
        return none();
    }

    /**
     * {@code utime + stime} in seconds from a {@code /proc/<pid>/stat} line. The command name (field 2) is in
     * parentheses and may itself hold spaces and parentheses, so fields are counted from the last ')'.
     */
    static double parseProcStat(String line) {
        String[] fields = line.substring(line.lastIndexOf(')') + 2).strip().split(" ", -1);
        // fields[0] is field 3 (state); utime is field 14, stime field 15.
        long utime = Long.parseLong(fields[14 - 3]);
        long stime = Long.parseLong(fields[15 - 3]);
        return (utime + stime) / TICKS_PER_SECOND;
    }

    /** Busy seconds (user, nice, system, irq, softirq, steal) summed over all CPUs, from {@code /proc/stat}. */
    static double parseMachineStat(String text) {
        String first = text.lines().findFirst().orElseThrow();
        String[] fields = first.strip().split("\\s+", -1);
        if (!fields[0].equals("cpu")) {
            throw new IllegalArgumentException("not /proc/stat");
        }
        long busy = 0;
        int[] busyColumns = {1, 2, 3, 6, 7, 8}; // user nice system irq softirq steal; 4 idle and 5 iowait are not
        for (int column : busyColumns) {
            if (column < fields.length) {
                busy += Long.parseLong(fields[column]);
            }
        }
        return busy / TICKS_PER_SECOND;
    }

    /** The value of {@code process_cpu_seconds_total} in a Prometheus text exposition. */
    static OptionalDouble parseMetrics(String text) {
        for (String line : text.lines().toList()) {
            if (line.startsWith("process_cpu_seconds_total")) {
                String rest = line.substring("process_cpu_seconds_total".length());
                if (rest.startsWith("{")) {
                    rest = rest.substring(rest.indexOf('}') + 1);
                }
                String[] parts = rest.strip().split("\\s+", -1);
                try {
                    return OptionalDouble.of(Double.parseDouble(parts[0]));
                } catch (NumberFormatException e) {
                    return OptionalDouble.empty();
                }
            }
        }
        return OptionalDouble.empty();
    }
}
