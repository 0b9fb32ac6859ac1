package dev.opaquepop.opaque.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opaquepop.opaque.Argon2idKsf;
import dev.opaquepop.opaque.Ke1;
import dev.opaquepop.opaque.Ke2;
import dev.opaquepop.opaque.Ke3;
import dev.opaquepop.opaque.OpaqueConfig;
import dev.opaquepop.opaque.RegistrationRecord;
import dev.opaquepop.opaque.RegistrationRequest;
import dev.opaquepop.opaque.RegistrationResponse;
import dev.opaquepop.opaque.SecretBytes;
import dev.opaquepop.opaque.ServerSetup;
import dev.opaquepop.opaque.interop.Party.Client;
import dev.opaquepop.opaque.interop.Party.LoggedIn;
import dev.opaquepop.opaque.interop.Party.LoginStart;
import dev.opaquepop.opaque.interop.Party.LoginStarted;
import dev.opaquepop.opaque.interop.Party.Registered;
import dev.opaquepop.opaque.interop.Party.RegistrationStart;
import dev.opaquepop.opaque.interop.Party.Server;
import dev.opaquepop.testfixtures.NodePeer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.opentest4j.TestAbortedException;

/**
 * Interoperability with opaque-ke 4.0 through its npm/WASM build {@code @serenity-kit/opaque@1.1.0}, driven by
 * {@link NodePeer}. Each implementation is a {@link Party}; every test runs over the matrix of clients × servers
 * (ours and theirs, both ways and each with itself): registration and login, with the default and custom Argon2id
 * parameters, explicit identities, server setups moved both ways, fake KE2s for unknown users, and the wire lengths
 * of every message. Every login that succeeds has both sides agree on the session key byte for byte; every one
 * that must fail is refused by the client and the server refuses a KE3 anyway.
 *
 * <p>The KSF runs only on the client, so a registration and a login by the same client do not show that both
 * libraries compute the same Argon2id; {@link #argon2idAgreesBetweenTheClients} therefore registers with one
 * client and logs in with the other.
 */
class OpaqueKeInteropIT {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String PASSWORD = "correct horse battery staple \u2713 \uD83D\uDD11";
    private static final String WRONG_PASSWORD = "correct horse battery staple \u2713 \uD83D\uDD12";
    /** Cheap custom parameters (8 MiB, one pass, one lane), spelled the same way to the peer. */
    private static final Argon2idKsf CUSTOM_KSF = Argon2idKsf.of(8192, 1, 1);

    private static final Party OURS = new OurParty();
    private static NodePeer peer;
    private static Party theirs;
    /** Why the tests are skipped (node or npm missing, outside CI), or {@code null} when the peer runs. */
    private static String skipReason;
    /** One server setup made by each party, keyed by that party. */
    private static final Map<Party, byte[]> SETUPS = new LinkedHashMap<>();

    @BeforeAll
    static void startPeer() {
        try {
            peer = NodePeer.start();
        } catch (TestAbortedException e) {
            // Aborting here would drop the tests from the reports silently; abort each one instead (see below).
            skipReason = e.getMessage();
            System.err.println(skipReason);
            return;
        }
        theirs = new TheirParty(peer);
        SETUPS.put(OURS, OURS.createSetup());
        SETUPS.put(theirs, theirs.createSetup());
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
    // The matrix. The parties exist only once the peer runs, so the sources name them and resolve them late.
    // ---------------------------------------------------------------------------------------------------------

    /** A party by name, resolved when a test runs: "ours" or "theirs". */
    private static Party party(String name) {
        return name.equals("ours") ? OURS : theirs;
    }

    private static Party other(String name) {
        return party(name.equals("ours") ? "theirs" : "ours");
    }

    private static Server serverOf(String name) {
        return party(name).server(SETUPS.get(party(name)));
    }

    static Stream<Arguments> clientsAndServers() {
        return Stream.of("ours", "theirs")
                .flatMap(client -> Stream.of("ours", "theirs").map(server -> Arguments.of(client, server)));
    }

    static Stream<Arguments> clientsServersAndStretching() {
        return clientsAndServers()
                .flatMap(pair -> Stream.of(Argon2idKsf.DEFAULT, CUSTOM_KSF)
                        .map(ksf -> Arguments.of(pair.get()[0], pair.get()[1], ksf)));
    }

    static Stream<Arguments> mismatchedParameters() {
        return clientsAndServers()
                .flatMap(pair -> Stream.of(
                                Argon2idKsf.of(16384, 1, 1), // memory differs
                                Argon2idKsf.of(8192, 2, 1), // iterations differ
                                Argon2idKsf.of(8192, 1, 2), // parallelism differs
                                Argon2idKsf.DEFAULT) // the default against custom parameters
                        .map(ksf -> Arguments.of(pair.get()[0], pair.get()[1], ksf)));
    }

    // ---------------------------------------------------------------------------------------------------------
    // 1. Registration and login, every client with every server.
    // ---------------------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0} client, {1} server, {2}")
    @MethodSource("clientsServersAndStretching")
    void registrationAndLogin(String clientName, String serverName, Argon2idKsf ksf) {
        Client client = party(clientName).client(ksf);
        Server server = serverOf(serverName);
        String user = clientName + "-client-on-" + serverName + "-" + ksf.memoryKib() + "@example.com";

        Registered registered = register(client, server, user, PASSWORD, Ids.NONE);

        // Right password: equal session keys and a refused flipped KE3 (checked in login), the export key of the
        // registration, and the server's own public key.
        LoggedIn login = login(client, server, user, registered.record(), PASSWORD, Ids.NONE, Ids.NONE);
        assertSameSecret(login.exportKey(), registered.exportKey(), "export keys of registration and login");
        assertThat(login.serverPublicKey()).isEqualTo(server.publicKey());

        // Wrong password: the client refuses the KE2, and the server refuses a KE3 made up instead.
        assertLoginFails(client, server, user, registered.record(), WRONG_PASSWORD, Ids.NONE, Ids.NONE);
    }

    // ---------------------------------------------------------------------------------------------------------
    // 2. Argon2id: both clients compute the same KSF output, with the default and custom parameters, and only
    //    with equal parameters.
    // ---------------------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0} client registers, the other logs in, {1} server, {2}")
    @MethodSource("clientsServersAndStretching")
    void argon2idAgreesBetweenTheClients(String registrant, String serverName, Argon2idKsf ksf) {
        assertThat(OpaqueConfig.defaults().ksf()).isEqualTo(Argon2idKsf.DEFAULT);
        assertThat(Argon2idKsf.DEFAULT)
                .extracting(Argon2idKsf::memoryKib, Argon2idKsf::iterations, Argon2idKsf::parallelism)
                .containsExactly(65536, 3, 4);
        Server server = serverOf(serverName);
        String user = "argon2-" + registrant + "-first-on-" + serverName + "-" + ksf.memoryKib();

        Registered registered = register(party(registrant).client(ksf), server, user, PASSWORD, Ids.NONE);
        LoggedIn login =
                login(other(registrant).client(ksf), server, user, registered.record(), PASSWORD, Ids.NONE, Ids.NONE);
        assertSameSecret(login.exportKey(), registered.exportKey(), "export keys of the two clients");
    }

    @ParameterizedTest(name = "{0} client registers with m=8192,t=1,p=1, the other logs in with {2}, {1} server")
    @MethodSource("mismatchedParameters")
    void mismatchedArgon2idParametersFail(String registrant, String serverName, Argon2idKsf other) {
        Server server = serverOf(serverName);
        String user = "mismatch-" + registrant + "-on-" + serverName + "-" + other.memoryKib() + "-"
                + other.iterations() + "-" + other.parallelism();

        Registered registered = register(party(registrant).client(CUSTOM_KSF), server, user, PASSWORD, Ids.NONE);
        assertLoginFails(
                other(registrant).client(other), server, user, registered.record(), PASSWORD, Ids.NONE, Ids.NONE);
    }

    // ---------------------------------------------------------------------------------------------------------
    // 3. Explicit identities.
    // ---------------------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0} client, {1} server")
    @MethodSource("clientsAndServers")
    void explicitIdentitiesInteroperate(String clientName, String serverName) {
        Client client = party(clientName).client(CUSTOM_KSF);
        Client otherClient = other(clientName).client(CUSTOM_KSF);
        Server server = serverOf(serverName);
        Ids ids = new Ids("\u00e5lice@example.com", "login.example.com");
        Ids otherServerId = new Ids("\u00e5lice@example.com", "other.example.com");
        Ids otherClientId = new Ids("mallory@example.com", "login.example.com");
        String user = "ids-" + clientName + "-on-" + serverName + "@example.com";

        Registered registered = register(client, server, user, PASSWORD, ids);
        LoggedIn login = login(client, server, user, registered.record(), PASSWORD, ids, ids);
        assertSameSecret(login.exportKey(), registered.exportKey(), "export keys of registration and login");
        // The other implementation's client opens the envelope sealed with identities too.
        LoggedIn otherLogin = login(otherClient, server, user, registered.record(), PASSWORD, ids, ids);
        assertSameSecret(otherLogin.exportKey(), registered.exportKey(), "export keys of the two clients");

        // Identities are bound into the envelope: a client using other ones than at registration cannot log in.
        assertLoginFails(client, server, user, registered.record(), PASSWORD, Ids.NONE, ids);
        assertLoginFails(client, server, user, registered.record(), PASSWORD, otherClientId, ids);
        assertLoginFails(client, server, user, registered.record(), PASSWORD, otherServerId, ids);
        // ... and into the transcript: a server using other identities than the client is refused.
        assertLoginFails(client, server, user, registered.record(), PASSWORD, ids, otherServerId);
        assertLoginFails(client, server, user, registered.record(), PASSWORD, ids, otherClientId);
    }

    // ---------------------------------------------------------------------------------------------------------
    // 4. Server setups moved between the implementations.
    // ---------------------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "setup made by {0}")
    @MethodSource("parties")
    void aSetupMovesToTheOtherImplementation(String maker) throws Exception {
        byte[] setup = party(maker).createSetup();
        assertThat(setup.length).isEqualTo(ServerSetup.LENGTH);
        assertThat(ServerSetup.decode(setup).encode().equalsConstantTime(SecretBytes.copyOf(setup)))
                .as("our encoding of the setup is the encoding we read")
                .isTrue();
        Server original = party(maker).server(setup);
        Server moved = other(maker).server(setup);
        assertThat(moved.publicKey()).isEqualTo(original.publicKey());

        // A user registered by either client on the maker's server logs in on the other server with either client.
        for (String registrant : List.of("ours", "theirs")) {
            String user = "moved-from-" + maker + "-registered-by-" + registrant + "@example.com";
            Registered registered = register(party(registrant).client(CUSTOM_KSF), original, user, PASSWORD, Ids.NONE);
            for (String loginClient : List.of("ours", "theirs")) {
                LoggedIn login = login(
                        party(loginClient).client(CUSTOM_KSF),
                        moved,
                        user,
                        registered.record(),
                        PASSWORD,
                        Ids.NONE,
                        Ids.NONE);
                assertSameSecret(login.exportKey(), registered.exportKey(), "export keys before and after the move");
                assertThat(login.serverPublicKey()).isEqualTo(original.publicKey());
            }
        }
    }

    static Stream<String> parties() {
        return Stream.of("ours", "theirs");
    }

    // ---------------------------------------------------------------------------------------------------------
    // 5. Fake KE2 for unknown users.
    // ---------------------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0} client, {1} server")
    @MethodSource("clientsAndServers")
    void aFakeKe2IsRefusedByTheClient(String clientName, String serverName) {
        Client client = party(clientName).client(CUSTOM_KSF);
        Server server = serverOf(serverName);
        String user = "fake-" + clientName + "-on-" + serverName + "-known@example.com";
        Registered registered = register(client, server, user, PASSWORD, Ids.NONE);

        LoginStart start = client.startLogin(PASSWORD);
        LoginStarted fake = server.startLogin(
                "fake-" + clientName + "-on-" + serverName + "-unknown@example.com", null, start.ke1(), Ids.NONE);
        LoginStarted real = server.startLogin(user, registered.record(), start.ke1(), Ids.NONE);
        assertThat(fake.ke2().length).isEqualTo(real.ke2().length).isEqualTo(Ke2.LENGTH);

        // The client parses the fake KE2 as a valid message and fails the login; the server refuses any KE3.
        assertThat(start.finish(fake.ke2(), Ids.NONE))
                .as("the client refuses a fake KE2")
                .isEmpty();
        assertThat(fake.finish(randomKe3()))
                .as("the server refuses a KE3 for an unknown user")
                .isEmpty();

        // The same user with the real record does log in, so the refusal was about the fake.
        login(client, server, user, registered.record(), PASSWORD, Ids.NONE, Ids.NONE);
    }

    // ---------------------------------------------------------------------------------------------------------
    // 6. Wire lengths.
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void messageLengthsAreEqual() {
        List<Map<String, Integer>> all = new ArrayList<>();
        clientsAndServers().forEach(pair -> {
            String clientName = (String) pair.get()[0];
            String serverName = (String) pair.get()[1];
            Client client = party(clientName).client(CUSTOM_KSF);
            Server server = serverOf(serverName);
            String user = "lengths-" + clientName + "-on-" + serverName + "@example.com";
            Map<String, Integer> lengths = new LinkedHashMap<>();
            lengths.put("setup", SETUPS.get(party(serverName)).length);
            lengths.put("publicKey", server.publicKey().length);
            RegistrationStart registration = client.startRegistration(PASSWORD);
            byte[] response = server.registrationResponse(user, registration.request());
            Registered registered = registration.finish(response, Ids.NONE);
            lengths.put("registrationRequest", registration.request().length);
            lengths.put("registrationResponse", response.length);
            lengths.put("registrationRecord", registered.record().length);
            LoginStart start = client.startLogin(PASSWORD);
            LoginStarted started = server.startLogin(user, registered.record(), start.ke1(), Ids.NONE);
            LoggedIn login = start.finish(started.ke2(), Ids.NONE).orElseThrow();
            Optional<byte[]> serverKey = started.finish(login.ke3());
            assertThat(serverKey)
                    .as("%s server accepts the KE3 of the %s client", serverName, clientName)
                    .isPresent();
            assertSameSecret(login.sessionKey(), serverKey.get(), "session keys");
            lengths.put("KE1", start.ke1().length);
            lengths.put("KE2", started.ke2().length);
            lengths.put("KE3", login.ke3().length);
            lengths.put("sessionKey", login.sessionKey().length);
            lengths.put("exportKey", login.exportKey().length);
            all.add(lengths);
        });

        assertThat(all).hasSize(4).allSatisfy(lengths -> assertThat(lengths).isEqualTo(all.get(0)));
        assertThat(all.get(0))
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
    // Flows, for any client and any server.
    // =========================================================================================================

    private static Registered register(Client client, Server server, String user, String password, Ids ids) {
        RegistrationStart registration = client.startRegistration(password);
        assertThat(registration.request().length).isEqualTo(RegistrationRequest.LENGTH);
        return registration.finish(server.registrationResponse(user, registration.request()), ids);
    }

    /**
     * A login that must succeed: the client accepts the KE2, the server refuses its KE3 with one bit flipped and
     * then accepts the real one, and both have the same session key.
     */
    private static LoggedIn login(
            Client client, Server server, String user, byte[] record, String password, Ids clientIds, Ids serverIds) {
        LoginStart start = client.startLogin(password);
        LoginStarted started = server.startLogin(user, record, start.ke1(), serverIds);
        LoggedIn login = start.finish(started.ke2(), clientIds)
                .orElseThrow(() -> new AssertionError("the client refused the login (" + clientIds + ")"));
        assertThat(started.finish(flipOneBit(login.ke3())))
                .as("the server refuses a KE3 with a flipped bit")
                .isEmpty();
        byte[] serverKey = started.finish(login.ke3())
                .orElseThrow(() -> new AssertionError("the server refused the login (" + serverIds + ")"));
        assertSameSecret(login.sessionKey(), serverKey, "session keys of client and server");
        return login;
    }

    /** A login that must fail: the client refuses the KE2, and the server refuses a KE3 made up instead. */
    private static void assertLoginFails(
            Client client, Server server, String user, byte[] record, String password, Ids clientIds, Ids serverIds) {
        LoginStart start = client.startLogin(password);
        LoginStarted started = server.startLogin(user, record, start.ke1(), serverIds);
        assertThat(start.finish(started.ke2(), clientIds))
                .as("the client refuses the login (client %s, server %s)", clientIds, serverIds)
                .isEmpty();
        assertThat(started.finish(randomKe3()))
                .as("the server refuses a made-up KE3")
                .isEmpty();
    }

    // =========================================================================================================
    // Helpers.
    // =========================================================================================================

    private static byte[] randomKe3() {
        byte[] mac = new byte[Ke3.LENGTH];
        RANDOM.nextBytes(mac);
        return mac;
    }

    private static byte[] flipOneBit(byte[] bytes) {
        byte[] copy = bytes.clone();
        int bit = RANDOM.nextInt(copy.length * 8);
        copy[bit / 8] = (byte) (copy[bit / 8] ^ (1 << (bit % 8)));
        return copy;
    }

    /** Compares key material without printing it. */
    private static void assertSameSecret(byte[] first, byte[] second, String what) {
        assertThat(first.length).as("%s: length", what).isEqualTo(64);
        assertThat(second.length).as("%s: length", what).isEqualTo(64);
        assertThat(SecretBytes.copyOf(first).equalsConstantTime(SecretBytes.copyOf(second)))
                .as("%s are equal", what)
                .isTrue();
    }
}
