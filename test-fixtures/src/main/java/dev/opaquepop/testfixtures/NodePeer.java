package dev.opaquepop.testfixtures;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The opaque-ke side of the interop tests: one long-running {@code node peer.mjs} process (see {@code
 * opaque/src/test/node/README.md}) that speaks newline-delimited JSON over stdin/stdout, with binary values in base64url
 * without padding.
 *
 * <p>{@link #start()} locates {@code src/test/node}, runs {@code npm ci} there when the package is not installed,
 * and starts the peer. Without {@code node} or {@code npm} on the {@code PATH} the calling tests are skipped, or
 * fail when the environment variable {@code CI} is {@code true}. Every call waits at most {@link #CALL_TIMEOUT}, so
 * a hung node process cannot hang the build; node's stderr is forwarded to the test output.
 */
public final class NodePeer implements AutoCloseable {
    public static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);

    private static final Duration NPM_CI_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(10);
    private static final String PACKAGE = "@serenity-kit/opaque";
    private static final String STDERR_PREFIX = "[opaque-ke peer] ";
    private static final int STDERR_LINES_KEPT = 20;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder BASE64URL_DECODER = Base64.getUrlDecoder();

    /** What the stdout reader thread hands over: one line, or the end of the stream. */
    private record StdoutEvent(String line, boolean endOfStream) {}

    private final Process process;
    private final Writer stdin;
    private final BlockingQueue<StdoutEvent> stdout = new LinkedBlockingQueue<>();
    private final Deque<String> lastStderrLines = new ArrayDeque<>();
    private final Thread stdoutReader;
    private final Thread stderrForwarder;
    private final Object lock = new Object();
    private long nextId = 1;
    private boolean broken;

    private NodePeer(Process process) {
        this.process = process;
        this.stdin = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        this.stdoutReader = daemon("opaque-ke-peer-stdout", () -> readStdout(process.getInputStream()));
        this.stderrForwarder = daemon("opaque-ke-peer-stderr", () -> forwardStderr(process.getErrorStream()));
    }

    /**
     * Starts the peer, installing its npm package first when needed. Skips the calling tests (JUnit assumption)
     * when node or npm is missing, or fails them when {@code CI=true}.
     */
    public static NodePeer start() {
        Path node = requireOnPath("node");
        Path npm = requireOnPath(isWindows() ? "npm.cmd" : "npm");
        Path folder = peerFolder();
        if (!Files.isDirectory(folder.resolve("node_modules").resolve(PACKAGE))) {
            npmCi(npm, folder);
        }
        Process process;
        try {
            process = new ProcessBuilder(node.toString(), "peer.mjs")
                    .directory(folder.toFile())
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("could not start " + node + " peer.mjs in " + folder, e);
        }
        NodePeer peer = new NodePeer(process);
        peer.stdoutReader.start();
        peer.stderrForwarder.start();
        // Fail here, once and clearly, if the peer cannot work at all (e.g. the package failed to load).
        try {
            JsonNode check = peer.ok("createSetup", peer.args());
            Assertions.assertTrue(check.path("setup").isTextual(), "createSetup answers a setup string");
        } catch (RuntimeException | AssertionError e) {
            peer.close();
            throw e;
        }
        return peer;
    }

    /** A fresh, empty argument object for a request. */
    public ObjectNode args() {
        return JSON.createObjectNode();
    }

    /** Sends a request and returns the response with the matching id, whether {@code ok} is true or false. */
    public JsonNode call(String op, ObjectNode args) {
        // One request at a time: answers are matched to requests by order.
        synchronized (lock) {
            return callInTurn(op, args);
        }
    }

    private JsonNode callInTurn(String op, ObjectNode args) {
        if (broken) {
            throw new IllegalStateException("the node peer is unusable after an earlier failure");
        }
        long id = nextId++;
        ObjectNode request = JSON.createObjectNode();
        request.put("id", id);
        request.put("op", op);
        request.setAll(args);
        try {
            stdin.write(JSON.writeValueAsString(request));
            stdin.write('\n');
            stdin.flush();
        } catch (IOException e) {
            broken = true;
            throw new IllegalStateException("could not send op " + op + " to the node peer" + exitInfo(), e);
        }
        StdoutEvent event;
        try {
            event = stdout.poll(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            broken = true;
            throw new IllegalStateException("interrupted while waiting for the node peer", e);
        }
        if (event == null) {
            broken = true;
            process.destroyForcibly();
            throw new IllegalStateException("the node peer did not answer op " + op + " within "
                    + CALL_TIMEOUT.toSeconds() + " s; it was killed" + recentStderr());
        }
        if (event.endOfStream()) {
            broken = true;
            stdout.add(event); // later calls see the end of stream too
            throw new IllegalStateException(
                    "the node peer closed its stdout before answering op " + op + exitInfo() + recentStderr());
        }
        JsonNode response;
        try {
            response = JSON.readTree(event.line());
        } catch (JsonProcessingException e) {
            broken = true;
            throw new IllegalStateException("the node peer answered op " + op + " with a line that is not JSON", e);
        }
        if (!response.isObject()
                || !response.path("id").canConvertToLong()
                || response.path("id").asLong() != id) {
            broken = true;
            throw new IllegalStateException("the node peer answered op " + op + " (id " + id
                    + ") with a response for id " + response.path("id") + ": "
                    + response.path("error").asText(""));
        }
        return response;
    }

    /** Sends a request that must succeed ({@code ok:true}) and returns its response. */
    public JsonNode ok(String op, ObjectNode args) {
        JsonNode response = call(op, args);
        if (!response.path("ok").asBoolean(false)) {
            Assertions.fail("opaque-ke peer op " + op + " failed: "
                    + response.path("error").asText("(no message)"));
        }
        return response;
    }

    /** Sends a request that must fail ({@code ok:false}) and returns the peer's error message. */
    public String error(String op, ObjectNode args) {
        JsonNode response = call(op, args);
        Assertions.assertFalse(response.path("ok").asBoolean(true), "opaque-ke peer op " + op + " is expected to fail");
        return response.path("error").asText("");
    }

    /** Base64url without padding, the peer's encoding of binary values. */
    public static String b64(byte[] bytes) {
        return BASE64URL.encodeToString(bytes);
    }

    /** Decodes a base64url string of the peer. */
    public static byte[] unb64(String text) {
        return BASE64URL_DECODER.decode(text);
    }

    /** Decodes the base64url field {@code name} of a response, which must be present. */
    public static byte[] bytes(JsonNode response, String name) {
        JsonNode value = response.get(name);
        Assertions.assertTrue(value != null && value.isTextual(), "response field " + name + " is a string");
        return unb64(value.asText());
    }

    /** Closes node's stdin so the peer exits; kills it when it does not within a few seconds. */
    @Override
    public void close() {
        try {
            stdin.close();
        } catch (IOException e) {
            // The process is gone already; nothing left to close.
        }
        try {
            if (!process.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                System.err.println(STDERR_PREFIX + "did not exit after stdin was closed; killing it");
                process.destroyForcibly();
                process.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
            stderrForwarder.join(EXIT_TIMEOUT.toMillis());
            stdoutReader.join(EXIT_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    @Override
    public String toString() {
        return "NodePeer[pid " + process.pid() + (process.isAlive() ? ", running]" : ", exited]");
    }

    private void readStdout(InputStream in) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (!line.isBlank()) {
                    stdout.add(new StdoutEvent(line, false));
                }
            }
        } catch (IOException e) {
            System.err.println(STDERR_PREFIX + "reading stdout failed: " + e);
        } finally {
            stdout.add(new StdoutEvent("", true));
        }
    }

    private void forwardStderr(InputStream in) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                System.err.println(STDERR_PREFIX + line);
                synchronized (lastStderrLines) {
                    lastStderrLines.addLast(line);
                    if (lastStderrLines.size() > STDERR_LINES_KEPT) {
                        lastStderrLines.removeFirst();
                    }
                }
            }
        } catch (IOException e) {
            System.err.println(STDERR_PREFIX + "reading stderr failed: " + e);
        }
    }

    private String recentStderr() {
        // Give the forwarder a moment to catch up with a process that just died.
        try {
            stderrForwarder.join(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (lastStderrLines) {
            return lastStderrLines.isEmpty() ? "" : "; its last stderr lines:\n" + String.join("\n", lastStderrLines);
        }
    }

    private String exitInfo() {
        try {
            if (process.waitFor(2, TimeUnit.SECONDS)) {
                return " (it exited with status " + process.exitValue() + ")";
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "";
    }

    private static Thread daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        return thread;
    }

    /**
     * The folder holding peer.mjs, {@code opaque/src/test/node} of the repository: looked up from the module's
     * {@code basedir} (or the working directory) and each of its parents, so the tests of any module find it.
     */
    private static Path peerFolder() {
        List<Path> starts = new ArrayList<>();
        String basedir = System.getProperty("basedir");
        if (basedir != null && !basedir.isBlank()) {
            starts.add(Paths.get(basedir).toAbsolutePath());
        }
        starts.add(Paths.get("").toAbsolutePath());
        Path relative = Paths.get("opaque", "src", "test", "node");
        for (Path start : starts) {
            for (Path dir = start; dir != null; dir = dir.getParent()) {
                Path candidate = dir.resolve(relative);
                if (Files.isRegularFile(candidate.resolve("peer.mjs"))) {
                    return candidate.normalize();
                }
            }
        }
        throw new IllegalStateException("opaque/src/test/node/peer.mjs not found above " + starts);
    }

    /** Runs {@code npm ci} in the peer folder, forwarding its output, and fails when it does not succeed. */
    private static void npmCi(Path npm, Path folder) {
        System.err.println(STDERR_PREFIX + PACKAGE + " is not installed; running npm ci in " + folder);
        Process process;
        try {
            process = new ProcessBuilder(npm.toString(), "ci", "--no-audit", "--no-fund")
                    .directory(folder.toFile())
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("could not run " + npm + " ci in " + folder, e);
        }
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // npm does not read stdin; a failure to close it does not matter.
        }
        Thread output = daemon("npm-ci-output", () -> {
            try (BufferedReader reader =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    System.err.println("[npm ci] " + line);
                }
            } catch (IOException e) {
                System.err.println("[npm ci] reading output failed: " + e);
            }
        });
        output.start();
        try {
            if (!process.waitFor(NPM_CI_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(
                        "npm ci in " + folder + " did not finish within " + NPM_CI_TIMEOUT.toMinutes() + " min");
            }
            output.join(EXIT_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IllegalStateException("interrupted while running npm ci", e);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(
                    "npm ci in " + folder + " failed with status " + process.exitValue() + " (output above)");
        }
    }

    /**
     * The executable {@code name} from the {@code PATH}. When it is missing, fails (with {@code CI=true}) or aborts
     * the calling tests as skipped.
     */
    private static Path requireOnPath(String name) {
        Optional<Path> found = findOnPath(name);
        if (found.isPresent()) {
            return found.get();
        }
        String message = name + " not found: opaque-ke interop tests skipped"
                + " (they need node and npm on the PATH; see opaque/src/test/node/README.md)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            Assertions.fail(name + " not found, and CI=true: the opaque-ke interop tests must run in CI"
                    + " (they need node and npm on the PATH; see opaque/src/test/node/README.md)");
        }
        Assumptions.abort(message);
        throw new AssertionError("unreachable");
    }

    private static Optional<Path> findOnPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        List<String> names = new ArrayList<>();
        names.add(name);
        if (isWindows() && !name.contains(".")) {
            names.add(name + ".exe");
            names.add(name + ".cmd");
        }
        for (String dir :
                Pattern.compile(Pattern.quote(java.io.File.pathSeparator)).split(path, -1)) {
            if (dir.isEmpty()) {
                continue;
            }
            for (String candidate : names) {
                Path file;
                try {
                    file = Paths.get(dir, candidate);
                } catch (java.nio.file.InvalidPathException e) {
                    continue;
                }
                if (Files.isRegularFile(file) && Files.isExecutable(file)) {
                    return Optional.of(file);
                }
            }
        }
        return Optional.empty();
    }

    private static boolean isWindows() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
    }
}
