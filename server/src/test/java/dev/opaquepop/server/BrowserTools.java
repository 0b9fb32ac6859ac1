package dev.opaquepop.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * What the browser tests need from this machine: node, npm and Chromium (skipped without them, failed with {@code
 * CI=true}, as the opaque-ke interop tests), and node scripts run to completion with a deadline, their output kept
 * in a log under {@code target/browser-e2e}.
 */
final class BrowserTools {
    static final Path JS = Path.of("..", "js").toAbsolutePath().normalize();
    static final Path PEER = Path.of("..", "bench", "peer").toAbsolutePath().normalize();
    static final Path ARTIFACTS = Path.of("target", "browser-e2e").toAbsolutePath();
    /** Far above what a run takes (under a minute), so only a hang trips it. */
    private static final Duration SCRIPT_DEADLINE = Duration.ofMinutes(5);

    private static final Pattern LISTENING = Pattern.compile("listening on (http://[0-9.]+:[0-9]+)");

    private BrowserTools() {}

    /** Skips the calling test (fails it with CI=true) unless node, npm and Chromium are here. */
    static void requireNodeAndChromium() {
        requireNodeAndNpm();
        Path chromium = Path.of(Optional.ofNullable(System.getenv("CHROMIUM")).orElse("/usr/bin/chromium"));
        require("Chromium (" + chromium + ")", Files.isExecutable(chromium));
        assertThat(JS.resolve("dist/web/app.js"))
                .as("the server module's build runs js/build-for-jar.sh, which builds js/dist when node is here")
                .exists();
    }

    /** Skips the calling test (fails it with CI=true) unless node and npm are here. */
    static void requireNodeAndNpm() {
        require("node", onPath("node"));
        require("npm", onPath("npm"));
    }

    private static void require(String what, boolean present) {
        if (present) {
            return;
        }
        String why = what + " not found: the browser tests need node, npm and Chromium (apt-get install nodejs npm"
                + " chromium; see docs/browser.md)";
        if ("true".equals(System.getenv("CI"))) {
            Assertions.fail(why + ", and CI=true: they must run in CI");
        }
        Assumptions.abort(why + "; skipped");
    }

    private static boolean onPath(String name) {
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
        for (String dir : path.split(java.io.File.pathSeparator, -1)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return true;
            }
        }
        return false;
    }

    /** Runs a command in {@code directory} to its end; fails with the end of its output unless it exits 0. */
    static void run(String logName, Path directory, Map<String, String> environment, List<String> command)
            throws IOException, InterruptedException {
        Files.createDirectories(ARTIFACTS);
        Path log = ARTIFACTS.resolve(logName + ".log");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        boolean ended = process.waitFor(SCRIPT_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        if (!ended) {
            process.destroyForcibly().waitFor();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        System.out.println(output);
        assertThat(ended)
                .as("%s ended within %s; output in %s", command, SCRIPT_DEADLINE, log)
                .isTrue();
        assertThat(process.exitValue())
                .as("exit status of %s (output in %s):%n%s", command, log, tail(output))
                .isZero();
    }

    /** Installs the locked packages of {@code directory} unless they are there already. */
    static void npmCi(Path directory) throws IOException, InterruptedException {
        if (!Files.exists(directory.resolve("node_modules/.package-lock.json"))) {
            run(
                    "npm-ci-" + directory.getFileName(),
                    directory,
                    Map.of(),
                    List.of("npm", "ci", "--no-audit", "--no-fund"));
        }
    }

    /** A node server (by default the opaque-ke peer server) on a free port, and its URL once it listens. */
    record Peer(Process process, String url) implements AutoCloseable {
        static Peer start() throws IOException, InterruptedException {
            return start(PEER, Map.of(), "peer-server", List.of("node", "server.mjs", "--port", "0"));
        }

        /**
         * Any node server that prints {@code listening on http://HOST:PORT} once it listens (the opaque-ke peer,
         * the Node upstream of docs/gateway.md): its locked packages installed, stderr kept in {@code log}.log.
         */
        static Peer start(Path directory, Map<String, String> environment, String log, List<String> command)
                throws IOException, InterruptedException {
            npmCi(directory);
            Files.createDirectories(ARTIFACTS);
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(directory.toFile())
                    .redirectError(ARTIFACTS.resolve(log + ".log").toFile());
            builder.environment().putAll(environment);
            Process process = builder.start();
            // The peer prints its address once it listens; read it off the process's thread, with a deadline.
            CompletableFuture<String> url = CompletableFuture.supplyAsync(() -> firstUrl(process));
            try {
                return new Peer(process, url.get(SCRIPT_DEADLINE.toMillis(), TimeUnit.MILLISECONDS));
            } catch (ExecutionException | TimeoutException e) {
                process.destroyForcibly();
                throw new IllegalStateException(command + " did not start; see " + log + ".log", e);
            }
        }

        private static String firstUrl(Process process) {
            try (BufferedReader out =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    Matcher matcher = LISTENING.matcher(line);
                    if (matcher.find()) {
                        return matcher.group(1);
                    }
                }
                throw new IllegalStateException("the node server ended without listening");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    private static String tail(String output) {
        List<String> lines = output.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }
}
