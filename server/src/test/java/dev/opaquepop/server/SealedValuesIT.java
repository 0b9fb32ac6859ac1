package dev.opaquepop.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opaquepop.opaque.ClientLogin;
import dev.opaquepop.opaque.ClientLoginResult;
import dev.opaquepop.opaque.Identities;
import dev.opaquepop.opaque.Ke2;
import dev.opaquepop.server.Requests.LoggedIn;
import dev.opaquepop.server.store.SessionIds;
import io.lettuce.core.SetArgs;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a copy of Redis, or write access to it, is worth: nothing usable. Sessions and pending logins are sealed
 * under a key derived from the server setup; an altered value, a value moved to another key, or one sealed under
 * another setup is refused like an unknown session or a failed login (never a 500), and no key or value holds a
 * session id, a login id or a PoP key in the clear.
 */
class SealedValuesIT {
    private static final byte[] PASSWORD = "correct horse battery staple".getBytes(UTF_8);

    @TempDir
    static Path data;

    private static Namespace namespace;
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        if (!SharedInfrastructure.available()) {
            return;
        }
        namespace = SharedInfrastructure.newNamespace();
        server = TestServer.start(data.resolve("a"), namespace::configure);
        Requests.register(server.uri(), "alice", PASSWORD);
    }

    @BeforeEach
    void requireSharedInfrastructure() {
        SharedInfrastructure.assumeAvailable();
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            if (namespace != null) {
                namespace.close();
            }
        }
    }

    @Test
    void alteredSessionValue_isAnUnknownSession() throws Exception {
        List<UnaryOperator<byte[]>> alterations = List.of(
                value -> flip(value, value.length - 1), // the tag
                value -> flip(value, 30), // the ciphertext
                value -> flip(value, 12), // the nonce
                value -> flip(value, 3), // the key id
                value -> flip(value, 0), // the version
                value -> Arrays.copyOf(value, value.length - 1),
                value -> "1".getBytes(UTF_8),
                value -> new byte[0]);
        for (UnaryOperator<byte[]> alteration : alterations) {
            // Altered before its first signed call: an instance that has read a session keeps its (authentic)
            // copy for up to 5 s for signed calls (RedisSessionStore#findForCall), and reads the altered value
            // after that.
            LoggedIn session = login();
            String key = sessionKey(session);
            namespace.redis().set(key, alteration.apply(namespace.redis().get(key)), SetArgs.Builder.keepttl());
            Requests.assertProblem(me(session), 401, "unknown_session");
        }
    }

    /** Copying one session's value onto another's key does not carry the first session over. */
    @Test
    void sessionValueMovedToAnotherSessionsKey_isRejected() throws Exception {
        LoggedIn victim = login();
        LoggedIn attacker = login();
        byte[] victimValue = namespace.redis().get(sessionKey(victim));
        namespace.redis().set(sessionKey(attacker), victimValue, SetArgs.Builder.keepttl());
        Requests.assertProblem(me(attacker), 401, "unknown_session");
        // Nor does the attacker's own key now work under the victim's id.
        LoggedIn victimIdAttackerKey = new LoggedIn(victim.sessionId(), attacker.popKey());
        Requests.assertProblem(me(victimIdAttackerKey), 401, "invalid_signature");
        assertThat(me(victim).statusCode()).isEqualTo(200);
    }

    @Test
    void alteredPendingLogin_failsTheLogin() throws Exception {
        Started started = loginStart();
        String key = namespace.prefix + "{l:" + SessionIds.hash(started.loginId) + "}:login";
        byte[] value = namespace.redis().get(key);
        assertThat(value).isNotNull();
        namespace.redis().set(key, flip(value, value.length - 5), SetArgs.Builder.keepttl());
        Requests.assertProblem(
                Requests.finishLogin(server.uri(), started.loginId, started.result), 401, "login_failed");
    }

    /** An instance with another setup (a misconfigured one, or an attacker's) can use nothing the others stored. */
    @Test
    void valuesSealedUnderAnotherSetup_areRejected() throws Exception {
        LoggedIn session = login();
        Started started = loginStart();
        try (TestServer foreign = TestServer.start(data.resolve("foreign"), b -> {
            namespace.configure(b);
            b.setupValue(SharedInfrastructure.newSetup());
        })) {
            Requests.assertProblem(
                    Requests.signed(foreign.uri(), session, "GET", "/api/me", ""), 401, "unknown_session");
            Requests.assertProblem(
                    Requests.finishLogin(foreign.uri(), started.loginId, started.result), 401, "login_failed");
        }
        assertThat(me(session).statusCode()).isEqualTo(200);
    }

    /** Everything under the prefix after logins and requests: no bearer value or key in the clear, all expiring. */
    @Test
    void redisDump_holdsNoSessionIdLoginIdOrPopKeyInTheClear() throws Exception {
        LoggedIn session = login();
        assertThat(me(session).statusCode()).isEqualTo(200);
        Started pending = loginStart();
        byte[] popKey = session.popKey().secret().revealBytes();

        List<String> keys = namespace.keys("*");
        assertThat(keys).anyMatch(k -> k.endsWith(":session")).anyMatch(k -> k.contains(":nonce:"));
        assertThat(keys).anyMatch(k -> k.endsWith(":login"));
        assertThat(keys).anyMatch(k -> k.endsWith(":sessions")).anyMatch(k -> k.endsWith(":logins"));
        for (String key : keys) {
            assertThat(key)
                    .doesNotContain(session.sessionId())
                    .doesNotContain(pending.loginId)
                    .doesNotContain("alice");
            // The per-user indexes are sorted sets of id hashes; everything else is a string.
            byte[] value = namespace.redis().type(key).equals("zset")
                    ? String.join(
                                    ",",
                                    namespace.redis().zrange(key, 0, -1).stream()
                                            .map(member -> new String(member, UTF_8))
                                            .toList())
                            .getBytes(UTF_8)
                    : namespace.redis().get(key);
            String hex = HexFormat.of().formatHex(value);
            String text = new String(value, UTF_8);
            assertThat(hex).as(key).doesNotContain(HexFormat.of().formatHex(popKey));
            assertThat(text).as(key).doesNotContain(session.sessionId()).doesNotContain("alice");
            assertThat(namespace.redis().pttl(key)).as("%s expires", key).isPositive();
        }
    }

    // ---- helpers

    private record Started(String loginId, ClientLoginResult result) {}

    private static Started loginStart() throws Exception {
        ClientLogin login = Requests.opaque().startLogin(PASSWORD);
        HttpResponse<String> response = Requests.postJson(
                server.uri(),
                "/login/start",
                "{\"username\":\"alice\",\"ke1\":\""
                        + Base64.getUrlEncoder()
                                .withoutPadding()
                                .encodeToString(login.ke1().encode()) + "\"}");
        JsonNode started = Requests.json(response);
        ClientLoginResult result = login.finish(
                Ke2.decode(Base64.getUrlDecoder().decode(started.get("ke2").asText())), Identities.none());
        return new Started(started.get("login_id").asText(), result);
    }

    private static LoggedIn login() throws Exception {
        return Requests.login(server.uri(), server.uri(), "alice", PASSWORD);
    }

    private static HttpResponse<String> me(LoggedIn session) throws Exception {
        return Requests.signed(server.uri(), session, "GET", "/api/me", "");
    }

    private static String sessionKey(LoggedIn session) {
        return namespace.prefix + "{s:" + SessionIds.hash(session.sessionId()) + "}:session";
    }

    private static byte[] flip(byte[] value, int index) {
        byte[] altered = value.clone();
        altered[index] ^= 0x01;
        return altered;
    }
}
