package dev.opaquepop.server;

import static dev.opaquepop.testfixtures.NodePeer.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.opaquepop.opaque.SecretBytes;
import dev.opaquepop.pop.PopKey;
import dev.opaquepop.pop.SignedRequest;
import dev.opaquepop.testfixtures.NodePeer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * opaque-ke's client ({@code @serenity-kit/opaque}, driven by the interop harness {@link NodePeer} of the opaque
 * module) registers and logs in through the gateway's HTTP protocol; its session key then signs calls (with this
 * project's PoP signer: opaque-ke has no PoP) that reach a recording upstream with the user and a valid assertion.
 * A replayed call is refused by the gateway and never forwarded. Needs node and npm (skipped without them, failed
 * with {@code CI=true}).
 */
class GatewayOpaqueKeIT {
    private static final String PASSWORD = "correct horse battery staple \u2713";

    @TempDir
    Path data;

    private NodePeer peer;
    private RecordingUpstream upstream;
    private TestServer gateway;

    @BeforeEach
    void start() throws Exception {
        peer = NodePeer.start();
        upstream = new RecordingUpstream();
        gateway = TestServer.start(data, b -> b.upstream(upstream.uri().toString()));
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (upstream != null) {
            upstream.close();
        }
        if (peer != null) {
            peer.close();
        }
    }

    @Test
    void opaqueKeClient_logsInThroughTheGateway_andItsSignedCallsReachTheUpstream() throws Exception {
        register("kim");
        Requests.LoggedIn kim = login("kim");

        HttpResponse<String> answer = Requests.signed(gateway.uri(), kim, "POST", "/notes?tag=ke", "{\"n\":1}");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(answer.body()).contains("\"upstream\":\"ok\"");
        assertThat(Requests.signed(gateway.uri(), kim, "GET", "/notes", "").statusCode())
                .isEqualTo(200);

        assertThat(upstream.targets()).containsExactly("/notes?tag=ke", "/notes");
        for (RecordingUpstream.Received received : upstream.received()) {
            assertThat(received.headers().get("X-Forwarded-User")).containsExactly("kim");
            for (String pop : List.of("Authorization", "X-TS", "X-NONCE", "X-POP")) {
                assertThat(received.headers().containsKey(pop)).as(pop).isFalse();
            }
            JWTClaimsSet claims =
                    GatewayTest.verifiedAssertion(gateway.uri(), received.header("X-Opaque-Pop-Assertion"));
            assertThat(claims.getSubject()).isEqualTo("kim");
            assertThat(claims.getAudience()).containsExactly(upstream.uri().toString());
            assertThat(claims.getStringClaim("htm")).isEqualTo(received.method());
            assertThat(claims.getStringClaim("htu")).isEqualTo(received.target());
        }

        // A replay of a call that went through: refused by the gateway, not forwarded.
        SignedRequest once = Requests.sign(kim, "DELETE", "/notes/1", "");
        assertThat(Requests.send(gateway.uri(), once, "DELETE", "/notes/1", "").statusCode())
                .isEqualTo(200);
        Requests.assertProblem(Requests.send(gateway.uri(), once, "DELETE", "/notes/1", ""), 401, "replayed_nonce");
        assertThat(upstream.targets()).containsExactly("/notes?tag=ke", "/notes", "/notes/1");
    }

    @Test
    void opaqueKeClient_withTheWrongPassword_getsNoSession() throws Exception {
        register("lee");
        JsonNode started = peer.ok("clientStartLogin", peer.args().put("password", PASSWORD + "!"));
        JsonNode ke2 =
                post("/login/start", "ke1", started.get("startLoginRequest").asText(), "lee");
        JsonNode finished = peer.ok(
                "clientFinishLogin",
                finishArgs(PASSWORD + "!", "clientLoginState", started, "loginResponse", ke2.get("ke2")));
        // opaque-ke's client itself notices the wrong password and has no KE3 to send.
        assertThat(finished.path("finished").asBoolean(true)).isFalse();
        assertThat(upstream.received()).isEmpty();
    }

    /** opaque-ke's client against {@code /register/start} and {@code /register/finish}. */
    private void register(String username) throws Exception {
        JsonNode started = peer.ok("clientStartRegistration", peer.args().put("password", PASSWORD));
        JsonNode response = post(
                "/register/start",
                "registration_request",
                started.get("registrationRequest").asText(),
                username);
        JsonNode finished = peer.ok(
                "clientFinishRegistration",
                finishArgs(
                        PASSWORD,
                        "clientRegistrationState",
                        started,
                        "registrationResponse",
                        response.get("registration_response")));
        HttpResponse<String> created = Requests.postJson(
                gateway.uri(),
                "/register/finish",
                Requests.JSON
                        .createObjectNode()
                        .put("username", username)
                        .put(
                                "registration_record",
                                finished.get("registrationRecord").asText())
                        .toString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    }

    /** opaque-ke's client against {@code /login/start} and {@code /login/finish}; its session key becomes the PoP key. */
    private Requests.LoggedIn login(String username) throws Exception {
        JsonNode started = peer.ok("clientStartLogin", peer.args().put("password", PASSWORD));
        JsonNode ke2 =
                post("/login/start", "ke1", started.get("startLoginRequest").asText(), username);
        JsonNode finished = peer.ok(
                "clientFinishLogin",
                finishArgs(PASSWORD, "clientLoginState", started, "loginResponse", ke2.get("ke2")));
        assertThat(finished.path("finished").asBoolean(false)).isTrue();
        HttpResponse<String> session = Requests.postJson(
                gateway.uri(),
                "/login/finish",
                Requests.JSON
                        .createObjectNode()
                        .put("login_id", ke2.get("login_id").asText())
                        .put("ke3", finished.get("finishLoginRequest").asText())
                        .toString());
        assertThat(session.statusCode()).as(session.body()).isEqualTo(200);
        SecretBytes sessionKey = SecretBytes.copyOf(bytes(finished, "sessionKey"));
        try {
            return new Requests.LoggedIn(
                    Requests.json(session).get("session_id").asText(), PopKey.derive(sessionKey));
        } finally {
            sessionKey.destroy();
        }
    }

    private JsonNode post(String path, String field, String value, String username) throws Exception {
        HttpResponse<String> response = Requests.postJson(
                gateway.uri(),
                path,
                Requests.JSON
                        .createObjectNode()
                        .put("username", username)
                        .put(field, value)
                        .toString());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return Requests.json(response);
    }

    /** The gateway's cheap test Argon2id, spelled for opaque-ke ({@code argon2id-custom}). */
    private ObjectNode finishArgs(
            String password, String stateField, JsonNode started, String messageField, JsonNode message) {
        ObjectNode stretching = peer.args();
        stretching
                .putObject("argon2id-custom")
                .put("memory", TestServer.TEST_KSF.memoryKib())
                .put("iterations", TestServer.TEST_KSF.iterations())
                .put("parallelism", TestServer.TEST_KSF.parallelism());
        ObjectNode args = peer.args()
                .put("password", password)
                .put(stateField, started.get(stateField).asText())
                .put(messageField, message.asText());
        args.set("keyStretching", stretching);
        return args;
    }
}
