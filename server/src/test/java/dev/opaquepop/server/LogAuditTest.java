package dev.opaquepop.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Runs after every other server test (its own surefire execution, see server/pom.xml) and scans all the log
 * lines they produced for secrets. The values themselves are unknown here, so it looks for their shapes: any
 * run of 40 or more base64url characters (a session id, PoP key, session or export key, setup, record or
 * protocol message) or of 64 or more hex digits, and the passwords the tests use. The one long token allowed
 * are public values in start-up lines: the server's public key and the gateway key's id (its public key's
 * thumbprint).
 */
class LogAuditTest {
    private static final Path LOG = Path.of("target", "test-logs", "server-tests.log");
    private static final Pattern LONG_BASE64URL = Pattern.compile("[A-Za-z0-9_-]{40,}={0,2}");
    private static final Pattern LONG_HEX = Pattern.compile("[0-9a-fA-F]{64,}");
    private static final Pattern PUBLIC_KEY =
            Pattern.compile("(server_public_key|gateway_key_id)=[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])");
    private static final List<String> PASSWORDS = List.of("correct horse battery staple", "password-", "pw-");

    @Test
    void serverTestLogs_containNoSecrets() throws IOException {
        // Only meaningful after the other tests: -Dtest filters override surefire's execution split.
        assumeTrue(Boolean.getBoolean("opaquepop.logAudit"), "runs in the log-audit surefire execution only");
        assertThat(LOG).as("the server tests wrote their logs to %s", LOG).exists();
        List<String> lines = Files.readAllLines(LOG, StandardCharsets.UTF_8);
        // The audit must not pass vacuously: the run logged logins and refusals.
        assertThat(lines).anyMatch(line -> line.contains("msg=\"login user="));
        assertThat(lines).anyMatch(line -> line.contains("status=401"));

        List<String> leaks = new ArrayList<>();
        for (String line : lines) {
            String scanned = PUBLIC_KEY.matcher(line).replaceAll("$1=<public>");
            Matcher base64 = LONG_BASE64URL.matcher(scanned);
            Matcher hex = LONG_HEX.matcher(scanned);
            boolean password = PASSWORDS.stream().anyMatch(scanned::contains);
            if (base64.find() || hex.find() || password) {
                leaks.add(line);
            }
        }
        assertThat(leaks).as("log lines that look like they carry a secret").isEmpty();
    }
}
