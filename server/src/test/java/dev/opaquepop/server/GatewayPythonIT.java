package dev.opaquepop.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opaquepop.testfixtures.FreePort;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway in front of an upstream in another language: a Python process ({@code verifying_upstream.py}) that
 * verifies every assertion with PyJWT and the cryptography package, as docs/gateway.md tells upstreams to. Needs
 * {@code /usr/bin/python3} with Debian's {@code python3-jwt} and {@code python3-cryptography}; without them the
 * test is skipped with a message, and with {@code CI=true} it fails instead.
 */
class GatewayPythonIT {
    private static final String PYTHON = System.getenv().getOrDefault("OPAQUE_POP_TEST_PYTHON", "/usr/bin/python3");
    private static final byte[] PASSWORD = "correct horse battery staple".getBytes(UTF_8);

    @TempDir
    Path data;

    private Process python;
    private TestServer gateway;

    @BeforeEach
    void start() throws Exception {
        requirePythonWithJwt();
        Path script = data.resolve("verifying_upstream.py");
        try (InputStream in = GatewayPythonIT.class.getResourceAsStream("/gateway/verifying_upstream.py")) {
            Files.write(script, in.readAllBytes());
        }
        // Python fetches the key set at its first request, from the port the gateway is then started on.
        int gatewayPort = FreePort.pick();
        python = new ProcessBuilder(PYTHON, script.toString(), "http://127.0.0.1:" + gatewayPort)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        int upstreamPort = Integer.parseInt(firstLine(python));
        gateway = TestServer.start(data, b -> b.port(gatewayPort).upstream("http://127.0.0.1:" + upstreamPort));
    }

    private static String firstLine(Process process) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8));
        String line = reader.readLine();
        if (line == null) {
            throw new IOException("the Python upstream did not start");
        }
        return line.strip();
    }

    @AfterEach
    void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (python != null) {
            python.destroy();
            python.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void pythonUpstream_verifiesTheAssertion_withPyJwt() throws Exception {
        Requests.register(gateway.uri(), "alice", PASSWORD);
        Requests.LoggedIn alice = Requests.login(gateway.uri(), gateway.uri(), "alice", PASSWORD);

        JsonNode answer = Requests.json(Requests.signed(gateway.uri(), alice, "POST", "/notes?tag=a", "{\"n\":1}"));
        assertThat(answer.path("user").asText()).as(answer.toString()).isEqualTo("alice");
        assertThat(answer.path("htm").asText()).isEqualTo("POST");
        assertThat(answer.path("htu").asText()).isEqualTo("/notes?tag=a");

        // Unsigned: answered by the gateway itself (problem+json), not by Python.
        JsonNode unsigned = Requests.json(Requests.get(gateway.uri(), "/notes"));
        assertThat(unsigned.path("code").asText()).isEqualTo("missing_credentials");
    }

    private static void requirePythonWithJwt() throws Exception {
        String why = null;
        try {
            Process check = new ProcessBuilder(PYTHON, "-c", "import jwt, cryptography")
                    .redirectErrorStream(true)
                    .start();
            check.getInputStream().readAllBytes();
            if (!check.waitFor(30, TimeUnit.SECONDS) || check.exitValue() != 0) {
                why = PYTHON + " cannot import jwt and cryptography (Debian: python3-jwt python3-cryptography)";
            }
        } catch (IOException e) {
            why = PYTHON + " is missing";
        }
        if (why == null) {
            return;
        }
        if ("true".equals(System.getenv("CI"))) {
            Assertions.fail(why + ", and CI=true: the Python upstream test must run in CI");
        }
        Assumptions.abort(why + "; skipped");
    }
}
