package dev.opaquepop.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opaquepop.server.http.OpaquePopServer;
import dev.opaquepop.testfixtures.SelfSignedKeystore;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The transport options: plain HTTP only on loopback unless allowed, the keystore and its password (from the
 * environment or a file, never shown), and the request limits, each refused with a message that says what to
 * change.
 */
class TransportConfigIT {
    private static final Path LOG = Path.of("target", "test-logs", "server-tests.log");

    @TempDir
    static Path directory;

    private static SelfSignedKeystore keys;

    @BeforeAll
    static void createKeystore() throws Exception {
        keys = SelfSignedKeystore.create(directory.resolve("tls"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.8.9.10", "::1", "[::1]", "0:0:0:0:0:0:0:1", "localhost", "LocalHost"})
    void loopback_servesPlainHttp(String bind) {
        ServerConfig config = ServerConfig.builder().bind(bind).build();
        assertThat(config.bindsLoopback()).isTrue();
        assertThat(config.usesTls()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "0.0.0.0",
                "::",
                "10.1.2.3",
                "192.168.0.10",
                "2001:db8::1",
                "api.example.com",
                "128.0.0.1",
                "127.0.0.256",
                "localhost.example.com",
                "\u212Aocalhost",
                "::ffff:10.0.0.1"
            })
    void nonLoopbackWithoutTls_refusesToStart_unlessInsecureHttpIsAllowed(String bind) {
        assertThatThrownBy(() -> ServerConfig.builder().bind(bind).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--bind " + bind + " is not a loopback address")
                .hasMessageContaining("--tls-keystore")
                .hasMessageContaining("--allow-insecure-http");
        ServerConfig allowed =
                ServerConfig.builder().bind(bind).allowInsecureHttp(true).build();
        assertThat(allowed.bindsLoopback()).isFalse();
        assertThat(allowed.toString()).contains("insecure HTTP allowed");
    }

    @Test
    void nonLoopbackWithTls_isAccepted() {
        ServerConfig config = ServerConfig.builder()
                .bind("0.0.0.0")
                .tlsKeystore(keys.keystore())
                .tlsKeystorePassword(keys.password())
                .build();
        assertThat(config.usesTls()).isTrue();
        assertThat(config.tlsContext()).isPresent();
        assertThat(config.tlsCertificate()).contains("CN=localhost").contains("not_after=");
        assertThat(config.toString()).contains("tls=" + keys.keystore()).doesNotContain(keys.password());
    }

    @Test
    void passwordFile_isReadWithoutItsLineBreak(@TempDir Path files) throws IOException {
        for (String ending : List.of("", "\n", "\r\n")) {
            Path file = files.resolve("password" + ending.length());
            Files.writeString(file, keys.password() + ending, StandardCharsets.UTF_8);
            ServerConfig config = ServerConfig.builder()
                    .tlsKeystore(keys.keystore())
                    .tlsKeystorePasswordFile(file)
                    .build();
            assertThat(config.usesTls()).isTrue();
        }
    }

    @Test
    void keystoreProblems_stopTheServerWithAMessageThatNeverShowsThePassword(@TempDir Path files) throws IOException {
        Path wrongFile = files.resolve("wrong");
        Files.writeString(wrongFile, "pw-wrong-guess\n", StandardCharsets.UTF_8);
        Path emptyFile = files.resolve("empty");
        Files.writeString(emptyFile, "\n", StandardCharsets.UTF_8);
        Path notAKeystore = files.resolve("not-a-keystore.p12");
        Files.writeString(notAKeystore, "-----BEGIN CERTIFICATE-----\n", StandardCharsets.US_ASCII);

        assertRefused(
                ServerConfig.builder().tlsKeystore(keys.keystore()).tlsKeystorePassword("pw-wrong-guess"),
                "cannot be opened with the given password");
        assertRefused(
                ServerConfig.builder().tlsKeystore(keys.keystore()).tlsKeystorePasswordFile(wrongFile),
                "cannot be opened with the given password");
        assertRefused(
                ServerConfig.builder().tlsKeystore(keys.keystore()),
                "--tls-keystore needs the keystore password: set OPAQUE_POP_TLS_KEYSTORE_PASSWORD or give"
                        + " --tls-keystore-password-file");
        assertRefused(
                ServerConfig.builder()
                        .tlsKeystore(keys.keystore())
                        .tlsKeystorePassword(keys.password())
                        .tlsKeystorePasswordFile(wrongFile),
                "either by OPAQUE_POP_TLS_KEYSTORE_PASSWORD or by --tls-keystore-password-file, not both");
        assertRefused(ServerConfig.builder().tlsKeystorePassword(keys.password()), "but no --tls-keystore");
        assertRefused(
                ServerConfig.builder().tlsKeystore(files.resolve("missing.p12")).tlsKeystorePassword(keys.password()),
                "missing.p12 does not exist");
        assertRefused(
                ServerConfig.builder().tlsKeystore(notAKeystore).tlsKeystorePassword(keys.password()),
                "cannot be read as a PKCS#12 keystore");
        assertRefused(
                ServerConfig.builder().tlsKeystore(keys.keystore()).tlsKeystorePasswordFile(files.resolve("nope")),
                "--tls-keystore-password-file " + files.resolve("nope") + " does not exist");
        assertRefused(
                ServerConfig.builder().tlsKeystore(keys.keystore()).tlsKeystorePasswordFile(emptyFile), "is empty");
    }

    @Test
    void keystoreWithoutAPrivateKey_isRefused(@TempDir Path files) throws Exception {
        // A truststore: the certificate alone.
        Path truststore = files.resolve("trust.p12");
        ProcessBuilder keytool = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "keytool")
                                .toString(),
                        "-importcert",
                        "-noprompt",
                        "-alias",
                        "server",
                        "-file",
                        keys.certificatePem().toString(),
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        truststore.toString(),
                        "-storepass:env",
                        "PW")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        keytool.environment().put("PW", keys.password());
        assertThat(keytool.start().waitFor()).isZero();
        assertRefused(
                ServerConfig.builder().tlsKeystore(truststore).tlsKeystorePassword(keys.password()),
                "holds no private key");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "RSA | 1024 | holds a 1024-bit RSA key: use at least 2048 bits",
                "DSA | 2048 | holds a DSA key, which no allowed cipher suite can use",
                "RSA | 2048 | ",
            })
    void keyTooWeakOrUnusable_isRefused(String algorithm, int size, String message, @TempDir Path files)
            throws Exception {
        Path weak = files.resolve("weak.p12");
        ProcessBuilder keytool = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "keytool")
                                .toString(),
                        "-genkeypair",
                        "-alias",
                        "weak",
                        "-keyalg",
                        algorithm,
                        "-keysize",
                        Integer.toString(size),
                        "-dname",
                        "CN=localhost",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        weak.toString(),
                        "-storepass:env",
                        "PW")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        keytool.environment().put("PW", keys.password());
        assertThat(keytool.start().waitFor()).isZero();
        ServerConfig.Builder builder = ServerConfig.builder().tlsKeystore(weak).tlsKeystorePassword(keys.password());
        if (message == null) {
            assertThat(builder.build().usesTls()).isTrue();
        } else {
            assertRefused(builder, message);
        }
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "maxHeaderBytes        | 512     | --max-header-bytes must be between 1024 and 65536, got 512",
                "maxHeaderBytes        | 100000  | --max-header-bytes must be between 1024 and 65536",
                "maxUriLength          | 100     | --max-uri-length must be at least 256 and less than --max-header-bytes",
                "maxUriLength          | 8192    | --max-uri-length must be at least 256 and less than --max-header-bytes (8192)",
                "connectionRequestRate | -1      | --connection-request-rate must be between 0 (off) and 1000000",
                "idleTimeout           | 0       | --idle-timeout must be between 1 and 3600 seconds",
                "maxConnections        | 0       | --max-connections must be between 1 and 1000000, got 0",
            })
    void limitsOutOfRange_nameTheOptionAndTheRange(String option, int value, String message) {
        ServerConfig.Builder builder = ServerConfig.builder();
        switch (option) {
            case "maxHeaderBytes" -> builder.maxHeaderBytes(value);
            case "maxUriLength" -> builder.maxUriLength(value);
            case "connectionRequestRate" -> builder.connectionRequestRate(value);
            case "idleTimeout" -> builder.idleTimeout(Duration.ofSeconds(value));
            case "maxConnections" -> builder.maxConnections(value);
            default -> throw new IllegalArgumentException(option);
        }
        assertRefused(builder, message);
    }

    @Test
    void limitDefaults_areTheDocumentedOnes() {
        ServerConfig config = ServerConfig.builder().build();
        assertThat(config.maxHeaderBytes()).isEqualTo(8192);
        assertThat(config.maxUriLength()).isEqualTo(2048);
        assertThat(config.core().maxBodyBytes()).isEqualTo(65536);
        assertThat(config.connectionRequestRate()).isEqualTo(1000);
        assertThat(config.idleTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.maxConnections()).isEqualTo(10_000);
        assertThat(config.allowInsecureHttp()).isFalse();
    }

    @Test
    void insecureHttpOnAllInterfaces_startsWithAWarning() throws Exception {
        try (OpaquePopServer server = OpaquePopServer.start(ServerConfig.builder()
                        .bind("0.0.0.0")
                        .allowInsecureHttp(true)
                        .port(0)
                        .dataDirectory(directory.resolve("insecure"))
                        .clientKsf(TestServer.TEST_KSF)
                        .build());
                HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> live = http.send(
                    HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + server.port() + "/healthz/live"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(live.statusCode()).isEqualTo(200);
        }
        assertThat(Files.readAllLines(LOG, StandardCharsets.UTF_8))
                .anyMatch(line -> line.startsWith("level=WARN")
                        && line.contains("serving plain HTTP on non-loopback address 0.0.0.0 (--allow-insecure-http)"));
    }

    private static void assertRefused(ServerConfig.Builder builder, String message) {
        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(e.getMessage())
                        .doesNotContain(keys.password())
                        .doesNotContain("pw-wrong-guess"));
    }
}
