package dev.opaquepop.samples.notes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opaquepop.opaque.SecretBytes;
import dev.opaquepop.pop.PopKey;
import dev.opaquepop.pop.PopSigner;
import dev.opaquepop.pop.SignedRequest;
import dev.opaquepop.testfixtures.NodePeer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * opaque-ke (npm {@code @serenity-kit/opaque}, through the shared {@link NodePeer}) as the client of the notes
 * sample over real HTTP: it registers and logs in, and the session key it derives signs calls to the sample's own
 * {@code /api/notes}, which see its user; an unsigned and a replayed request never reach the controller. Only the
 * PoP signing is ours, as a client built on opaque-ke would have to add it. Fails, not skips, without node under
 * {@code CI=true}.
 */
@SpringBootTest(classes = NotesApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(ControllerCalls.class)
class NotesOpaqueKeIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
    private static final String PASSWORD = "opaque-ke's own passphrase \u2713";

    @TempDir
    static Path directory;

    private static NodePeer peer;

    @LocalServerPort
    int port;

    @Autowired
    ControllerCalls controllerCalls;

    @DynamicPropertySource
    static void storage(DynamicPropertyRegistry properties) {
        properties.add("spring.datasource.url", () -> "jdbc:sqlite:" + directory.resolve("notes.db"));
        properties.add(
                "opaque-pop.data-directory", () -> directory.resolve("data").toString());
    }

    @BeforeAll
    static void startPeer() {
        peer = NodePeer.start();
    }

    @AfterAll
    static void stopPeer() {
        if (peer != null) {
            peer.close();
        }
    }

    @Test
    void opaqueKeRegistersLogsIn_andSignsCallsToTheSamplesOwnEndpoint() throws Exception {
        JsonNode discovery = get("/.well-known/opaque-pop");
        assertThat(discovery.at("/opaque/context").asText("?"))
                .as("the npm build supports only the empty context")
                .isEmpty();
        ObjectNode stretching = JSON.createObjectNode();
        stretching
                .putObject("argon2id-custom")
                .put("memory", discovery.at("/opaque/ksf/memory_kib").asInt())
                .put("iterations", discovery.at("/opaque/ksf/iterations").asInt())
                .put("parallelism", discovery.at("/opaque/ksf/parallelism").asInt());
        String username = "opaque-ke-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(6));

        register(username, stretching);
        int before = controllerCalls.count();
        Session session = login(username, stretching);

        byte[] body = JSON.writeValueAsBytes(JSON.createObjectNode().put("text", "from opaque-ke"));
        SignedRequest create = session.sign("POST", "/api/notes", body);
        assertThat(send(create, "POST", "/api/notes", body).statusCode()).isEqualTo(201);
        HttpResponse<String> list = send(session.sign("GET", "/api/notes", new byte[0]), "GET", "/api/notes", null);
        assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
        JsonNode notes = JSON.readTree(list.body());
        assertThat(notes.get("user").asText()).isEqualTo(username);
        assertThat(notes.get("notes")).hasSize(1);
        assertThat(notes.at("/notes/0/text").asText()).isEqualTo("from opaque-ke");
        assertThat(controllerCalls.count()).isEqualTo(before + 2);

        assertRefused(send(create, "POST", "/api/notes", body), "replayed_nonce");
        assertRefused(send(null, "GET", "/api/notes", null), "missing_credentials");
        assertThat(controllerCalls.count()).isEqualTo(before + 2);
    }

    private void register(String username, ObjectNode stretching) throws Exception {
        JsonNode started = peer.ok("clientStartRegistration", peer.args().put("password", PASSWORD));
        JsonNode response = post(
                "/register/start",
                JSON.createObjectNode()
                        .put("username", username)
                        .put(
                                "registration_request",
                                started.get("registrationRequest").asText()),
                200);
        JsonNode finished = peer.ok(
                "clientFinishRegistration",
                peer.args()
                        .put("password", PASSWORD)
                        .put(
                                "clientRegistrationState",
                                started.get("clientRegistrationState").asText())
                        .put(
                                "registrationResponse",
                                response.get("registration_response").asText())
                        .set("keyStretching", stretching));
        post(
                "/register/finish",
                JSON.createObjectNode()
                        .put("username", username)
                        .put(
                                "registration_record",
                                finished.get("registrationRecord").asText()),
                201);
    }

    private Session login(String username, ObjectNode stretching) throws Exception {
        JsonNode started = peer.ok("clientStartLogin", peer.args().put("password", PASSWORD));
        JsonNode ke2 = post(
                "/login/start",
                JSON.createObjectNode()
                        .put("username", username)
                        .put("ke1", started.get("startLoginRequest").asText()),
                200);
        JsonNode finished = peer.ok(
                "clientFinishLogin",
                peer.args()
                        .put("password", PASSWORD)
                        .put("clientLoginState", started.get("clientLoginState").asText())
                        .put("loginResponse", ke2.get("ke2").asText())
                        .set("keyStretching", stretching));
        assertThat(finished.get("finished").asBoolean())
                .as("opaque-ke accepts the sample's KE2")
                .isTrue();
        JsonNode session = post(
                "/login/finish",
                JSON.createObjectNode()
                        .put("login_id", ke2.get("login_id").asText())
                        .put("ke3", finished.get("finishLoginRequest").asText()),
                200);
        assertThat(session.get("token_type").asText()).isEqualTo("PoP");
        // The PoP key comes from opaque-ke's session key, exactly as from ours (docs/protocol.md).
        PopKey key = PopKey.derive(SecretBytes.copyOf(NodePeer.bytes(finished, "sessionKey")));
        return new Session(session.get("session_id").asText(), key);
    }

    /** A session opaque-ke logged in to; signing is the one step a client on opaque-ke adds. */
    private record Session(String id, PopKey key) {
        SignedRequest sign(String method, String target, byte[] body) {
            return new PopSigner(Clock.systemUTC(), new SecureRandom()).sign(id, key, method, target, body);
        }
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> answer =
                HTTP.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return JSON.readTree(answer.body());
    }

    private JsonNode post(String path, ObjectNode json, int status) throws Exception {
        HttpResponse<String> answer = HTTP.send(
                HttpRequest.newBuilder(uri(path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(json)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(path + ": " + answer.body()).isEqualTo(status);
        return JSON.readTree(answer.body());
    }

    /** Sends a request with the headers of {@code signed}, or none when it is null. */
    private HttpResponse<String> send(SignedRequest signed, String method, String target, byte[] body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(target))
                .timeout(Duration.ofSeconds(60))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
        if (signed != null) {
            signed.headers().forEach(request::header);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertRefused(HttpResponse<String> response, String code) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("PoP");
        assertThat(JSON.readTree(response.body()).get("code").asText()).isEqualTo(code);
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }
}
