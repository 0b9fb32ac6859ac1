package dev.opaquepop.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.opaquepop.client.OpaquePopClient;
import dev.opaquepop.client.OpaquePopClientException;
import dev.opaquepop.opaque.ClientLogin;
import dev.opaquepop.opaque.ClientLoginResult;
import dev.opaquepop.opaque.Identities;
import dev.opaquepop.opaque.Ke2;
import dev.opaquepop.opaque.OpaqueClient;
import dev.opaquepop.opaque.OpaqueConfig;
import dev.opaquepop.opaque.SecretBytes;
import dev.opaquepop.pop.PopKey;
import dev.opaquepop.pop.PopSigner;
import dev.opaquepop.pop.SignedRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;

/**
 * Raw HTTP for tests that talk to several instances: every request names the instance it goes to, and a signed
 * request can be sent to any instance, as a load balancer would.
 */
final class Requests {
    /**
     * Registers {@code username} through {@code client} and says whether it did: a refusal must be the 409 of a name
     * already taken, as for every loser of a race to register one name.
     */
    static boolean registerUnlessTaken(OpaquePopClient client, String username, byte[] password) throws Exception {
        try {
            client.register(username, password);
            return true;
        } catch (OpaquePopClientException e) {
            assertThat(e.status()).isEqualTo(409);
            return false;
        }
    }

    static final ObjectMapper JSON = new ObjectMapper();
    static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** A logged-in session as the client holds it. */
    record LoggedIn(String sessionId, PopKey popKey) {}

    private Requests() {}

    /** Registers through the SDK on {@code server}. */
    static void register(URI server, String username, byte[] password) throws Exception {
        try (OpaquePopClient client = OpaquePopClient.builder(server)
                .ksfPolicy(TestServer.CLIENT_POLICY)
                .build()) {
            client.register(username, password);
        }
    }

    /** Logs in with {@code login/start} sent to {@code start} and {@code login/finish} sent to {@code finish}. */
    static LoggedIn login(URI start, URI finish, String username, byte[] password) throws Exception {
        ClientLogin login = opaque().startLogin(password);
        JsonNode started = json(postJson(
                start,
                "/login/start",
                JSON.createObjectNode()
                        .put("username", username)
                        .put("ke1", B64.encodeToString(login.ke1().encode()))
                        .toString()));
        ClientLoginResult result = login.finish(
                Ke2.decode(Base64.getUrlDecoder().decode(started.get("ke2").asText())), Identities.none());
        HttpResponse<String> finished =
                finishLogin(finish, started.get("login_id").asText(), result);
        assertThat(finished.statusCode()).as(finished.body()).isEqualTo(200);
        return new LoggedIn(json(finished).get("session_id").asText(), popKey(result));
    }

    static OpaqueClient opaque() {
        return new OpaqueClient(OpaqueConfig.builder().ksf(TestServer.TEST_KSF).build(), RANDOM);
    }

    static HttpResponse<String> finishLogin(URI server, String loginId, ClientLoginResult result) throws Exception {
        return postJson(
                server,
                "/login/finish",
                JSON.createObjectNode()
                        .put("login_id", loginId)
                        .put("ke3", B64.encodeToString(result.ke3().encode()))
                        .toString());
    }

    static PopKey popKey(ClientLoginResult result) {
        SecretBytes sessionKey = result.sessionKey();
        try {
            return PopKey.derive(sessionKey);
        } finally {
            sessionKey.destroy();
        }
    }

    static HttpResponse<String> postJson(URI server, String path, String body) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(server.resolve(path))
                        .timeout(TIMEOUT)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(URI server, String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(server.resolve(path)).timeout(TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Signs now and sends to {@code server}. */
    static HttpResponse<String> signed(URI server, LoggedIn session, String method, String target, String body)
            throws Exception {
        return send(server, sign(session, method, target, body), method, target, body);
    }

    static SignedRequest sign(LoggedIn session, String method, String target, String body) {
        return new PopSigner(Clock.systemUTC(), RANDOM)
                .sign(session.sessionId(), session.popKey(), method, target, body.getBytes(UTF_8));
    }

    /** Sends an already signed request (e.g. a replay) to {@code server}. */
    static HttpResponse<String> send(URI server, SignedRequest signed, String method, String target, String body)
            throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(server.resolve(target))
                .timeout(TIMEOUT)
                .method(
                        method,
                        body.isEmpty()
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body));
        signed.headers().forEach(builder::header);
        if (!body.isEmpty()) {
            builder.header("Content-Type", "application/json");
        }
        return HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }

    /** A problem+json answer with this status and code (and for PoP failures, the challenge header). */
    static void assertProblem(HttpResponse<String> response, int status, String code) throws Exception {
        BadInputTest.assertProblem(response, status, code);
        if (status == 401 && !code.equals("login_failed")) {
            assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("PoP");
        }
    }

    /** A clean 503: problem+json {@code service_unavailable} with a Retry-After. */
    static void assertUnavailable(HttpResponse<String> response) throws Exception {
        BadInputTest.assertProblem(response, 503, "service_unavailable");
        assertThat(response.headers().firstValue("Retry-After")).hasValue("5");
    }
}
