package dev.opaquepop.samples.notes;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.opaquepop.client.ClientSession;
import dev.opaquepop.client.KsfPolicy;
import dev.opaquepop.client.OpaquePopClient;
import dev.opaquepop.client.OpaquePopClientException;
import dev.opaquepop.pop.LoginPurpose;
import dev.opaquepop.pop.PopSigner;
import dev.opaquepop.pop.SignedRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;

/**
 * The notes sample on a random port, driven through real HTTP by the Java client SDK: registration, login, signed
 * calls that see their own user, every attack refused before a controller runs, sessions, password change and
 * account deletion. One suite, run against each storage deployment by a subclass.
 */
@SpringBootTest(classes = NotesApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(ControllerCalls.class)
abstract class NotesSuite {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final byte[] PASSWORD = "correct horse battery staple".getBytes(UTF_8);
    private static final SecureRandom RANDOM = new SecureRandom();

    @LocalServerPort
    int port;

    @Autowired
    ControllerCalls controllerCalls;

    private OpaquePopClient client;

    @BeforeEach
    void connect() {
        client = OpaquePopClient.builder(uri(""))
                .ksfPolicy(KsfPolicy.insecureFloor(
                        ControllerCalls.TEST_KSF.memoryKib(), ControllerCalls.TEST_KSF.iterations()))
                .build();
    }

    @AfterEach
    void disconnect() {
        client.close();
    }

    @Test
    void signedCalls_seeTheirOwnUser_andOnlyTheirOwnNotes() throws Exception {
        ClientSession alice = newUser();
        ClientSession bob = newUser();

        HttpResponse<byte[]> created = client.send(alice, "POST", "/api/notes", note("buy milk"));
        assertThat(created.statusCode()).isEqualTo(201);
        String id = json(created).get("id").asText();

        JsonNode aliceNotes = json(client.send(alice, "GET", "/api/notes", null));
        assertThat(aliceNotes.get("user").asText()).isEqualTo(alice.username());
        assertThat(aliceNotes.get("notes")).hasSize(1);
        assertThat(aliceNotes.get("notes").get(0).get("text").asText()).isEqualTo("buy milk");

        JsonNode bobNotes = json(client.send(bob, "GET", "/api/notes", null));
        assertThat(bobNotes.get("user").asText()).isEqualTo(bob.username());
        assertThat(bobNotes.get("notes")).isEmpty();
        assertThat(client.send(bob, "DELETE", "/api/notes/" + id, null).statusCode())
                .isEqualTo(404);

        assertThat(client.send(alice, "DELETE", "/api/notes/" + id, null).statusCode())
                .isEqualTo(204);
        assertThat(json(client.send(alice, "GET", "/api/notes", null)).get("notes"))
                .isEmpty();
    }

    @Test
    void unsignedRequest_isRefusedAsTheServerRefusesIt_beforeTheController() throws Exception {
        int before = controllerCalls.count();
        HttpResponse<String> answer = HTTP.send(
                HttpRequest.newBuilder(uri("/api/notes")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertProblem(answer, "missing_credentials");
        assertThat(controllerCalls.count()).isEqualTo(before);
    }

    @Test
    void replayedRequest_isRefused_andTheControllerRanOnce() throws Exception {
        ClientSession session = newUser();
        byte[] body = note("once");
        SignedRequest signed = sign(session, Clock.systemUTC(), "POST", "/api/notes", body);
        int before = controllerCalls.count();
        assertThat(send(signed, "POST", "/api/notes", body).statusCode()).isEqualTo(201);
        assertProblem(send(signed, "POST", "/api/notes", body), "replayed_nonce");
        assertThat(controllerCalls.count()).isEqualTo(before + 1);
        assertThat(json(client.send(session, "GET", "/api/notes", null)).get("notes"))
                .hasSize(1);
    }

    @Test
    void stolenSessionId_withoutTheKey_isRefused() throws Exception {
        ClientSession session = newUser();
        int before = controllerCalls.count();
        HttpResponse<String> bearerOnly = HTTP.send(
                HttpRequest.newBuilder(uri("/api/notes"))
                        .header("Authorization", "Bearer " + session.sessionId())
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(bearerOnly.statusCode()).isEqualTo(401);
        assertThat(bearerOnly.headers().firstValue("WWW-Authenticate")).hasValue("PoP");
        assertThat(controllerCalls.count()).isEqualTo(before);
    }

    @Test
    void tamperedBody_isRefused_beforeTheController() throws Exception {
        ClientSession session = newUser();
        SignedRequest signed = sign(session, Clock.systemUTC(), "POST", "/api/notes", note("signed"));
        int before = controllerCalls.count();
        assertProblem(send(signed, "POST", "/api/notes", note("tampered")), "invalid_signature");
        assertThat(controllerCalls.count()).isEqualTo(before);
        assertThat(json(client.send(session, "GET", "/api/notes", null)).get("notes"))
                .isEmpty();
    }

    @Test
    void staleTimestamp_isRefused_beforeTheController() throws Exception {
        ClientSession session = newUser();
        Clock tenMinutesAgo = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-10));
        SignedRequest signed = sign(session, tenMinutesAgo, "GET", "/api/notes", new byte[0]);
        int before = controllerCalls.count();
        assertProblem(send(signed, "GET", "/api/notes", new byte[0]), "stale_timestamp");
        assertThat(controllerCalls.count()).isEqualTo(before);
    }

    @Test
    void wrongPassword_getsNoSession() throws Exception {
        String username = newUsername();
        client.register(username, PASSWORD);
        assertThatThrownBy(() -> client.login(username, "wrong".getBytes(UTF_8)))
                .isInstanceOfSatisfying(
                        OpaquePopClientException.class,
                        e -> assertThat(e.code()).isEqualTo(OpaquePopClientException.LOGIN_FAILED));
    }

    @Test
    void sessionsAreListed_andLogoutEndsOne() throws Exception {
        String username = newUsername();
        client.register(username, PASSWORD);
        ClientSession first = client.login(username, PASSWORD);
        ClientSession second = client.login(username, PASSWORD);
        assertThat(client.sessions(first)).hasSize(2);

        client.logout(second);
        assertThat(client.sessions(first)).hasSize(1);
        int before = controllerCalls.count();
        assertThat(client.send(second, "GET", "/api/notes", null).statusCode()).isEqualTo(401);
        assertThat(controllerCalls.count()).isEqualTo(before);
    }

    @Test
    void passwordChange_takesTheNewPassword_andEndsOtherSessions() throws Exception {
        String username = newUsername();
        client.register(username, PASSWORD);
        ClientSession other = client.login(username, PASSWORD);
        ClientSession fresh = client.login(username, PASSWORD, LoginPurpose.PASSWORD_CHANGE);
        byte[] newPassword = "a new and longer passphrase".getBytes(UTF_8);
        client.changePassword(fresh, newPassword);

        assertThat(client.send(other, "GET", "/api/notes", null).statusCode()).isEqualTo(401);
        assertThat(client.send(fresh, "GET", "/api/notes", null).statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> client.login(username, PASSWORD)).isInstanceOf(OpaquePopClientException.class);
        ClientSession again = client.login(username, newPassword);
        assertThat(json(client.send(again, "GET", "/api/notes", null))
                        .get("user")
                        .asText())
                .isEqualTo(username);
    }

    @Test
    void accountDeletion_endsEverySession_andTheUser() throws Exception {
        String username = newUsername();
        client.register(username, PASSWORD);
        ClientSession everyday = client.login(username, PASSWORD);
        ClientSession fresh = client.login(username, PASSWORD, LoginPurpose.ACCOUNT_DELETION);
        client.deleteAccount(fresh);

        assertThat(client.send(everyday, "GET", "/api/notes", null).statusCode())
                .isEqualTo(401);
        assertThatThrownBy(() -> client.login(username, PASSWORD)).isInstanceOf(OpaquePopClientException.class);
    }

    @Test
    void discoveryDocument_isServedByTheApplication() throws Exception {
        HttpResponse<String> answer = HTTP.send(
                HttpRequest.newBuilder(uri("/.well-known/opaque-pop")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode document = JSON.readTree(answer.body());
        assertThat(document.get("protocol").asText()).isEqualTo("opaque-pop-v1");
        assertThat(document.at("/opaque/ksf/memory_kib").asInt()).isEqualTo(ControllerCalls.TEST_KSF.memoryKib());
    }

    private ClientSession newUser() throws Exception {
        String username = newUsername();
        client.register(username, PASSWORD);
        return client.login(username, PASSWORD);
    }

    private static String newUsername() {
        byte[] id = new byte[6];
        RANDOM.nextBytes(id);
        return "user-" + HexFormat.of().formatHex(id);
    }

    private static byte[] note(String text) throws Exception {
        return JSON.writeValueAsBytes(JSON.createObjectNode().put("text", text));
    }

    private static SignedRequest sign(ClientSession session, Clock clock, String method, String target, byte[] body) {
        return new PopSigner(clock, new SecureRandom())
                .sign(session.sessionId(), session.popKey(), method, target, body);
    }

    private HttpResponse<String> send(SignedRequest signed, String method, String target, byte[] body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(target))
                .method(
                        method,
                        body.length == 0
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
        signed.headers().forEach(request::header);
        if (body.length > 0) {
            request.header("Content-Type", "application/json");
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<byte[]> response) throws Exception {
        assertThat(response.statusCode()).as(new String(response.body(), UTF_8)).isBetween(200, 299);
        return JSON.readTree(response.body());
    }

    /** A PoP refusal exactly as the stand-alone server answers it. */
    private static void assertProblem(HttpResponse<String> response, String code) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("PoP");
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(JSON.readTree(response.body()).get("code").asText()).isEqualTo(code);
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }
}
