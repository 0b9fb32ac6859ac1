package dev.opaquepop.fuzz;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Every thread of this JVM, virtual ones included, written to a file under {@code target/} when the harness gives
 * up waiting for the server: a hang found by fuzzing in CI is otherwise seen only as a timeout.
 */
final class ThreadDump {
    private ThreadDump() {}

    /** The file the dump went to, or why there is none. */
    static String write(String name) {
        try {
            Path directory = Files.createDirectories(Path.of("target"));
            Path file = directory
                    .resolve(name + "-" + System.currentTimeMillis() + ".json")
                    .toAbsolutePath();
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .dumpThreads(file.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
            return file.toString();
        } catch (IOException | RuntimeException e) {
            return "no thread dump (" + e + ")";
        }
    }
}
