package dev.opaquepop.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.opaquepop.client.ClientSession;
import dev.opaquepop.client.OpaquePopClient;
import dev.opaquepop.demo.DemoBankClient;
import dev.opaquepop.opaque.ClientLogin;
import dev.opaquepop.opaque.ClientLoginResult;
import dev.opaquepop.opaque.Identities;
import dev.opaquepop.opaque.Ke2;
import dev.opaquepop.pop.LoginPurpose;
import dev.opaquepop.pop.PopKey;
import dev.opaquepop.pop.PopSigner;
import dev.opaquepop.pop.SignedRequest;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every end-to-end suite stands on: a real server on a loopback port over one {@link Deployment}'s storage, a
 * client SDK (and the demo bank's client) talking to it through real HTTP, a clock the tests move by hand, and
 * the hand-made requests the suites need to reach every refusal. Each suite ({@link RegistrationAndLoginSuite},
 * {@link SignedCallSuite}, {@link LimitSuite}, {@link SessionSuite}, {@link AccountSuite}) runs against each
 * deployment through a plain subclass: {@code Embedded*Test} (SQLite and memory) and {@code PostgresRedis*IT}.
 */
abstract class EndToEndFixture {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final byte[] PASSWORD = "correct horse battery staple".getBytes(UTF_8);

    @TempDir
    Path data;

    final MutableClock clock = new MutableClock(Instant.now());
    TestServer server;
    OpaquePopClient client;
    DemoBankClient bank;

    private Deployment deployment;

    /** The storage this suite's tests run against, fresh for each test. */
    abstract Deployment newDeployment();

    @BeforeEach
    void start() throws Exception {
        deployment = newDeployment();
        deployment.open();
        server = startServer();
        connect();
    }

    /** A client (and the demo bank's client over it) of the test's current server. */
    void connect() {
        client = OpaquePopClient.builder(server.uri())
                .ksfPolicy(TestServer.CLIENT_POLICY)
                .clock(clock)
                .build();
        bank = new DemoBankClient(client);
    }

    /** A server of this deployment; every one started in a test shares its storage (and setup). */
    TestServer startServer() throws Exception {
        return startServer(b -> {});
    }

    TestServer startServer(Consumer<ServerConfig.Builder> customize) throws Exception {
        return TestServer.start(data, b -> {
            deployment.configure(b);
            b.clock(clock);
            customize.accept(b);
        });
    }

    /** Replaces the test's server by one configured otherwise (same storage). */
    void restart(Consumer<ServerConfig.Builder> customize) throws Exception {
        client.close();
        server.close();
        server = startServer(customize);
        connect();
    }

    @AfterEach
    void stop() throws Exception {
        try {
            if (client != null) {
                client.close();
            }
            if (server != null) {
                server.close();
            }
        } finally {
            deployment.close();
        }
    }

    // ---- helpers

    static void assertRateLimited(HttpResponse<String> response, String retryAfter) throws Exception {
        BadInputTest.assertProblem(response, 429, "rate_limited");
        assertThat(response.headers().firstValue("Retry-After")).hasValue(retryAfter);
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
    }

    static Map<String, List<String>> headersWithoutDate(HttpResponse<String> response) {
        Map<String, List<String>> headers =
                new java.util.TreeMap<>(response.headers().map());
        headers.remove("date");
        return headers;
    }

    HttpResponse<String> loginStartResponse(String username, Map<String, String> headers) throws Exception {
        byte[] ke1 = Requests.opaque().startLogin(PASSWORD).ke1().encode();
        return startResponse("/login/start", username, "ke1", ke1, headers);
    }

    HttpResponse<String> registerStartResponse(String username) throws Exception {
        byte[] request = Requests.opaque().startRegistration(PASSWORD).request().encode();
        return startResponse("/register/start", username, "registration_request", request, Map.of());
    }

    /** The first step of a registration or login: {@code username} and the client's first message, base64url. */
    private HttpResponse<String> startResponse(
            String path, String username, String field, byte[] message, Map<String, String> headers) throws Exception {
        String body = JSON.createObjectNode()
                .put("username", username)
                .put(field, Base64.getUrlEncoder().withoutPadding().encodeToString(message))
                .toString();
        return postJson(path, body, headers);
    }

    ClientSession registeredSession() throws Exception {
        return registeredSession(LoginPurpose.SIGN_IN);
    }

    ClientSession registeredSession(LoginPurpose purpose) throws Exception {
        client.register("alice", PASSWORD);
        return client.login("alice", PASSWORD, purpose);
    }

    JsonNode loginStart(String username) throws Exception {
        HttpResponse<String> response = loginStartResponse(username);
        assertThat(response.statusCode()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    HttpResponse<String> loginStartResponse(String username) throws Exception {
        return loginStartResponse(username, Map.of());
    }

    /** A login taken as far as the client's KE3, to be finished later. */
    PreparedLogin prepareLogin(String username, byte[] password) throws Exception {
        ClientLogin login = Requests.opaque().startLogin(password);
        HttpResponse<String> response =
                startResponse("/login/start", username, "ke1", login.ke1().encode(), Map.of());
        JsonNode started = JSON.readTree(response.body());
        ClientLoginResult result = login.finish(
                Ke2.decode(Base64.getUrlDecoder().decode(started.get("ke2").asText())), Identities.none());
        return new PreparedLogin(started.get("login_id").asText(), result.ke3().encode());
    }

    final class PreparedLogin {
        private final String loginId;
        private final byte[] ke3;

        PreparedLogin(String loginId, byte[] ke3) {
            this.loginId = loginId;
            this.ke3 = ke3;
        }

        HttpResponse<String> finish() throws Exception {
            return loginFinish(loginId, ke3);
        }

        /** The finish with {@code moreFields} (JSON members, each after a comma) after login_id and ke3. */
        HttpResponse<String> finish(String moreFields) throws Exception {
            String body = "{\"login_id\":\"" + loginId + "\",\"ke3\":\""
                    + Base64.getUrlEncoder().withoutPadding().encodeToString(ke3) + "\"" + moreFields + "}";
            return postJson("/login/finish", body);
        }
    }

    @FunctionalInterface
    interface ThrowingCall {
        void run() throws Exception;
    }

    HttpResponse<String> loginFinish(String loginId, byte[] ke3) throws Exception {
        return postJson(
                "/login/finish",
                JSON.createObjectNode()
                        .put("login_id", loginId)
                        .put("ke3", Base64.getUrlEncoder().withoutPadding().encodeToString(ke3))
                        .toString());
    }

    HttpResponse<String> postJson(String path, String body) throws Exception {
        return postJson(path, body, Map.of());
    }

    HttpResponse<String> postJson(String path, String body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> signedGet(String sessionId, PopKey key, String target, Clock signerClock) throws Exception {
        SignedRequest signed =
                new PopSigner(signerClock, new SecureRandom()).sign(sessionId, key, "GET", target, new byte[0]);
        return send(signed, "GET", target, new byte[0]);
    }

    HttpResponse<String> send(SignedRequest signed, String method, String target, byte[] body) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(server.uri(target))
                .method(
                        method,
                        body.length == 0
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
        signed.headers().forEach(builder::header);
        if (body.length > 0) {
            builder.header("Content-Type", "application/json");
        }
        return HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    static void assertPopFailure(HttpResponse<String> response, String code) throws Exception {
        BadInputTest.assertProblem(response, 401, code);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("PoP");
    }

    static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** A clock tests move by hand; shared by the server and the client so expiry and signing agree. */
    static final class MutableClock extends Clock {
        private final AtomicReference<Instant> now;

        MutableClock(Instant start) {
            this.now = new AtomicReference<>(start);
        }

        void advance(Duration by) {
            now.updateAndGet(t -> t.plus(by));
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
