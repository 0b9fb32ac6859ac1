package dev.opaquepop.opaque.interop;

import static dev.opaquepop.testfixtures.NodePeer.b64;
import static dev.opaquepop.testfixtures.NodePeer.bytes;
import static dev.opaquepop.testfixtures.NodePeer.unb64;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opaquepop.opaque.Argon2idKsf;
import dev.opaquepop.opaque.ClientLogin;
import dev.opaquepop.opaque.ClientLoginResult;
import dev.opaquepop.opaque.ClientRegistration;
import dev.opaquepop.opaque.ClientRegistrationResult;
import dev.opaquepop.opaque.Identities;
import dev.opaquepop.opaque.Ke1;
import dev.opaquepop.opaque.Ke2;
import dev.opaquepop.opaque.Ke3;
import dev.opaquepop.opaque.LoginFailedException;
import dev.opaquepop.opaque.OpaqueClient;
import dev.opaquepop.opaque.OpaqueConfig;
import dev.opaquepop.opaque.OpaqueException;
import dev.opaquepop.opaque.OpaqueServer;
import dev.opaquepop.opaque.RegistrationRecord;
import dev.opaquepop.opaque.RegistrationRequest;
import dev.opaquepop.opaque.RegistrationResponse;
import dev.opaquepop.opaque.SecretBytes;
import dev.opaquepop.opaque.ServerLogin;
import dev.opaquepop.opaque.ServerSetup;
import dev.opaquepop.testfixtures.NodePeer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.opentest4j.TestAbortedException;

/**
 * Interoperability with opaque-ke 4.0 through its npm/WASM build {@code @serenity-kit/opaque@1.1.0}, driven by
 * {@link NodePeer}: our client against their server and their client against our server, registration and login,
 * with the default and custom Argon2id parameters, explicit identities, server setups moved both ways, fake KE2s
 * for unknown users, and the wire lengths of every message.
 *
 * <p>The KSF runs only on the client, so a registration and a login by the same client do not show that both
 * libraries compute the same Argon2id; {@link #argon2idAgreesBetweenTheClients} therefore registers with one
 * client and logs in with the other.
 *
 * <p>All strings are converted to bytes as UTF-8 on both sides (the credential identifier is the UTF-8 of the
 * user identifier), and the 3DH context is empty ({@link OpaqueConfig#defaults()}), which is all the npm build
 * supports.
 */
class OpaqueKeInteropTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String PASSWORD = "correct horse battery staple \u2713 \uD83D\uDD11";
    private static final String WRONG_PASSWORD = "correct horse battery staple \u2713 \uD83D\uDD12";
    /** Cheap custom parameters (8 MiB, one pass, one lane), spelled the same way to the peer. */
    private static final Argon2idKsf CUSTOM_KSF = Argon2idKsf.of(8192, 1, 1);

    private static NodePeer peer;
    /** Why the tests are skipped (node or npm missing, outside CI), or {@code null} when the peer runs. */
    private static String skipReason;

    /** A setup made by their {@code createSetup}, base64url as the peer takes it. */
    private static String theirSetup;

    private static byte[] theirPublicKey;
    private static ServerSetup ourSetup;

    /** The Argon2id parameters a test runs with, on both sides. */
    enum Stretching {
        /** Argon2idKsf.DEFAULT (m = 65536 KiB, t = 3, p = 4) here, no keyStretching (their default) there. */
        DEFAULT,
        /** Argon2idKsf.of(8192, 1, 1) here, {"argon2id-custom": {...}} with the same numbers there. */
        CUSTOM;

        Argon2idKsf ksf() {
            return this == DEFAULT ? Argon2idKsf.DEFAULT : CUSTOM_KSF;
        }

        OpaqueConfig config() {
            return this == DEFAULT ? OpaqueConfig.defaults() : configWith(CUSTOM_KSF);
        }

        JsonNode keyStretching() {
            return this == DEFAULT ? NullNode.getInstance() : customStretching(CUSTOM_KSF);
        }
    }

    /** Client and server identities, as {@link Identities} here and as {@code identifiers} for the peer. */
    private static final class Ids {
        static final Ids NONE = new Ids(null, null);

        private final String client;
        private final String server;

        Ids(String client, String server) {
            this.client = client;
            this.server = server;
        }

        Identities ours() {
            if (client == null && server == null) {
                return Identities.none();
            }
            return Identities.of(client == null ? null : utf8(client), server == null ? null : utf8(server));
        }

        JsonNode theirs() {
            if (client == null && server == null) {
                return NullNode.getInstance();
            }
            ObjectNode identifiers = JsonNodeFactory.instance.objectNode();
            if (client != null) {
                identifiers.put("client", client);
            }
            if (server != null) {
                identifiers.put("server", server);
            }
            return identifiers;
        }

        @Override
        public String toString() {
            return "Ids[client=" + client + ", server=" + server + "]";
        }
    }

    @BeforeAll
    static void startPeer() throws OpaqueException {
        try {
            peer = NodePeer.start();
        } catch (TestAbortedException e) {
            // Aborting here would drop the tests from the reports silently; abort each one instead (see below).
            skipReason = e.getMessage();
            System.err.println(skipReason);
            return;
        }
        theirSetup = peer.ok("createSetup", peer.args()).get("setup").asText();
        theirPublicKey = bytes(peer.ok("serverPublicKey", peer.args().put("setup", theirSetup)), "publicKey");
        ourSetup = ServerSetup.generate(RANDOM);
        assertThat(ServerSetup.decode(unb64(theirSetup)).publicKey()).isEqualTo(theirPublicKey);
    }

    @BeforeEach
    void skipWithoutNode() {
        if (skipReason != null) {
            Assumptions.abort(skipReason);
        }
    }

    @AfterAll
    static void stopPeer() {
        if (peer != null) {
            peer.close();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // 1. Our client, their server.
    // ---------------------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "Argon2id {0}")
    @EnumSource(Stretching.class)
    void ourClientWithTheirServer(Stretching stretching) throws Exception {
        OpaqueConfig config = stretching.config();
        String user = "our-client-" + stretching + "@example.com";

        ClientRegistrationResult registered = registerOursOnTheirs(config, theirSetup, user, PASSWORD, Ids.NONE);
        assertThat(registered.exportKey().size()).isEqualTo(64);

        // Right password: equal session keys (checked in the helper), the same export key as at registration,
        // and the server key their server uses.
        ClientLoginResult login =
                loginOursOnTheirs(config, theirSetup, user, registered.record(), PASSWORD, Ids.NONE, Ids.NONE);
        assertSameSecret(login.exportKey(), registered.exportKey(), "export keys of registration and login");
        assertThat(login.serverPublicKey()).isEqualTo(theirPublicKey);

        // Wrong password: our client refuses their KE2, and their server refuses a KE3 we could send instead.
        assertOurLoginOnTheirsFails(config, theirSetup, user, registered.record(), WRONG_PASSWORD, Ids.NONE, Ids.NONE);
    }

    // ---------------------------------------------------------------------------------------------------------
    // 2. Their client, our server.
    // ---------------------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "Argon2id {0}")
    @EnumSource(Stretching.class)
    void theirClientWithOurServer(Stretching stretching) throws Exception {
        OpaqueServer server = new OpaqueServer(stretching.config(), ourSetup, RANDOM);
        String user = "their-client-" + stretching + "@example.com";

        JsonNode registered = registerTheirsOnOurs(server, user, PASSWORD, stretching.keyStretching(), Ids.NONE);
        assertThat(bytes(registered, "serverStaticPublicKey")).isEqualTo(ourSetup.publicKey());
        RegistrationRecord record = RegistrationRecord.decode(bytes(registered, "registrationRecord"));

        // Right password: equal session keys (checked in the helper) and the same export key as at registration.
        JsonNode login =
                loginTheirsOnOurs(server, user, record, PASSWORD, stretching.keyStretching(), Ids.NONE, Ids.NONE);
        assertSameBytes(
                bytes(login, "exportKey"),
                bytes(registered, "exportKey"),
                "their export keys of registration and login");
        assertThat(bytes(login, "serverStaticPublicKey")).isEqualTo(ourSetup.publicKey());

        // Wrong password: their client gives up (finished:false), our server refuses any KE3.
        assertTheirLoginOnOursFails(
                server, user, record, WRONG_PASSWORD, stretching.keyStretching(), Ids.NONE, Ids.NONE);

        // Right password, but the KE3 reaching our server has one bit flipped: refused.
        JsonNode started = theirClientStartLogin(PASSWORD);
        ServerLogin serverLogin = server.startLogin(
                record, Ke1.decode(bytes(started, "startLoginRequest")), utf8(user), Identities.none());
        JsonNode finished =
                theirClientFinishLogin(PASSWORD, started, serverLogin.ke2(), stretching.keyStretching(), Ids.NONE);
        assertFinished(finished);
        Ke3 tampered = Ke3.decode(flipOneBit(bytes(finished, "finishLoginRequest")));
        assertThatThrownBy(() -> serverLogin.finish(tampered))
                .as("our server refuses a KE3 with a flipped bit")
                .isInstanceOf(LoginFailedException.class);
    }

    // ---------------------------------------------------------------------------------------------------------
    // 3. Argon2id: both clients compute the same KSF output, with the default and custom parameters, and only
    //    with equal parameters.
    // ---------------------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "Argon2id {0}")
    @EnumSource(Stretching.class)
    void argon2idAgreesBetweenTheClients(Stretching stretching) throws Exception {
        assertThat(OpaqueConfig.defaults().ksf()).isEqualTo(Argon2idKsf.DEFAULT);
        assertThat(Argon2idKsf.DEFAULT)
                .extracting(Argon2idKsf::memoryKib, Argon2idKsf::iterations, Argon2idKsf::parallelism)
                .containsExactly(65536, 3, 4);
        OpaqueConfig config = stretching.config();
        JsonNode keyStretching = stretching.keyStretching();

        // Our client registers (our Argon2id), their client logs in (their Argon2id), on their server.
        String first = "argon2-ours-then-theirs-" + stretching;
        ClientRegistrationResult ours = registerOursOnTheirs(config, theirSetup, first, PASSWORD, Ids.NONE);
        JsonNode theirLogin = loginTheirsOnTheirs(theirSetup, first, ours.record(), PASSWORD, keyStretching, Ids.NONE);
        assertSameSecret(ours.exportKey(), bytes(theirLogin, "exportKey"), "export keys of our and their client");

        // Their client registers (their Argon2id), our client logs in (our Argon2id), on our server.
        OpaqueServer server = new OpaqueServer(config, ourSetup, RANDOM);
        String second = "argon2-theirs-then-ours-" + stretching;
        JsonNode theirs = registerTheirsOnOurs(server, second, PASSWORD, keyStretching, Ids.NONE);
        RegistrationRecord record = RegistrationRecord.decode(bytes(theirs, "registrationRecord"));
        ClientLoginResult ourLogin = loginOursOnOurs(config, server, second, record, PASSWORD, Ids.NONE);
        assertSameSecret(ourLogin.exportKey(), bytes(theirs, "exportKey"), "export keys of their and our client");
    }

    static Stream<Argon2idKsf> otherArgon2idParameters() {
        return Stream.of(
                Argon2idKsf.of(16384, 1, 1), // memory differs
                Argon2idKsf.of(8192, 2, 1), // iterations differ
                Argon2idKsf.of(8192, 1, 2), // parallelism differs
                Argon2idKsf.DEFAULT); // their default keyStretching against custom parameters
    }

    @ParameterizedTest(name = "registered with m=8192,t=1,p=1, login with {0}")
    @MethodSource("otherArgon2idParameters")
    void mismatchedArgon2idParametersFail(Argon2idKsf other) throws Exception {
        OpaqueConfig registeredWith = configWith(CUSTOM_KSF);
        OpaqueConfig loginWith = other.equals(Argon2idKsf.DEFAULT) ? OpaqueConfig.defaults() : configWith(other);
        JsonNode otherStretching = theirStretching(other);
        String suffix = "-" + other.memoryKib() + "-" + other.iterations() + "-" + other.parallelism();

        // Our client registered; their client logs in with other parameters on their server.
        String first = "mismatch-ours" + suffix;
        ClientRegistrationResult ours = registerOursOnTheirs(registeredWith, theirSetup, first, PASSWORD, Ids.NONE);
        assertTheirLoginOnTheirsFails(theirSetup, first, ours.record(), PASSWORD, otherStretching, Ids.NONE);

        // Their client registered; our client logs in with other parameters on our server.
        OpaqueServer server = new OpaqueServer(registeredWith, ourSetup, RANDOM);
        String second = "mismatch-theirs" + suffix;
        JsonNode theirs = registerTheirsOnOurs(server, second, PASSWORD, customStretching(CUSTOM_KSF), Ids.NONE);
        RegistrationRecord record = RegistrationRecord.decode(bytes(theirs, "registrationRecord"));
        assertOurLoginOnOursFails(loginWith, server, second, record, PASSWORD, Ids.NONE, Ids.NONE);
    }

    // ---------------------------------------------------------------------------------------------------------
    // 4. Explicit identities.
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void explicitIdentitiesInteroperateBothWays() throws Exception {
        OpaqueConfig config = configWith(CUSTOM_KSF);
        JsonNode keyStretching = customStretching(CUSTOM_KSF);
        OpaqueServer server = new OpaqueServer(config, ourSetup, RANDOM);
        Ids ids = new Ids("\u00e5lice@example.com", "login.example.com");
        Ids otherServerId = new Ids("\u00e5lice@example.com", "other.example.com");
        Ids otherClientId = new Ids("mallory@example.com", "login.example.com");

        // Our client + their server, then their client opening the envelope our client sealed with identities.
        String first = "ids-ours@example.com";
        ClientRegistrationResult ours = registerOursOnTheirs(config, theirSetup, first, PASSWORD, ids);
        ClientLoginResult ourLogin = loginOursOnTheirs(config, theirSetup, first, ours.record(), PASSWORD, ids, ids);
        assertSameSecret(ourLogin.exportKey(), ours.exportKey(), "export keys of registration and login");
        JsonNode theirLogin = loginTheirsOnTheirs(theirSetup, first, ours.record(), PASSWORD, keyStretching, ids);
        assertSameSecret(ours.exportKey(), bytes(theirLogin, "exportKey"), "export keys of our and their client");

        // Their client + our server, then our client opening the envelope their client sealed with identities.
        String second = "ids-theirs@example.com";
        JsonNode theirs = registerTheirsOnOurs(server, second, PASSWORD, keyStretching, ids);
        RegistrationRecord record = RegistrationRecord.decode(bytes(theirs, "registrationRecord"));
        JsonNode theirLoginOnOurs = loginTheirsOnOurs(server, second, record, PASSWORD, keyStretching, ids, ids);
        assertSameBytes(bytes(theirLoginOnOurs, "exportKey"), bytes(theirs, "exportKey"), "their export keys");
        loginOursOnOurs(config, server, second, record, PASSWORD, ids);

        // Identities are bound into the envelope: a client using other ones than at registration cannot log in.
        assertOurLoginOnTheirsFails(config, theirSetup, first, ours.record(), PASSWORD, Ids.NONE, ids);
        assertOurLoginOnTheirsFails(config, theirSetup, first, ours.record(), PASSWORD, otherClientId, ids);
        assertTheirLoginOnOursFails(server, second, record, PASSWORD, keyStretching, Ids.NONE, ids);
        assertTheirLoginOnOursFails(server, second, record, PASSWORD, keyStretching, otherServerId, ids);
        // ... and into the transcript: a server using other identities than the client is refused.
        assertOurLoginOnTheirsFails(config, theirSetup, first, ours.record(), PASSWORD, ids, otherServerId);
        assertTheirLoginOnOursFails(server, second, record, PASSWORD, keyStretching, ids, otherClientId);
    }

    // ---------------------------------------------------------------------------------------------------------
    // 5. Server setups moved between the implementations.
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void setupCreatedByTheirPeerWorksOnOurServer() throws Exception {
        String setupText = peer.ok("createSetup", peer.args()).get("setup").asText();
        byte[] encoded = unb64(setupText);
        assertThat(encoded.length).isEqualTo(ServerSetup.LENGTH);
        ServerSetup decoded = ServerSetup.decode(encoded);
        byte[] publicKey = bytes(peer.ok("serverPublicKey", peer.args().put("setup", setupText)), "publicKey");
        assertThat(decoded.publicKey()).isEqualTo(publicKey);
        assertThat(decoded.encode().equalsConstantTime(SecretBytes.copyOf(encoded)))
                .as("our encoding of their setup is their encoding")
                .isTrue();

        OpaqueConfig config = configWith(CUSTOM_KSF);
        JsonNode keyStretching = customStretching(CUSTOM_KSF);
        OpaqueServer server = new OpaqueServer(config, decoded, RANDOM);

        // A user registered by their client on their server logs in on our server (with both clients).
        String user = "moved-to-ours@example.com";
        JsonNode registered = registerTheirsOnTheirs(setupText, user, PASSWORD, keyStretching, Ids.NONE);
        assertThat(bytes(registered, "serverStaticPublicKey")).isEqualTo(publicKey);
        RegistrationRecord record = RegistrationRecord.decode(bytes(registered, "registrationRecord"));
        JsonNode theirLogin = loginTheirsOnOurs(server, user, record, PASSWORD, keyStretching, Ids.NONE, Ids.NONE);
        assertSameBytes(bytes(theirLogin, "exportKey"), bytes(registered, "exportKey"), "their export keys");
        ClientLoginResult ourLogin = loginOursOnOurs(config, server, user, record, PASSWORD, Ids.NONE);
        assertThat(ourLogin.serverPublicKey()).isEqualTo(publicKey);

        // A user registered by our client on their server logs in on our server too.
        String other = "moved-to-ours-2@example.com";
        ClientRegistrationResult ours = registerOursOnTheirs(config, setupText, other, PASSWORD, Ids.NONE);
        loginOursOnOurs(config, server, other, ours.record(), PASSWORD, Ids.NONE);
    }

    @Test
    void setupGeneratedByUsWorksOnTheirServer() throws Exception {
        ServerSetup generated = ServerSetup.generate(RANDOM);
        SecretBytes encoded = generated.encode();
        assertThat(encoded.size()).isEqualTo(ServerSetup.LENGTH);
        String setupText = b64(encoded.revealBytes());
        byte[] publicKey = bytes(peer.ok("serverPublicKey", peer.args().put("setup", setupText)), "publicKey");
        assertThat(publicKey).isEqualTo(generated.publicKey());

        OpaqueConfig config = configWith(CUSTOM_KSF);
        JsonNode keyStretching = customStretching(CUSTOM_KSF);
        OpaqueServer server = new OpaqueServer(config, generated, RANDOM);

        // A user registered by our client on our server logs in on their server (with both clients).
        String user = "moved-to-theirs@example.com";
        ClientRegistrationResult ours = registerOursOnOurs(config, server, user, PASSWORD, Ids.NONE);
        ClientLoginResult ourLogin =
                loginOursOnTheirs(config, setupText, user, ours.record(), PASSWORD, Ids.NONE, Ids.NONE);
        assertSameSecret(ourLogin.exportKey(), ours.exportKey(), "export keys of registration and login");
        assertThat(ourLogin.serverPublicKey()).isEqualTo(generated.publicKey());
        loginTheirsOnTheirs(setupText, user, ours.record(), PASSWORD, keyStretching, Ids.NONE);

        // A user registered by their client on our server logs in on their server too.
        String other = "moved-to-theirs-2@example.com";
        JsonNode theirs = registerTheirsOnOurs(server, other, PASSWORD, keyStretching, Ids.NONE);
        RegistrationRecord record = RegistrationRecord.decode(bytes(theirs, "registrationRecord"));
        loginTheirsOnTheirs(setupText, other, record, PASSWORD, keyStretching, Ids.NONE);
    }

    // ---------------------------------------------------------------------------------------------------------
    // 6. Fake KE2 for unknown users.
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void fakeKe2FromOurServerIsRejectedByTheirClient() throws Exception {
        OpaqueConfig config = configWith(CUSTOM_KSF);
        JsonNode keyStretching = customStretching(CUSTOM_KSF);
        OpaqueServer server = new OpaqueServer(config, ourSetup, RANDOM);
        String user = "fake-ours-known@example.com";
        JsonNode registered = registerTheirsOnOurs(server, user, PASSWORD, keyStretching, Ids.NONE);
        RegistrationRecord record = RegistrationRecord.decode(bytes(registered, "registrationRecord"));

        JsonNode started = theirClientStartLogin(PASSWORD);
        Ke1 ke1 = Ke1.decode(bytes(started, "startLoginRequest"));
        ServerLogin fake = server.startLogin(null, ke1, utf8("fake-ours-unknown@example.com"), Identities.none());
        ServerLogin real = server.startLogin(record, ke1, utf8(user), Identities.none());
        assertThat(fake.ke2().encode().length)
                .isEqualTo(real.ke2().encode().length)
                .isEqualTo(Ke2.LENGTH);

        // Their client parses the fake KE2 (ok:true) and reports a failed login (finished:false).
        JsonNode refused = theirClientFinishLogin(PASSWORD, started, fake.ke2(), keyStretching, Ids.NONE);
        assertNotFinished(refused);
        assertThatThrownBy(() -> fake.finish(randomKe3())).isInstanceOf(LoginFailedException.class);

        // The same client state with the real KE2 does log in, so the refusal was about the fake.
        JsonNode accepted = theirClientFinishLogin(PASSWORD, started, real.ke2(), keyStretching, Ids.NONE);
        assertFinished(accepted);
        SecretBytes serverKey = real.finish(Ke3.decode(bytes(accepted, "finishLoginRequest")));
        assertSameSecret(serverKey, bytes(accepted, "sessionKey"), "session keys");
    }

    @Test
    void fakeKe2FromTheirServerIsRejectedByOurClient() throws Exception {
        OpaqueConfig config = configWith(CUSTOM_KSF);
        OpaqueClient client = new OpaqueClient(config, RANDOM);
        String user = "fake-theirs-known@example.com";
        ClientRegistrationResult registered = registerOursOnTheirs(config, theirSetup, user, PASSWORD, Ids.NONE);

        ClientLogin login = client.startLogin(utf8(PASSWORD));
        JsonNode fake =
                theirServerStartLogin(theirSetup, "fake-theirs-unknown@example.com", null, login.ke1(), Ids.NONE);
        JsonNode real = theirServerStartLogin(theirSetup, user, registered.record(), login.ke1(), Ids.NONE);
        byte[] fakeKe2 = bytes(fake, "loginResponse");
        assertThat(fakeKe2.length)
                .isEqualTo(bytes(real, "loginResponse").length)
                .isEqualTo(Ke2.LENGTH);

        // Our client parses their fake KE2 as a valid message and fails the login.
        Ke2 decoded = Ke2.decode(fakeKe2);
        assertThatThrownBy(() -> login.finish(decoded, Identities.none())).isInstanceOf(LoginFailedException.class);
        assertThat(peer.error(
                        "serverFinishLogin", serverFinishArgs(fake, randomKe3().encode(), Ids.NONE)))
                .isNotBlank();
    }

    // ---------------------------------------------------------------------------------------------------------
    // 7. Wire lengths.
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void messageLengthsAreEqual() throws Exception {
        OpaqueConfig config = configWith(CUSTOM_KSF);
        JsonNode keyStretching = customStretching(CUSTOM_KSF);
        String user = "lengths@example.com";

        // Our client with our server.
        Map<String, Integer> ours = new LinkedHashMap<>();
        OpaqueServer server = new OpaqueServer(config, ourSetup, RANDOM);
        OpaqueClient client = new OpaqueClient(config, RANDOM);
        ClientRegistration registration = client.startRegistration(utf8(PASSWORD));
        RegistrationResponse response = server.registrationResponse(registration.request(), utf8(user));
        ClientRegistrationResult registered = registration.finish(response, Identities.none());
        ClientLogin login = client.startLogin(utf8(PASSWORD));
        ServerLogin serverLogin = server.startLogin(registered.record(), login.ke1(), utf8(user), Identities.none());
        ClientLoginResult loggedIn = login.finish(serverLogin.ke2(), Identities.none());
        SecretBytes serverKey = serverLogin.finish(loggedIn.ke3());
        assertThat(serverKey.equalsConstantTime(loggedIn.sessionKey())).isTrue();
        ours.put("setup", ourSetup.encode().size());
        ours.put("publicKey", ourSetup.publicKey().length);
        ours.put("registrationRequest", registration.request().encode().length);
        ours.put("registrationResponse", response.encode().length);
        ours.put("registrationRecord", registered.record().encode().length);
        ours.put("KE1", login.ke1().encode().length);
        ours.put("KE2", serverLogin.ke2().encode().length);
        ours.put("KE3", loggedIn.ke3().encode().length);
        ours.put("sessionKey", loggedIn.sessionKey().size());
        ours.put("exportKey", loggedIn.exportKey().size());

        // Their client with their server.
        Map<String, Integer> theirs = new LinkedHashMap<>();
        JsonNode regStarted = theirClientStartRegistration(PASSWORD);
        JsonNode regResponse =
                theirServerRegistrationResponse(theirSetup, user, bytes(regStarted, "registrationRequest"));
        JsonNode regFinished = peer.ok(
                "clientFinishRegistration",
                clientFinishArgs(
                        PASSWORD,
                        "clientRegistrationState",
                        regStarted,
                        "registrationResponse",
                        bytes(regResponse, "registrationResponse"),
                        keyStretching,
                        Ids.NONE));
        JsonNode loginStarted = theirClientStartLogin(PASSWORD);
        ObjectNode startArgs = peer.args()
                .put("setup", theirSetup)
                .put("userIdentifier", user)
                .put("registrationRecord", regFinished.get("registrationRecord").asText())
                .put("startLoginRequest", loginStarted.get("startLoginRequest").asText());
        JsonNode serverStarted = peer.ok("serverStartLogin", startArgs);
        JsonNode loginFinished = peer.ok(
                "clientFinishLogin",
                clientFinishArgs(
                        PASSWORD,
                        "clientLoginState",
                        loginStarted,
                        "loginResponse",
                        bytes(serverStarted, "loginResponse"),
                        keyStretching,
                        Ids.NONE));
        assertFinished(loginFinished);
        JsonNode serverFinished = peer.ok(
                "serverFinishLogin",
                serverFinishArgs(serverStarted, bytes(loginFinished, "finishLoginRequest"), Ids.NONE));
        assertSameBytes(bytes(serverFinished, "sessionKey"), bytes(loginFinished, "sessionKey"), "session keys");
        theirs.put("setup", unb64(theirSetup).length);
        theirs.put("publicKey", theirPublicKey.length);
        theirs.put("registrationRequest", bytes(regStarted, "registrationRequest").length);
        theirs.put("registrationResponse", bytes(regResponse, "registrationResponse").length);
        theirs.put("registrationRecord", bytes(regFinished, "registrationRecord").length);
        theirs.put("KE1", bytes(loginStarted, "startLoginRequest").length);
        theirs.put("KE2", bytes(serverStarted, "loginResponse").length);
        theirs.put("KE3", bytes(loginFinished, "finishLoginRequest").length);
        theirs.put("sessionKey", bytes(loginFinished, "sessionKey").length);
        theirs.put("exportKey", bytes(loginFinished, "exportKey").length);

        assertThat(ours).isEqualTo(theirs);
        assertThat(ours)
                .containsEntry("setup", ServerSetup.LENGTH)
                .containsEntry("registrationRequest", RegistrationRequest.LENGTH)
                .containsEntry("registrationResponse", RegistrationResponse.LENGTH)
                .containsEntry("registrationRecord", RegistrationRecord.LENGTH)
                .containsEntry("KE1", Ke1.LENGTH)
                .containsEntry("KE2", Ke2.LENGTH)
                .containsEntry("KE3", Ke3.LENGTH);
        assertThat(new int[] {ServerSetup.LENGTH, Ke1.LENGTH, Ke2.LENGTH, Ke3.LENGTH, RegistrationRecord.LENGTH})
                .containsExactly(128, 96, 320, 64, 192);
    }

    // =========================================================================================================
    // Flows. "Ours" is this library, "theirs" is opaque-ke behind the node peer.
    // =========================================================================================================

    /** Our client registers on their server. */
    private static ClientRegistrationResult registerOursOnTheirs(
            OpaqueConfig config, String setup, String user, String password, Ids ids) throws OpaqueException {
        ClientRegistration registration = new OpaqueClient(config, RANDOM).startRegistration(utf8(password));
        JsonNode response = theirServerRegistrationResponse(
                setup, user, registration.request().encode());
        return registration.finish(RegistrationResponse.decode(bytes(response, "registrationResponse")), ids.ours());
    }

    /** Our client registers on our server. */
    private static ClientRegistrationResult registerOursOnOurs(
            OpaqueConfig config, OpaqueServer server, String user, String password, Ids ids) throws OpaqueException {
        ClientRegistration registration = new OpaqueClient(config, RANDOM).startRegistration(utf8(password));
        RegistrationResponse response = server.registrationResponse(registration.request(), utf8(user));
        return registration.finish(response, ids.ours());
    }

    /** Their client registers on our server; returns their {@code clientFinishRegistration} response. */
    private static JsonNode registerTheirsOnOurs(
            OpaqueServer server, String user, String password, JsonNode keyStretching, Ids ids) throws OpaqueException {
        JsonNode started = theirClientStartRegistration(password);
        RegistrationResponse response = server.registrationResponse(
                RegistrationRequest.decode(bytes(started, "registrationRequest")), utf8(user));
        return peer.ok(
                "clientFinishRegistration",
                clientFinishArgs(
                        password,
                        "clientRegistrationState",
                        started,
                        "registrationResponse",
                        response.encode(),
                        keyStretching,
                        ids));
    }

    /** Their client registers on their server; returns their {@code clientFinishRegistration} response. */
    private static JsonNode registerTheirsOnTheirs(
            String setup, String user, String password, JsonNode keyStretching, Ids ids) {
        JsonNode started = theirClientStartRegistration(password);
        JsonNode response = theirServerRegistrationResponse(setup, user, bytes(started, "registrationRequest"));
        return peer.ok(
                "clientFinishRegistration",
                clientFinishArgs(
                        password,
                        "clientRegistrationState",
                        started,
                        "registrationResponse",
                        bytes(response, "registrationResponse"),
                        keyStretching,
                        ids));
    }

    /**
     * Our client logs in on their server and must succeed with equal session keys. On the way, their server must
     * refuse our KE3 with one bit flipped before accepting the real one.
     */
    private static ClientLoginResult loginOursOnTheirs(
            OpaqueConfig config,
            String setup,
            String user,
            RegistrationRecord record,
            String password,
            Ids clientIds,
            Ids serverIds)
            throws OpaqueException {
        ClientLogin login = new OpaqueClient(config, RANDOM).startLogin(utf8(password));
        JsonNode started = theirServerStartLogin(setup, user, record, login.ke1(), serverIds);
        ClientLoginResult result = login.finish(Ke2.decode(bytes(started, "loginResponse")), clientIds.ours());
        byte[] ke3 = result.ke3().encode();
        assertThat(peer.error("serverFinishLogin", serverFinishArgs(started, flipOneBit(ke3), serverIds)))
                .as("their server refuses a KE3 with a flipped bit")
                .isNotBlank();
        JsonNode finished = peer.ok("serverFinishLogin", serverFinishArgs(started, ke3, serverIds));
        assertSameSecret(
                result.sessionKey(), bytes(finished, "sessionKey"), "session keys of our client, their server");
        return result;
    }

    /** Our client logs in on our server (e.g. with a record their client made) and must succeed. */
    private static ClientLoginResult loginOursOnOurs(
            OpaqueConfig config, OpaqueServer server, String user, RegistrationRecord record, String password, Ids ids)
            throws OpaqueException {
        ClientLogin login = new OpaqueClient(config, RANDOM).startLogin(utf8(password));
        ServerLogin serverLogin = server.startLogin(record, login.ke1(), utf8(user), ids.ours());
        ClientLoginResult result = login.finish(serverLogin.ke2(), ids.ours());
        SecretBytes serverKey = serverLogin.finish(result.ke3());
        assertSameSecret(result.sessionKey(), serverKey.revealBytes(), "session keys of our client and our server");
        return result;
    }

    /**
     * Their client logs in on our server and must succeed with equal session keys; returns their {@code
     * clientFinishLogin} response.
     */
    private static JsonNode loginTheirsOnOurs(
            OpaqueServer server,
            String user,
            RegistrationRecord record,
            String password,
            JsonNode keyStretching,
            Ids clientIds,
            Ids serverIds)
            throws OpaqueException {
        JsonNode started = theirClientStartLogin(password);
        ServerLogin serverLogin = server.startLogin(
                record, Ke1.decode(bytes(started, "startLoginRequest")), utf8(user), serverIds.ours());
        JsonNode finished = theirClientFinishLogin(password, started, serverLogin.ke2(), keyStretching, clientIds);
        assertFinished(finished);
        SecretBytes serverKey = serverLogin.finish(Ke3.decode(bytes(finished, "finishLoginRequest")));
        assertSameSecret(serverKey, bytes(finished, "sessionKey"), "session keys of their client and our server");
        return finished;
    }

    /** Their client logs in on their server (e.g. with a record our client made) and must succeed. */
    private static JsonNode loginTheirsOnTheirs(
            String setup, String user, RegistrationRecord record, String password, JsonNode keyStretching, Ids ids) {
        JsonNode started = theirClientStartLogin(password);
        JsonNode serverStarted = theirServerStartLogin(setup, user, record, startLoginRequest(started), ids);
        JsonNode finished = peer.ok(
                "clientFinishLogin",
                clientFinishArgs(
                        password,
                        "clientLoginState",
                        started,
                        "loginResponse",
                        bytes(serverStarted, "loginResponse"),
                        keyStretching,
                        ids));
        assertFinished(finished);
        JsonNode serverFinished = peer.ok(
                "serverFinishLogin", serverFinishArgs(serverStarted, bytes(finished, "finishLoginRequest"), ids));
        assertSameBytes(bytes(serverFinished, "sessionKey"), bytes(finished, "sessionKey"), "their session keys");
        return finished;
    }

    /** Our client's login on their server must fail on our side, and their server must refuse a KE3 anyway. */
    private static void assertOurLoginOnTheirsFails(
            OpaqueConfig config,
            String setup,
            String user,
            RegistrationRecord record,
            String password,
            Ids clientIds,
            Ids serverIds)
            throws OpaqueException {
        ClientLogin login = new OpaqueClient(config, RANDOM).startLogin(utf8(password));
        JsonNode started = theirServerStartLogin(setup, user, record, login.ke1(), serverIds);
        Ke2 ke2 = Ke2.decode(bytes(started, "loginResponse"));
        assertThatThrownBy(() -> login.finish(ke2, clientIds.ours()))
                .as("our client refuses the login (%s, server %s)", clientIds, serverIds)
                .isInstanceOf(LoginFailedException.class);
        // We have no KE3 to send; their server refuses one we make up.
        assertThat(peer.error(
                        "serverFinishLogin",
                        serverFinishArgs(started, randomKe3().encode(), serverIds)))
                .as("their server refuses a made-up KE3")
                .isNotBlank();
    }

    /** Our client's login on our server (e.g. with a record their client made) must fail. */
    private static void assertOurLoginOnOursFails(
            OpaqueConfig config,
            OpaqueServer server,
            String user,
            RegistrationRecord record,
            String password,
            Ids clientIds,
            Ids serverIds)
            throws OpaqueException {
        ClientLogin login = new OpaqueClient(config, RANDOM).startLogin(utf8(password));
        ServerLogin serverLogin = server.startLogin(record, login.ke1(), utf8(user), serverIds.ours());
        assertThatThrownBy(() -> login.finish(serverLogin.ke2(), clientIds.ours()))
                .as("our client refuses the login")
                .isInstanceOf(LoginFailedException.class);
        assertThatThrownBy(() -> serverLogin.finish(randomKe3())).isInstanceOf(LoginFailedException.class);
    }

    /** Their client's login on our server must end with {@code finished:false}; our server refuses any KE3. */
    private static void assertTheirLoginOnOursFails(
            OpaqueServer server,
            String user,
            RegistrationRecord record,
            String password,
            JsonNode keyStretching,
            Ids clientIds,
            Ids serverIds)
            throws OpaqueException {
        JsonNode started = theirClientStartLogin(password);
        ServerLogin serverLogin = server.startLogin(
                record, Ke1.decode(bytes(started, "startLoginRequest")), utf8(user), serverIds.ours());
        JsonNode finished = theirClientFinishLogin(password, started, serverLogin.ke2(), keyStretching, clientIds);
        assertNotFinished(finished);
        assertThatThrownBy(() -> serverLogin.finish(randomKe3()))
                .as("our server refuses a made-up KE3")
                .isInstanceOf(LoginFailedException.class);
    }

    /** Their client's login on their server must end with {@code finished:false}. */
    private static void assertTheirLoginOnTheirsFails(
            String setup, String user, RegistrationRecord record, String password, JsonNode keyStretching, Ids ids) {
        JsonNode started = theirClientStartLogin(password);
        JsonNode serverStarted = theirServerStartLogin(setup, user, record, startLoginRequest(started), ids);
        JsonNode finished = peer.ok(
                "clientFinishLogin",
                clientFinishArgs(
                        password,
                        "clientLoginState",
                        started,
                        "loginResponse",
                        bytes(serverStarted, "loginResponse"),
                        keyStretching,
                        ids));
        assertNotFinished(finished);
    }

    // =========================================================================================================
    // Single peer operations.
    // =========================================================================================================

    private static JsonNode theirClientStartRegistration(String password) {
        JsonNode started = peer.ok("clientStartRegistration", peer.args().put("password", password));
        assertThat(bytes(started, "registrationRequest").length).isEqualTo(RegistrationRequest.LENGTH);
        return started;
    }

    private static JsonNode theirServerRegistrationResponse(String setup, String user, byte[] request) {
        return peer.ok(
                "serverRegistrationResponse",
                peer.args().put("setup", setup).put("userIdentifier", user).put("registrationRequest", b64(request)));
    }

    private static JsonNode theirClientStartLogin(String password) {
        return peer.ok("clientStartLogin", peer.args().put("password", password));
    }

    private static Ke1 startLoginRequest(JsonNode clientStarted) {
        try {
            return Ke1.decode(bytes(clientStarted, "startLoginRequest"));
        } catch (OpaqueException e) {
            throw new AssertionError("their KE1 does not decode: " + e.getMessage(), e);
        }
    }

    /** Their {@code serverStartLogin}; a {@code null} record asks for a fake KE2 (unknown user). */
    private static JsonNode theirServerStartLogin(
            String setup, String user, RegistrationRecord record, Ke1 ke1, Ids ids) {
        ObjectNode args =
                peer.args().put("setup", setup).put("userIdentifier", user).put("startLoginRequest", b64(ke1.encode()));
        if (record != null) {
            args.put("registrationRecord", b64(record.encode()));
        }
        args.set("identifiers", ids.theirs());
        return peer.ok("serverStartLogin", args);
    }

    /** Their {@code clientFinishLogin} on a KE2 from our server; the response may say finished true or false. */
    private static JsonNode theirClientFinishLogin(
            String password, JsonNode started, Ke2 ke2, JsonNode keyStretching, Ids ids) {
        return peer.ok(
                "clientFinishLogin",
                clientFinishArgs(
                        password, "clientLoginState", started, "loginResponse", ke2.encode(), keyStretching, ids));
    }

    /** Arguments of clientFinishRegistration / clientFinishLogin. */
    private static ObjectNode clientFinishArgs(
            String password,
            String stateField,
            JsonNode started,
            String messageField,
            byte[] message,
            JsonNode keyStretching,
            Ids ids) {
        ObjectNode args = peer.args()
                .put("password", password)
                .put(stateField, started.get(stateField).asText())
                .put(messageField, b64(message));
        args.set("keyStretching", keyStretching);
        args.set("identifiers", ids.theirs());
        return args;
    }

    /** Arguments of serverFinishLogin, for the state of a serverStartLogin response. */
    private static ObjectNode serverFinishArgs(JsonNode serverStarted, byte[] ke3, Ids ids) {
        ObjectNode args = peer.args()
                .put("serverLoginState", serverStarted.get("serverLoginState").asText())
                .put("finishLoginRequest", b64(ke3));
        args.set("identifiers", ids.theirs());
        return args;
    }

    // =========================================================================================================
    // Helpers.
    // =========================================================================================================

    private static OpaqueConfig configWith(Argon2idKsf ksf) {
        return OpaqueConfig.defaults().toBuilder().ksf(ksf).build();
    }

    /** {@code {"argon2id-custom": {"memory": m, "iterations": t, "parallelism": p}}}. */
    private static ObjectNode customStretching(Argon2idKsf ksf) {
        ObjectNode parameters = JsonNodeFactory.instance.objectNode();
        parameters.put("memory", ksf.memoryKib());
        parameters.put("iterations", ksf.iterations());
        parameters.put("parallelism", ksf.parallelism());
        ObjectNode stretching = JsonNodeFactory.instance.objectNode();
        stretching.set("argon2id-custom", parameters);
        return stretching;
    }

    /** Their spelling of {@code ksf}: the library default for {@link Argon2idKsf#DEFAULT}, custom otherwise. */
    private static JsonNode theirStretching(Argon2idKsf ksf) {
        return ksf.equals(Argon2idKsf.DEFAULT) ? NullNode.getInstance() : customStretching(ksf);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static Ke3 randomKe3() throws OpaqueException {
        byte[] mac = new byte[Ke3.LENGTH];
        RANDOM.nextBytes(mac);
        return Ke3.decode(mac);
    }

    private static byte[] flipOneBit(byte[] bytes) {
        byte[] copy = bytes.clone();
        int bit = RANDOM.nextInt(copy.length * 8);
        copy[bit / 8] = (byte) (copy[bit / 8] ^ (1 << (bit % 8)));
        return copy;
    }

    private static void assertFinished(JsonNode clientFinished) {
        assertThat(clientFinished.path("finished").asBoolean(false))
                .as("their client finished the login")
                .isTrue();
    }

    private static void assertNotFinished(JsonNode clientFinished) {
        assertThat(clientFinished.path("finished").isBoolean()
                        && !clientFinished.path("finished").asBoolean())
                .as("their client reports a failed login (finished:false)")
                .isTrue();
        assertThat(clientFinished.has("sessionKey")).as("no session key").isFalse();
    }

    /** Compares key material without printing it. */
    private static void assertSameSecret(SecretBytes ours, byte[] theirs, String what) {
        assertThat(theirs.length).as("%s: length", what).isEqualTo(64);
        assertThat(ours.size()).as("%s: length", what).isEqualTo(64);
        assertThat(ours.equalsConstantTime(SecretBytes.copyOf(theirs)))
                .as("%s are equal", what)
                .isTrue();
    }

    private static void assertSameSecret(SecretBytes ours, SecretBytes theirs, String what) {
        byte[] bytes = theirs.revealBytes();
        assertSameSecret(ours, bytes, what);
    }

    private static void assertSameBytes(byte[] first, byte[] second, String what) {
        assertSameSecret(SecretBytes.copyOf(first), second, what);
    }
}
