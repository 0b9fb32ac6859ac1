package dev.opaquepop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opaquepop.client.ClientSession;
import dev.opaquepop.client.KsfPolicy;
import dev.opaquepop.client.OpaquePopClient;
import dev.opaquepop.opaque.Argon2idKsf;
import dev.opaquepop.server.ServerConfig;
import dev.opaquepop.server.http.OpaquePopServer;
import dev.opaquepop.testfixtures.FreePort;
import dev.opaquepop.testfixtures.SelfSignedKeystore;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line over HTTPS: client commands and the demo trust a self-signed server with {@code --cacert}
 * (and say so when it is missing); the server command refuses plain HTTP off loopback and bad keystores.
 */
class TlsCliIT {
    @TempDir
    static Path directory;

    private static Path keystore;
    private static Path certificate;
    private static String password;
    private static OpaquePopServer server;

    @BeforeAll
    static void start() throws Exception {
        if (System.getProperty("OPAQUE_POP_LOG_LEVEL") == null) {
            System.setProperty("OPAQUE_POP_LOG_LEVEL", "WARN");
        }
        SelfSignedKeystore keys =
                SelfSignedKeystore.create(directory.resolve("tls"), "pw-cli-tls-" + UUID.randomUUID());
        password = keys.password();
        keystore = keys.keystore();
        certificate = keys.certificatePem();
        server = OpaquePopServer.start(ServerConfig.builder()
                .port(0)
                .dataDirectory(directory.resolve("data"))
                .clientKsf(Argon2idKsf.of(1024, 1, 1))
                .tlsKeystore(keystore)
                .tlsKeystorePassword(password)
                .build());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String base() {
        return "https://localhost:" + server.port();
    }

    @Test
    void clientCommand_trustsASelfSignedServerGivenWithCacert() throws Exception {
        Path sessionFile = directory.resolve("session.json");
        byte[] secret = "pw-cli-user".getBytes(StandardCharsets.UTF_8);
        try (HttpClient http = TrustedCertificates.httpClient(certificate, Duration.ofSeconds(10));
                OpaquePopClient client = OpaquePopClient.builder(URI.create(base()))
                        .ksfPolicy(KsfPolicy.insecureFloor(1024, 1))
                        .httpClient(http)
                        .build()) {
            client.register("cli-tls-user", secret);
            ClientSession session = client.login("cli-tls-user", secret);
            session.save(sessionFile);
        }

        CliRun me = CliRun.of(
                "me", "--server", base(), "--session-file", sessionFile.toString(), "--cacert", certificate.toString());
        assertThat(me.exitCode()).as(me.err()).isZero();
        assertThat(me.out()).startsWith("cli-tls-user (session expires at");

        CliRun untrusted = CliRun.of("me", "--server", base(), "--session-file", sessionFile.toString());
        assertThat(untrusted.exitCode()).isEqualTo(1);
        assertThat(untrusted.err())
                .contains("tls_error: TLS handshake with " + base() + " failed")
                .contains("--cacert");
    }

    @Test
    void demo_runsItsWholeTourOverHttps() {
        CliRun demo =
                CliRun.of("demo", "--server", base(), "--cacert", certificate.toString(), "--insecure-allow-weak-ksf");
        assertThat(demo.exitCode()).as(demo.out() + demo.err()).isZero();
        assertThat(demo.out()).contains("all steps behaved as expected").doesNotContain("UNEXPECTED");
    }

    @Test
    void cacertThatIsNotACertificate_isRefusedClearly() throws IOException {
        Path notPem = directory.resolve("not.pem");
        Files.writeString(notPem, "hello\n", StandardCharsets.US_ASCII);
        CliRun missing = CliRun.of(
                "me",
                "--server",
                base(),
                "--cacert",
                directory.resolve("missing.pem").toString());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("--cacert").contains("missing.pem does not exist");
        CliRun garbage = CliRun.of("me", "--server", base(), "--cacert", notPem.toString());
        assertThat(garbage.exitCode()).isEqualTo(2);
        assertThat(garbage.err()).contains("not.pem");
    }

    /**
     * The executable in a child JVM, the keystore password in the environment as an operator gives it: it serves
     * HTTPS, and its log names the certificate but never the password.
     */
    @Test
    void server_takesTheKeystorePasswordFromTheEnvironment_andNeverLogsIt() throws Exception {
        int port = FreePort.pick();
        Path log = directory.resolve("child-server.log");
        ProcessBuilder builder = new ProcessBuilder(ChildCli.command(
                        "server",
                        "--port",
                        Integer.toString(port),
                        "--data",
                        directory.resolve("child-data").toString(),
                        "--tls-keystore",
                        keystore.toString()))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("OPAQUE_POP_TLS_KEYSTORE_PASSWORD", password);
        builder.environment().remove("OPAQUE_POP_TLS_KEYSTORE_PASSWORD_FILE");
        Process child = builder.start();
        try (HttpClient http = TrustedCertificates.httpClient(certificate, Duration.ofSeconds(5))) {
            URI live = URI.create("https://localhost:" + port + "/healthz/live");
            int status = 0;
            for (int attempt = 0; attempt < 600 && status != 200 && child.isAlive(); attempt++) {
                try {
                    status = http.send(HttpRequest.newBuilder(live).build(), HttpResponse.BodyHandlers.discarding())
                            .statusCode();
                } catch (IOException notYet) {
                    Thread.sleep(100);
                }
            }
            assertThat(status).as(Files.readString(log)).isEqualTo(200);
        } finally {
            child.destroy();
            if (!child.waitFor(30, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        }
        String output = Files.readString(log);
        assertThat(output)
                .contains("listening on https://127.0.0.1:" + port)
                .contains("certificate subject=\"CN=localhost\"")
                .doesNotContain(password);
    }

    @Test
    void server_onAllInterfacesWithoutTls_refusesToStart() {
        CliRun run = CliRun.of(
                "server",
                "--bind",
                "0.0.0.0",
                "--port",
                "0",
                "--data",
                directory.resolve("x").toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .contains("--bind 0.0.0.0 is not a loopback address")
                .contains("--tls-keystore")
                .contains("--allow-insecure-http");
    }

    @Test
    void server_withAWrongKeystorePassword_refusesToStartWithoutShowingIt() throws IOException {
        Path wrong = directory.resolve("wrong-password");
        Files.writeString(wrong, "pw-not-the-password\n", StandardCharsets.UTF_8);
        CliRun run = CliRun.of(
                "server",
                "--port",
                "0",
                "--data",
                directory.resolve("y").toString(),
                "--tls-keystore",
                keystore.toString(),
                "--tls-keystore-password-file",
                wrong.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .contains("cannot be opened with the given password")
                .doesNotContain("pw-not-the-password")
                .doesNotContain(password);

        CliRun noPassword = CliRun.of("server", "--port", "0", "--tls-keystore", keystore.toString());
        assertThat(noPassword.exitCode()).isEqualTo(2);
        assertThat(noPassword.err()).contains("needs the keystore password");
    }
}
