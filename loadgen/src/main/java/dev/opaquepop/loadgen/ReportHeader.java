package dev.opaquepop.loadgen;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/** The head of every report: what ran, when, on which machine, with which settings. */
final class ReportHeader {
    private ReportHeader() {}

    static Map<String, Object> of(String kind, Map<String, Object> settings) {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("kind", kind);
        header.put("started_at", Instant.now().toString());
        header.put("machine", machine());
        Map<String, Object> all = new LinkedHashMap<>(settings);
        all.put("client_ksf", "identity (the server never runs the KSF)");
        header.put("settings", all);
        return header;
    }

    private static Map<String, Object> machine() {
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("cpu", firstValue(Path.of("/proc/cpuinfo"), "model name"));
        machine.put("memory", firstValue(Path.of("/proc/meminfo"), "MemTotal"));
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        machine.put(
                "load_generator_jvm",
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        machine.put(
                "load_generator_jvm_args", ManagementFactory.getRuntimeMXBean().getInputArguments());
        machine.put(
                "note",
                "the load generator and local servers share these cores; other_busy_cores is CPU used by any other"
                        + " process during a window");
        return machine;
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
