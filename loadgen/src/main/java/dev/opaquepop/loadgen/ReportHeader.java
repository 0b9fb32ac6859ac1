package dev.opaquepop.loadgen;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** What every report says of where it ran: the machine, the load generator's JVM, the client's KSF. */
final class ReportHeader {
    /** What every report says of the client's KSF in its settings. */
    static final String CLIENT_KSF = "identity (the server never runs the KSF)";

    private ReportHeader() {}

    /** The machine and the load generator's JVM, as every report's JSON names them. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Machine(
            int cores,
            String cpu,
            String memory,
            String os,
            String loadGeneratorJvm,
            List<String> loadGeneratorJvmArgs,
            String note) {}

    static Machine machine() {
        return new Machine(
                Runtime.getRuntime().availableProcessors(),
                firstValue(Path.of("/proc/cpuinfo"), "model name"),
                firstValue(Path.of("/proc/meminfo"), "MemTotal"),
                System.getProperty("os.name") + " " + System.getProperty("os.version"),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                ManagementFactory.getRuntimeMXBean().getInputArguments(),
                "the load generator and local servers share these cores; other_busy_cores is CPU used by any other"
                        + " process during a window");
    }

    private static String firstValue(Path file, String key) {
        try (Stream<String> lines = Files.lines(file, StandardCharsets.US_ASCII)) {
            return lines.filter(line -> line.startsWith(key))
                    .map(line -> line.substring(line.indexOf(':') + 1).strip())
                    .findFirst()
                    .orElse("unknown");
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
