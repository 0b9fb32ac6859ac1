package dev.opaquepop.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.opaquepop.opaque.ClientLogin;
import dev.opaquepop.opaque.ClientLoginResult;
import dev.opaquepop.opaque.ClientRegistration;
import dev.opaquepop.opaque.Identities;
import dev.opaquepop.opaque.Ke2;
import dev.opaquepop.opaque.Ksf;
import dev.opaquepop.opaque.OpaqueClient;
import dev.opaquepop.opaque.OpaqueConfig;
import dev.opaquepop.opaque.RegistrationResponse;
import dev.opaquepop.pop.Base64Url;
import dev.opaquepop.pop.PopKey;
import dev.opaquepop.pop.PopSigner;
import dev.opaquepop.pop.SignedRequest;
import dev.opaquepop.server.CoreConfig;
import dev.opaquepop.server.ProtocolCore;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The core through {@link ProtocolApi#handle} and {@link ProtocolApi#verify}, as an adapter without a router of
 * its own (the Spring integration, the gateway) uses it: plain request values in, complete answers out.
 */
class ProtocolApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] PASSWORD = "correct horse battery staple".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path data;

    private ProtocolCore core;
    private ProtocolApi api;
    private final OpaqueClient opaque = new OpaqueClient(
            OpaqueConfig.builder().ksf(Ksf.identityUnsafeForTestsOnly()).build(), RANDOM);
    private final PopSigner signer = new PopSigner(Clock.systemUTC(), RANDOM);

    @BeforeEach
    void open() throws Exception {
        core = ProtocolCore.open(
                CoreConfig.builder().dataDirectory(data.resolve("data")).build());
        api = ProtocolApi.over(core);
    }

    @AfterEach
    void close() {
        core.close();
    }

    @Test
    void aWholeSession_throughHandleAndVerify() throws Exception {
        Session session = registerAndLogIn("alice");

        ApiResponse list = handled(session.signed("GET", "/api/sessions", ""));
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.headers()).containsAllEntriesOf(ApiResponse.SECURITY_HEADERS);
        assertThat(json(list).get("sessions")).hasSize(1);

        // An application's request: not the protocol's, so handle() leaves it, and verify() vouches for it.
        FakeRequest notes = session.signed("POST", "/notes?draft=1", "{\"text\":\"hi\"}");
        assertThat(api.handle(notes)).isEmpty();
        Verified verified = api.verify(notes.again());
        assertThat(verified.username()).isEqualTo("alice");
        assertThat(new String(verified.body(), StandardCharsets.UTF_8)).isEqualTo("{\"text\":\"hi\"}");

        // The same request again: its nonce is spent.
        assertThatThrownBy(() -> api.verify(notes.again())).isInstanceOfSatisfying(ApiProblem.class, problem -> {
            assertThat(problem.status()).isEqualTo(401);
            assertThat(problem.code()).isEqualTo("replayed_nonce");
            assertThat(problem.response().headers()).containsEntry("WWW-Authenticate", "PoP");
        });
    }

    @Test
    void aSignedPath_isVerifiedBeforeItsMethodIsLookedAt() throws Exception {
        Session session = registerAndLogIn("bob");

        ApiResponse unsigned = handled(new FakeRequest("PUT", "/api/sessions", new byte[0], Map.of()));
        assertThat(unsigned.status()).isEqualTo(401);
        assertThat(unsigned.headers()).containsEntry("WWW-Authenticate", "PoP");
        assertThat(unsigned.contentType()).isEqualTo(ApiResponse.PROBLEM_JSON);

        ApiResponse signedWrongMethod = handled(session.signed("PUT", "/api/sessions", ""));
        assertThat(signedWrongMethod.status()).isEqualTo(405);
        assertThat(json(signedWrongMethod).get("code").asText()).isEqualTo("method_not_allowed");
    }

    @Test
    void aTamperedBody_isRefused_andEndingASessionTakesItsPathParameter() throws Exception {
        Session session = registerAndLogIn("carol");
        FakeRequest signed = session.signed("POST", "/notes", "{\"amount\":\"1.00\"}");
        FakeRequest tampered = signed.withBody("{\"amount\":\"9.00\"}");
        assertThatThrownBy(() -> api.verify(tampered))
                .isInstanceOfSatisfying(
                        ApiProblem.class, problem -> assertThat(problem.code()).isEqualTo("invalid_signature"));

        ApiResponse unknown = handled(session.signed("DELETE", "/api/sessions/AAAAAAAAAAAA", ""));
        assertThat(unknown.status()).isIn(400, 404);
        ApiResponse logout = handled(session.signed("POST", "/logout?all=true", ""));
        assertThat(logout.status()).isEqualTo(204);
        assertThat(logout.bodyLength()).isZero();
    }

    @Test
    void badInput_isA4xxProblem_neverAnException() {
        ApiResponse notJson = handled(new FakeRequest("POST", "/login/start", bytes("{"), Map.of()));
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(json(notJson).get("detail").asText()).isEqualTo("the body is not valid JSON");

        byte[] large = new byte[api.bodies().maxBytes() + 1];
        ApiResponse tooLarge = handled(new FakeRequest("POST", "/register/start", large, Map.of()));
        assertThat(tooLarge.status()).isEqualTo(413);

        ApiResponse wellKnown = handled(new FakeRequest("GET", "/.well-known/opaque-pop", new byte[0], Map.of()));
        assertThat(json(wellKnown).get("server_public_key").asText()).isEqualTo(Base64Url.encode(core.publicKey()));
        assertThat(api.isProtocolPath("/api/sessions/abc")).isTrue();
        assertThat(api.isProtocolPath("/api/sessions/abc/more")).isFalse();
        assertThat(api.isProtocolPath("/notes")).isFalse();
    }

    // ---- a client, by hand

    private Session registerAndLogIn(String username) throws Exception {
        ClientRegistration registration = opaque.startRegistration(PASSWORD);
        JsonNode started = json(handled(post(
                "/register/start",
                Map.of(
                        "username",
                        username,
                        "registration_request",
                        b64(registration.request().encode())))));
        RegistrationResponse response = RegistrationResponse.decode(
                Base64Url.decode(started.get("registration_response").asText()));
        byte[] record =
                registration.finish(response, Identities.none()).record().encode();
        assertThat(handled(post("/register/finish", Map.of("username", username, "registration_record", b64(record))))
                        .status())
                .isEqualTo(201);

        ClientLogin login = opaque.startLogin(PASSWORD);
        JsonNode ke2 = json(handled(post(
                "/login/start",
                Map.of("username", username, "ke1", b64(login.ke1().encode())))));
        ClientLoginResult result =
                login.finish(Ke2.decode(Base64Url.decode(ke2.get("ke2").asText())), Identities.none());
        JsonNode finished = json(handled(post(
                "/login/finish",
                Map.of(
                        "login_id",
                        ke2.get("login_id").asText(),
                        "ke3",
                        b64(result.ke3().encode())))));
        return new Session(finished.get("session_id").asText(), PopKey.derive(result.sessionKey()));
    }

    private final class Session {
        private final String id;
        private final PopKey key;

        Session(String id, PopKey key) {
            this.id = id;
            this.key = key;
        }

        FakeRequest signed(String method, String target, String body) {
            SignedRequest signed = signer.sign(id, key, method, target, bytes(body));
            return new FakeRequest(method, target, bytes(body), signed.headers());
        }
    }

    private ApiResponse handled(FakeRequest request) {
        Optional<ApiResponse> answer = api.handle(request);
        assertThat(answer).as("a protocol endpoint: %s", request.path()).isPresent();
        return answer.orElseThrow();
    }

    private static FakeRequest post(String path, Map<String, String> fields) {
        return new FakeRequest("POST", path, bytes(JSON.valueToTree(fields).toString()), Map.of());
    }

    private static JsonNode json(ApiResponse response) {
        try {
            return JSON.readTree(response.body());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static String b64(byte[] bytes) {
        return Base64Url.encode(bytes);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** A request as an adapter would hand it over. */
    private static final class FakeRequest implements ApiRequest {
        private final String method;
        private final String target;
        private final byte[] body;
        private final Map<String, List<String>> headers = new LinkedHashMap<>();

        FakeRequest(String method, String target, byte[] body, Map<String, String> headers) {
            this.method = method;
            this.target = target;
            this.body = body;
            headers.forEach((name, value) -> this.headers
                    .computeIfAbsent(name.toLowerCase(Locale.ROOT), n -> new ArrayList<>())
                    .add(value));
        }

        FakeRequest withBody(String other) {
            FakeRequest copy = new FakeRequest(method, target, bytes(other), Map.of());
            copy.headers.putAll(headers);
            return copy;
        }

        FakeRequest again() {
            return withBody(new String(body, StandardCharsets.UTF_8));
        }

        @Override
        public String method() {
            return method;
        }

        @Override
        public String path() {
            int question = target.indexOf('?');
            return question < 0 ? target : target.substring(0, question);
        }

        @Override
        public String target() {
            return target;
        }

        @Override
        public List<String> headers(String name) {
            return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
        }

        @Override
        public String remoteAddress() {
            return "192.0.2.7";
        }

        @Override
        public long declaredLength() {
            return body.length;
        }

        @Override
        public InputStream openBody() {
            return new ByteArrayInputStream(body);
        }
    }
}
