package dev.opaquepop.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command that runs the CLI's main class in a child JVM from the test class path, for tests that need a whole
 * process of its own (to kill it, or to give it an environment): the test JVM's own {@code java}, with native
 * access allowed as {@code bin/opaque-pop} allows it. {@code ExecutableIT} runs the built jar instead.
 */
final class ChildCli {
    private ChildCli() {}

    static List<String> command(String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(List.of(args));
        return command;
    }
}
