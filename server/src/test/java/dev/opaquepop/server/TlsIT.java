package dev.opaquepop.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opaquepop.client.ClientSession;
import dev.opaquepop.client.OpaquePopClient;
import dev.opaquepop.demo.DemoBankClient;
import dev.opaquepop.demo.Me;
import dev.opaquepop.demo.TransferReceipt;
import dev.opaquepop.testfixtures.HandMovedTime;
import dev.opaquepop.testfixtures.RawHttp;
import dev.opaquepop.testfixtures.SelfSignedKeystore;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * HTTPS straight from a PKCS#12 keystore: HTTP/2 by ALPN and HTTP/1.1, HSTS, TLS 1.2 and 1.3 only, forward-secret
 * AEAD suites only, and the whole protocol working over it.
 */
class TlsIT {
    private static final int ALERT = 0x15;
    private static final int HANDSHAKE = 0x16;
    private static final int SERVER_HELLO = 0x02;
    private static final int PROTOCOL_VERSION_ALERT = 70;
    private static final int HANDSHAKE_FAILURE_ALERT = 40;
    // TLS 1.2 suites: one ECDHE-ECDSA AEAD suite the server accepts, and suites it must never pick.
    private static final int ECDHE_ECDSA_AES_128_GCM = 0xC02B;
    private static final int ECDHE_ECDSA_AES_128_CBC_SHA = 0xC009;
    private static final int ECDHE_ECDSA_AES_128_CBC_SHA256 = 0xC023;
    private static final int RSA_AES_128_GCM = 0x009C;

    @TempDir
    static Path directory;

    private static SelfSignedKeystore keys;
    private static TestServer server;
    private static SSLContext trusting;

    @BeforeAll
    static void start() throws Exception {
        keys = SelfSignedKeystore.create(directory.resolve("tls"));
        server = TestServer.start(
                directory.resolve("data"), b -> b.tlsKeystore(keys.keystore()).tlsKeystorePassword(keys.password()));
        trusting = keys.clientContext();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static URI https(String path) {
        return URI.create("https://localhost:" + server.port() + path);
    }

    private static HttpClient client(HttpClient.Version version) {
        return HttpClient.newBuilder()
                .sslContext(trusting)
                .version(version)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    @Test
    void http2_isNegotiatedByAlpn_andEveryAnswerCarriesHsts() throws Exception {
        try (HttpClient http = client(HttpClient.Version.HTTP_2)) {
            HttpResponse<String> live = http.send(
                    HttpRequest.newBuilder(https("/healthz/live")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(live.statusCode()).isEqualTo(200);
            assertThat(live.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(live.headers().firstValue("Strict-Transport-Security")).hasValue("max-age=31536000");

            HttpResponse<String> missing = http.send(
                    HttpRequest.newBuilder(https("/no/such/route")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(missing.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(missing.statusCode()).isEqualTo(404);
            assertThat(missing.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
            assertThat(missing.headers().firstValue("Strict-Transport-Security"))
                    .isPresent();
        }
    }

    /** Over HTTP/2 the per-connection rate covers every stream of the connection. */
    @Test
    void http2Connection_sharesOneRateLimitAcrossItsStreams() throws Exception {
        HandMovedTime time = new HandMovedTime(Instant.parse("2026-01-01T00:00:00Z"));
        Clock clock = time.clock();
        try (TestServer limited = TestServer.start(
                        directory.resolve("limited"),
                        b -> b.tlsKeystore(keys.keystore())
                                .tlsKeystorePassword(keys.password())
                                .connectionRequestRate(3)
                                .clock(clock));
                HttpClient http = client(HttpClient.Version.HTTP_2)) {
            URI live = URI.create("https://localhost:" + limited.port() + "/healthz/live");
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                HttpResponse<String> response =
                        http.send(HttpRequest.newBuilder(live).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
                statuses.add(response.statusCode());
            }
            assertThat(statuses).containsExactly(200, 200, 200, 429);
        }
    }

    @Test
    void http11_isServedToo() throws Exception {
        try (HttpClient http = client(HttpClient.Version.HTTP_1_1)) {
            HttpResponse<String> live = http.send(
                    HttpRequest.newBuilder(https("/healthz/live")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(live.statusCode()).isEqualTo(200);
            assertThat(live.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
            assertThat(live.headers().firstValue("Strict-Transport-Security")).hasValue("max-age=31536000");
        }
    }

    @Test
    void theSdk_registersLogsInAndSignsRequestsOverHttp2() throws Exception {
        try (HttpClient http = client(HttpClient.Version.HTTP_2);
                OpaquePopClient client = OpaquePopClient.builder(https("/"))
                        .ksfPolicy(TestServer.CLIENT_POLICY)
                        .httpClient(http)
                        .build()) {
            byte[] password = "pw-over-tls".getBytes(StandardCharsets.UTF_8);
            client.register("tls-alice", password);
            ClientSession session = client.login("tls-alice", password);
            DemoBankClient bank = new DemoBankClient(client);
            TransferReceipt receipt = bank.transfer(session, "bob", "3.50");
            assertThat(receipt.amount()).isEqualTo("3.50");
            Me me = bank.me(session);
            assertThat(me.username()).isEqualTo("tls-alice");
            client.logout(session);
        }
    }

    /** Clients such as curl --http1.1 offer only "http/1.1" by ALPN (the JDK client offers nothing for 1.1). */
    @ParameterizedTest
    @ValueSource(strings = {"http/1.1", "h2"})
    void alpn_selectsWhatTheClientOffers(String protocol) throws Exception {
        try (SSLSocket socket = (SSLSocket) trusting.getSocketFactory().createSocket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()), 5_000);
            socket.setSoTimeout(10_000);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setApplicationProtocols(new String[] {protocol});
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            parameters.setServerNames(List.of(new SNIHostName("localhost")));
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            assertThat(socket.getApplicationProtocol()).isEqualTo(protocol);
            if (protocol.equals("http/1.1")) {
                socket.getOutputStream()
                        .write("GET /healthz/live HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                                .getBytes(StandardCharsets.US_ASCII));
                String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                assertThat(response).startsWith("HTTP/1.1 200 ").contains("{\"status\":\"ok\"}");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void tls13AndTls12_areAccepted(String protocol) throws Exception {
        SSLParameters parameters = new SSLParameters();
        parameters.setProtocols(new String[] {protocol});
        try (HttpClient http = HttpClient.newBuilder()
                .sslContext(trusting)
                .sslParameters(parameters)
                .build()) {
            HttpResponse<String> live = http.send(
                    HttpRequest.newBuilder(https("/healthz/live")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(live.statusCode()).isEqualTo(200);
            assertThat(live.sslSession())
                    .hasValueSatisfying(
                            session -> assertThat(session.getProtocol()).isEqualTo(protocol));
        }
    }

    /**
     * The JDK client cannot offer TLS 1.1 any more, so the ClientHello is written by hand. The same hello with
     * version 1.2 gets a ServerHello, so a refusal is about the version and not a malformed message.
     */
    @Test
    void tls11_isRefusedWithAProtocolVersionAlert() throws IOException {
        assertThat(firstRecord(clientHello(0x0303, ECDHE_ECDSA_AES_128_GCM)))
                .as("the hand-written TLS 1.2 hello is accepted")
                .containsExactly(HANDSHAKE, SERVER_HELLO);
        assertThat(firstRecord(clientHello(0x0302, ECDHE_ECDSA_AES_128_GCM, ECDHE_ECDSA_AES_128_CBC_SHA)))
                .containsExactly(ALERT, PROTOCOL_VERSION_ALERT);
        assertThat(firstRecord(clientHello(0x0301, ECDHE_ECDSA_AES_128_CBC_SHA)))
                .containsExactly(ALERT, PROTOCOL_VERSION_ALERT);
    }

    /**
     * In a JVM that allows TLS 1.0 and 1.1 again (as an operator might, by editing java.security), the server
     * still refuses them and the CBC suites: the control, a bare JSSE socket from the same keystore in that JVM,
     * accepts the very same TLS 1.1 hello. (TLS 1.1 is refused twice over: by the protocol list, and because no
     * allowed suite exists before TLS 1.2.)
     */
    @Test
    void tls11_isRefusedEvenInAJvmThatAllowsIt() throws Exception {
        Path security = directory.resolve("legacy.security");
        Files.writeString(
                security,
                "jdk.tls.disabledAlgorithms=SSLv3, RC4, DES, MD5withRSA, DH keySize < 1024, EC keySize < 224,"
                        + " 3DES_EDE_CBC, anon, NULL\n",
                StandardCharsets.US_ASCII);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder builder = new ProcessBuilder(
                        java.toString(),
                        "--enable-native-access=ALL-UNNAMED",
                        "-Djava.security.properties=" + security,
                        "-DOPAQUE_POP_LOG_LEVEL=WARN",
                        "-Dlogback.configurationFile=logback-audit.xml",
                        "-cp",
                        System.getProperty("java.class.path"),
                        LegacyTlsServer.class.getName(),
                        keys.keystore().toString(),
                        directory.resolve("legacy-data").toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("OPAQUE_POP_TLS_KEYSTORE_PASSWORD", keys.password());
        Process child = builder.start();
        try {
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            assertThat(line).as("the child JVM printed its ports").startsWith("ports ");
            String[] ports = line.split(" ", 3);
            int ours = Integer.parseInt(ports[1]);
            int control = Integer.parseInt(ports[2]);

            byte[] tls11 = clientHello(0x0302, ECDHE_ECDSA_AES_128_CBC_SHA);
            assertThat(firstRecord(control, tls11))
                    .as("that JVM accepts TLS 1.1 when asked to")
                    .containsExactly(HANDSHAKE, SERVER_HELLO);
            assertThat(firstRecord(ours, tls11)).containsExactly(ALERT, PROTOCOL_VERSION_ALERT);
            assertThat(firstRecord(
                            ours, clientHello(0x0303, ECDHE_ECDSA_AES_128_CBC_SHA, ECDHE_ECDSA_AES_128_CBC_SHA256)))
                    .containsExactly(ALERT, HANDSHAKE_FAILURE_ALERT);
            assertThat(firstRecord(ours, clientHello(0x0303, ECDHE_ECDSA_AES_128_GCM)))
                    .containsExactly(HANDSHAKE, SERVER_HELLO);
        } finally {
            child.getOutputStream().close();
            if (!child.waitFor(30, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        }
    }

    @Test
    void cbcSuitesAndRsaKeyExchange_areRefused() throws IOException {
        assertThat(firstRecord(clientHello(
                        0x0303, ECDHE_ECDSA_AES_128_CBC_SHA, ECDHE_ECDSA_AES_128_CBC_SHA256, RSA_AES_128_GCM)))
                .containsExactly(ALERT, HANDSHAKE_FAILURE_ALERT);
    }

    @Test
    void plainHttpToTheHttpsPort_isNotServed() throws IOException {
        try (RawHttp http = new RawHttp(server.port(), 10_000)) {
            http.send("GET /healthz/live HTTP/1.1\r\nHost: localhost\r\n\r\n");
            // Jetty answers a TLS alert or closes; either way no HTTP response comes back.
            assertThat(readStatusOrNothing(http)).isNotEqualTo(200);
        }
    }

    private static int readStatusOrNothing(RawHttp http) {
        try {
            return http.read().status();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * Sends a minimal TLS ClientHello (legacy version {@code version}, the given suites, x25519/P-256, ECDSA and
     * RSA signatures, no supported_versions extension) and returns the server's first record type and its first
     * content byte: the handshake type of a ServerHello, or the description of an alert.
     */
    private static int[] firstRecord(byte[] hello) throws IOException {
        return firstRecord(server.port(), hello);
    }

    private static int[] firstRecord(int port, byte[] hello) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(hello);
            socket.getOutputStream().flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            int type = in.readUnsignedByte();
            in.readUnsignedShort();
            int length = in.readUnsignedShort();
            byte[] content = readFully(in, length);
            // An alert is level then description; a handshake record starts with the message type.
            return new int[] {type, type == ALERT ? content[1] & 0xff : content[0] & 0xff};
        }
    }

    private static byte[] readFully(InputStream in, int length) throws IOException {
        byte[] bytes = in.readNBytes(length);
        if (bytes.length != length) {
            throw new IOException("short TLS record");
        }
        return bytes;
    }

    private static byte[] clientHello(int version, int... suites) {
        ByteArrayOutputStream extensions = new ByteArrayOutputStream();
        // supported_groups: x25519, secp256r1
        extension(extensions, 0x000a, new int[] {0x00, 0x04, 0x00, 0x1d, 0x00, 0x17});
        // ec_point_formats: uncompressed
        extension(extensions, 0x000b, new int[] {0x01, 0x00});
        // signature_algorithms: ecdsa_secp256r1_sha256, rsa_pss_rsae_sha256, rsa_pkcs1_sha256
        extension(extensions, 0x000d, new int[] {0x00, 0x06, 0x04, 0x03, 0x08, 0x04, 0x04, 0x01});

        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(version >> 8);
        body.write(version & 0xff);
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        body.writeBytes(random);
        body.write(0); // no session id
        body.write((suites.length * 2) >> 8);
        body.write((suites.length * 2) & 0xff);
        for (int suite : suites) {
            body.write(suite >> 8);
            body.write(suite & 0xff);
        }
        body.write(1); // compression methods: null only
        body.write(0);
        body.write(extensions.size() >> 8);
        body.write(extensions.size() & 0xff);
        body.writeBytes(extensions.toByteArray());

        ByteArrayOutputStream handshake = new ByteArrayOutputStream();
        handshake.write(0x01); // ClientHello
        handshake.write(0);
        handshake.write(body.size() >> 8);
        handshake.write(body.size() & 0xff);
        handshake.writeBytes(body.toByteArray());

        ByteArrayOutputStream record = new ByteArrayOutputStream();
        record.write(HANDSHAKE);
        record.write(0x03);
        record.write(0x01);
        record.write(handshake.size() >> 8);
        record.write(handshake.size() & 0xff);
        record.writeBytes(handshake.toByteArray());
        return record.toByteArray();
    }

    private static void extension(ByteArrayOutputStream out, int type, int[] data) {
        out.write(type >> 8);
        out.write(type & 0xff);
        out.write(data.length >> 8);
        out.write(data.length & 0xff);
        for (int b : data) {
            out.write(b);
        }
    }
}
