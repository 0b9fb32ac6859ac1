package dev.opaquepop.opaque;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opaquepop.opaque.internal.Bytes;
import dev.opaquepop.testfixtures.FixedRandom;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Active attacks on a login: every single-bit change of KE2, KE3 and the stored record makes the login fail, as
 * do a reflected OPRF value, a wrong password, a fake KE2 for an unknown user, replayed states and mismatched
 * identities or contexts. The Identity KSF keeps each of the few thousand logins cheap.
 */
class TamperingTest {
    private static final OpaqueConfig CONFIG =
            OpaqueConfig.builder().ksf(Ksf.identityUnsafeForTestsOnly()).build();
    private static final byte[] ALICE = "alice@example.com".getBytes(StandardCharsets.UTF_8);
    private static final byte[] PASSWORD = "correct horse battery staple".getBytes(StandardCharsets.UTF_8);
    private static final long CLIENT_SEED = 0x5eed_c11e_0001L;
    private static final long SERVER_SEED = 0x5eed_5e7e_0002L;

    private final SecureRandom random = new SecureRandom();
    private ServerSetup setup;
    private OpaqueServer server;
    private OpaqueClient client;
    private RegistrationRecord record;
    private SecretBytes registrationExportKey;

    /** How a login attempt ended. */
    enum Outcome {
        SUCCESS,
        CLIENT_REJECTED,
        SERVER_REJECTED
    }

    @BeforeEach
    void registerAlice() throws OpaqueException {
        setup = ServerSetup.generate(random);
        server = new OpaqueServer(CONFIG, setup, random);
        client = new OpaqueClient(CONFIG, random);
        ClientRegistrationResult registered = register(CONFIG, CONFIG, PASSWORD, ALICE, Identities.none());
        record = registered.record();
        registrationExportKey = registered.exportKey();
    }

    @Test
    void login_untampered_succeedsWithMatchingKeys() throws OpaqueException {
        ClientLogin login = client.startLogin(PASSWORD);
        ServerLogin serverLogin =
                server.startLogin(record, Ke1.decode(login.ke1().encode()), ALICE, Identities.none());
        ClientLoginResult result = login.finish(Ke2.decode(serverLogin.ke2().encode()), Identities.none());
        SecretBytes serverKey = serverLogin.finish(Ke3.decode(result.ke3().encode()));

        assertThat(serverKey.equalsConstantTime(result.sessionKey())).isTrue();
        assertThat(result.sessionKey().size()).isEqualTo(64);
        assertThat(result.exportKey().equalsConstantTime(registrationExportKey)).isTrue();
        assertThat(result.serverPublicKey()).isEqualTo(setup.publicKey());
    }

    @Test
    void finish_tamperedKe2_fails() throws OpaqueException {
        ClientLogin reference = seededClient().startLogin(PASSWORD);
        ServerLogin serverLogin = server.startLogin(record, reference.ke1(), ALICE, Identities.none());
        byte[] ke2 = serverLogin.ke2().encode();

        // Control: a fresh client state from the same seed is identical and accepts the untampered KE2.
        ClientLogin control = seededClient().startLogin(PASSWORD);
        assertThat(control.ke1()).isEqualTo(reference.ke1());
        ClientLoginResult controlResult = control.finish(Ke2.decode(ke2), Identities.none());
        assertThat(serverLogin.finish(controlResult.ke3()).equalsConstantTime(controlResult.sessionKey()))
                .isTrue();

        List<String> accepted = new ArrayList<>();
        int rejectedAtDecode = 0;
        int rejectedAtFinish = 0;
        for (int bit = 0; bit < 8 * ke2.length; bit++) {
            Ke2 tampered;
            try {
                tampered = Ke2.decode(flip(ke2, bit));
            } catch (InvalidMessageException e) {
                rejectedAtDecode++;
                continue;
            }
            ClientLogin fresh = seededClient().startLogin(PASSWORD);
            try {
                fresh.finish(tampered, Identities.none());
                accepted.add("KE2 bit " + bit);
            } catch (LoginFailedException e) {
                rejectedAtFinish++;
            }
        }

        assertThat(accepted).as("tampered KE2s the client accepted").isEmpty();
        assertThat(rejectedAtDecode + rejectedAtFinish).isEqualTo(8 * Ke2.LENGTH);
        assertThat(rejectedAtDecode).as("flips caught as invalid elements").isPositive();
        assertThat(rejectedAtFinish)
                .as("flips caught by the MAC or the envelope")
                .isPositive();
    }

    @Test
    void finish_tamperedKe3_fails() throws OpaqueException {
        ClientLogin login = client.startLogin(PASSWORD);
        ServerLogin original = seededServer().startLogin(record, login.ke1(), ALICE, Identities.none());
        ClientLoginResult result = login.finish(original.ke2(), Identities.none());
        byte[] ke3 = result.ke3().encode();

        // Control: a server state rebuilt from the same seed is identical and accepts the untampered KE3.
        ServerLogin control = seededServer().startLogin(record, login.ke1(), ALICE, Identities.none());
        assertThat(control.ke2()).isEqualTo(original.ke2());
        assertThat(control.finish(Ke3.decode(ke3)).equalsConstantTime(result.sessionKey()))
                .isTrue();

        List<String> accepted = new ArrayList<>();
        int rejected = 0;
        for (int bit = 0; bit < 8 * ke3.length; bit++) {
            ServerLogin fresh = seededServer().startLogin(record, login.ke1(), ALICE, Identities.none());
            Ke3 tampered = Ke3.decode(flip(ke3, bit));
            try {
                fresh.finish(tampered);
                accepted.add("KE3 bit " + bit);
            } catch (LoginFailedException e) {
                rejected++;
            }
        }

        assertThat(accepted).as("tampered KE3s the server accepted").isEmpty();
        assertThat(rejected).isEqualTo(8 * Ke3.LENGTH);
    }

    @Test
    void login_tamperedRecord_fails() throws OpaqueException {
        byte[] stored = record.encode();
        assertThat(login(CONFIG, CONFIG, record, PASSWORD, Identities.none(), Identities.none()))
                .as("control: the untampered record")
                .isEqualTo(Outcome.SUCCESS);

        List<String> accepted = new ArrayList<>();
        int rejectedAtDecode = 0;
        int rejectedByClient = 0;
        int rejectedByServer = 0;
        for (int bit = 0; bit < 8 * stored.length; bit++) {
            RegistrationRecord tampered;
            try {
                tampered = RegistrationRecord.decode(flip(stored, bit));
            } catch (InvalidMessageException e) {
                rejectedAtDecode++;
                continue;
            }
            switch (login(CONFIG, CONFIG, tampered, PASSWORD, Identities.none(), Identities.none())) {
                case SUCCESS -> accepted.add("record bit " + bit);
                case CLIENT_REJECTED -> rejectedByClient++;
                case SERVER_REJECTED -> rejectedByServer++;
            }
        }

        assertThat(accepted).as("tampered records that still logged in").isEmpty();
        assertThat(rejectedAtDecode + rejectedByClient + rejectedByServer).isEqualTo(8 * RegistrationRecord.LENGTH);
        assertThat(rejectedByClient).isPositive();
    }

    @Test
    void finish_reflectedOprfValue_throwsLoginFailed() throws OpaqueException {
        ClientLogin login = client.startLogin(PASSWORD);
        ServerLogin serverLogin = server.startLogin(record, login.ke1(), ALICE, Identities.none());
        byte[] reflected = serverLogin.ke2().encode();
        System.arraycopy(login.ke1().encode(), 0, reflected, 0, 32);
        Ke2 ke2 = Ke2.decode(reflected);

        assertThatThrownBy(() -> login.finish(ke2, Identities.none())).isInstanceOf(LoginFailedException.class);
    }

    @Test
    void finish_reflectedRegistrationResponse_throws() throws OpaqueException {
        ClientRegistration registration = client.startRegistration(PASSWORD);
        RegistrationResponse reflected =
                RegistrationResponse.decode(Bytes.concat(registration.request().encode(), server.publicKey()));

        assertThatThrownBy(() -> registration.finish(reflected, Identities.none()))
                .isInstanceOf(OpaqueException.class);
    }

    @Test
    void finish_wrongPassword_throwsLoginFailed() throws OpaqueException {
        for (String wrong : new String[] {"correct horse battery stapl", "Correct horse battery staple", ""}) {
            ClientLogin login = client.startLogin(wrong.getBytes(StandardCharsets.UTF_8));
            ServerLogin serverLogin = server.startLogin(record, login.ke1(), ALICE, Identities.none());
            assertThatThrownBy(() -> login.finish(serverLogin.ke2(), Identities.none()))
                    .as("password %s", wrong)
                    .isInstanceOf(LoginFailedException.class);
            // Whatever KE3 the failed client might send instead, the server rejects it.
            assertThatThrownBy(() -> serverLogin.finish(Ke3.decode(randomBytes(Ke3.LENGTH))))
                    .isInstanceOf(LoginFailedException.class);
        }
    }

    @Test
    void finish_calledTwice_throwsIllegalState() throws OpaqueException {
        ClientLogin login = client.startLogin(PASSWORD);
        ServerLogin serverLogin = server.startLogin(record, login.ke1(), ALICE, Identities.none());
        Ke2 ke2 = serverLogin.ke2();
        ClientLoginResult result = login.finish(ke2, Identities.none());
        assertThatThrownBy(() -> login.finish(ke2, Identities.none())).isInstanceOf(IllegalStateException.class);

        serverLogin.finish(result.ke3());
        assertThatThrownBy(() -> serverLogin.finish(result.ke3())).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(serverLogin::exportState).isInstanceOf(IllegalStateException.class);

        ClientRegistration registration = client.startRegistration(PASSWORD);
        RegistrationResponse response = server.registrationResponse(registration.request(), ALICE);
        registration.finish(response, Identities.none());
        assertThatThrownBy(() -> registration.finish(response, Identities.none()))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void finish_afterFailedAttempt_staysUsed() throws OpaqueException {
        // A client state that failed once cannot be retried, not even with the right KE2.
        ClientLogin login = client.startLogin(PASSWORD);
        ServerLogin serverLogin = server.startLogin(record, login.ke1(), ALICE, Identities.none());
        byte[] tampered = serverLogin.ke2().encode();
        tampered[Ke2.LENGTH - 1] ^= 1;
        assertThatThrownBy(() -> login.finish(Ke2.decode(tampered), Identities.none()))
                .isInstanceOf(LoginFailedException.class);
        assertThatThrownBy(() -> login.finish(serverLogin.ke2(), Identities.none()))
                .isInstanceOf(IllegalStateException.class);

        // A server state that rejected a guess cannot be asked again, not even with the right KE3.
        ClientLogin honest = client.startLogin(PASSWORD);
        ServerLogin honestServer = server.startLogin(record, honest.ke1(), ALICE, Identities.none());
        ClientLoginResult result = honest.finish(honestServer.ke2(), Identities.none());
        assertThatThrownBy(() -> honestServer.finish(Ke3.decode(new byte[Ke3.LENGTH])))
                .isInstanceOf(LoginFailedException.class);
        assertThatThrownBy(() -> honestServer.finish(result.ke3())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void startLogin_unknownUser_fakeKe2LooksRealAndFails() throws OpaqueException {
        ClientLogin realLogin = client.startLogin(PASSWORD);
        Ke2 real = server.startLogin(record, realLogin.ke1(), ALICE, Identities.none())
                .ke2();

        byte[] nobody = "nobody@example.com".getBytes(StandardCharsets.UTF_8);
        ClientLogin login = client.startLogin(PASSWORD);
        ServerLogin fake = server.startLogin(null, login.ke1(), nobody, Identities.none());
        byte[] fakeKe2 = fake.ke2().encode();
        assertThat(fakeKe2).hasSameSizeAs(real.encode()).hasSize(Ke2.LENGTH);
        assertThat(Ke2.decode(fakeKe2)).isEqualTo(fake.ke2());
        assertThatThrownBy(() -> login.finish(fake.ke2(), Identities.none())).isInstanceOf(LoginFailedException.class);

        // The fake state rejects any KE3: zeros, ones, random, and the KE3 of a real login of another user.
        ClientLogin aliceLogin = client.startLogin(PASSWORD);
        ServerLogin aliceServer = server.startLogin(record, aliceLogin.ke1(), ALICE, Identities.none());
        byte[] aliceKe3 =
                aliceLogin.finish(aliceServer.ke2(), Identities.none()).ke3().encode();
        List<byte[]> candidates = new ArrayList<>();
        candidates.add(new byte[Ke3.LENGTH]);
        byte[] ones = new byte[Ke3.LENGTH];
        Arrays.fill(ones, (byte) 0xff);
        candidates.add(ones);
        candidates.add(aliceKe3);
        for (int i = 0; i < 50; i++) {
            candidates.add(randomBytes(Ke3.LENGTH));
        }
        for (byte[] candidate : candidates) {
            ServerLogin freshFake = server.startLogin(null, login.ke1(), nobody, Identities.none());
            assertThat(freshFake.ke2().encode()).hasSize(Ke2.LENGTH);
            assertThatThrownBy(() -> freshFake.finish(Ke3.decode(candidate))).isInstanceOf(LoginFailedException.class);
        }
    }

    @Test
    void restore_exportedState_finishesLogin() throws OpaqueException {
        ClientLogin login = client.startLogin(PASSWORD);
        ServerLogin serverLogin = server.startLogin(record, login.ke1(), ALICE, Identities.none());
        SecretBytes state = serverLogin.exportState();
        assertThat(state.size()).isEqualTo(128);
        ClientLoginResult result = login.finish(serverLogin.ke2(), Identities.none());

        // Exporting handed the state over: the original can no longer finish.
        assertThatThrownBy(() -> serverLogin.finish(result.ke3())).isInstanceOf(IllegalStateException.class);
        assertThat(ServerLogin.restore(SecretBytes.copyOf(state.revealBytes()))
                        .exportState()
                        .revealBytes())
                .isEqualTo(state.revealBytes());

        ServerLogin restored = ServerLogin.restore(SecretBytes.copyOf(state.revealBytes()));
        assertThat(restored.ke2()).isNull();
        SecretBytes sessionKey = restored.finish(Ke3.decode(result.ke3().encode()));
        assertThat(sessionKey.equalsConstantTime(result.sessionKey())).isTrue();
        assertThatThrownBy(() -> restored.finish(result.ke3())).isInstanceOf(IllegalStateException.class);

        // A restored state still rejects a wrong KE3.
        ServerLogin again = ServerLogin.restore(state);
        assertThatThrownBy(() -> again.finish(Ke3.decode(flip(result.ke3().encode(), 0))))
                .isInstanceOf(LoginFailedException.class);
        // A state of the wrong size does not restore.
        assertThatThrownBy(() -> ServerLogin.restore(SecretBytes.copyOf(new byte[127])))
                .isInstanceOf(InvalidMessageException.class);
    }

    @Test
    void login_identitiesMismatch_fails() throws OpaqueException {
        byte[] clientId = "alice".getBytes(StandardCharsets.UTF_8);
        byte[] serverId = "login.example.com".getBytes(StandardCharsets.UTF_8);
        Identities registered = Identities.of(clientId, serverId);
        RegistrationRecord withIds =
                register(CONFIG, CONFIG, PASSWORD, ALICE, registered).record();

        assertThat(login(CONFIG, CONFIG, withIds, PASSWORD, registered, registered))
                .as("matching identities")
                .isEqualTo(Outcome.SUCCESS);

        Identities otherClient = Identities.of("mallory".getBytes(StandardCharsets.UTF_8), serverId);
        Identities otherServer = Identities.of(clientId, "evil.example.com".getBytes(StandardCharsets.UTF_8));
        Identities clientOnly = Identities.of(clientId, null);
        Identities serverOnly = Identities.of(null, serverId);
        Identities[][] mismatches = {
            {Identities.none(), registered},
            {registered, Identities.none()},
            {Identities.none(), Identities.none()},
            {otherClient, registered},
            {registered, otherClient},
            {otherClient, otherClient},
            {otherServer, registered},
            {registered, otherServer},
            {otherServer, otherServer},
            {clientOnly, clientOnly},
            {serverOnly, serverOnly},
        };
        for (Identities[] pair : mismatches) {
            assertThat(login(CONFIG, CONFIG, withIds, PASSWORD, pair[0], pair[1]))
                    .as("client %s, server %s", pair[0], pair[1])
                    .isNotEqualTo(Outcome.SUCCESS);
        }

        // A record registered without identities only logs in without them.
        assertThat(login(CONFIG, CONFIG, record, PASSWORD, Identities.none(), Identities.none()))
                .isEqualTo(Outcome.SUCCESS);
        assertThat(login(CONFIG, CONFIG, record, PASSWORD, registered, registered))
                .isNotEqualTo(Outcome.SUCCESS);
    }

    @Test
    void login_contextMismatch_fails() throws OpaqueException {
        OpaqueConfig contextA = CONFIG.toBuilder()
                .context("app-A".getBytes(StandardCharsets.UTF_8))
                .build();
        OpaqueConfig contextB = CONFIG.toBuilder()
                .context("app-B".getBytes(StandardCharsets.UTF_8))
                .build();

        assertThat(login(contextA, contextA, record, PASSWORD, Identities.none(), Identities.none()))
                .as("same context on both sides")
                .isEqualTo(Outcome.SUCCESS);
        assertThat(login(contextA, contextB, record, PASSWORD, Identities.none(), Identities.none()))
                .isNotEqualTo(Outcome.SUCCESS);
        assertThat(login(contextB, contextA, record, PASSWORD, Identities.none(), Identities.none()))
                .isNotEqualTo(Outcome.SUCCESS);
        assertThat(login(CONFIG, contextA, record, PASSWORD, Identities.none(), Identities.none()))
                .isNotEqualTo(Outcome.SUCCESS);
    }

    @Test
    void login_credentialIdentifierMismatch_fails() throws OpaqueException {
        ClientLogin login = client.startLogin(PASSWORD);
        ServerLogin serverLogin = server.startLogin(
                record, login.ke1(), "bob@example.com".getBytes(StandardCharsets.UTF_8), Identities.none());
        assertThatThrownBy(() -> login.finish(serverLogin.ke2(), Identities.none()))
                .isInstanceOf(LoginFailedException.class);
    }

    @Test
    void login_otherServerSetup_fails() throws OpaqueException {
        OpaqueServer otherServer = new OpaqueServer(CONFIG, ServerSetup.generate(random), random);
        ClientLogin login = client.startLogin(PASSWORD);
        ServerLogin serverLogin = otherServer.startLogin(record, login.ke1(), ALICE, Identities.none());
        assertThatThrownBy(() -> login.finish(serverLogin.ke2(), Identities.none()))
                .isInstanceOf(LoginFailedException.class);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Helpers

    private ClientRegistrationResult register(
            OpaqueConfig clientConfig,
            OpaqueConfig serverConfig,
            byte[] password,
            byte[] credentialId,
            Identities identities)
            throws OpaqueException {
        ClientRegistration registration = new OpaqueClient(clientConfig, random).startRegistration(password);
        RegistrationResponse response = new OpaqueServer(serverConfig, setup, random)
                .registrationResponse(
                        RegistrationRequest.decode(registration.request().encode()), credentialId);
        return registration.finish(RegistrationResponse.decode(response.encode()), identities);
    }

    /** One login of Alice with the given record, configurations and identities, over encoded messages. */
    private Outcome login(
            OpaqueConfig clientConfig,
            OpaqueConfig serverConfig,
            RegistrationRecord storedRecord,
            byte[] password,
            Identities clientIdentities,
            Identities serverIdentities)
            throws OpaqueException {
        ClientLogin login = new OpaqueClient(clientConfig, random).startLogin(password);
        ServerLogin serverLogin = new OpaqueServer(serverConfig, setup, random)
                .startLogin(storedRecord, Ke1.decode(login.ke1().encode()), ALICE, serverIdentities);
        ClientLoginResult result;
        try {
            result = login.finish(Ke2.decode(serverLogin.ke2().encode()), clientIdentities);
        } catch (LoginFailedException e) {
            return Outcome.CLIENT_REJECTED;
        }
        SecretBytes serverKey;
        try {
            serverKey = serverLogin.finish(Ke3.decode(result.ke3().encode()));
        } catch (LoginFailedException e) {
            return Outcome.SERVER_REJECTED;
        }
        assertThat(serverKey.equalsConstantTime(result.sessionKey()))
                .as("both sides accepted, so their session keys must agree")
                .isTrue();
        return Outcome.SUCCESS;
    }

    private OpaqueClient seededClient() {
        return new OpaqueClient(CONFIG, FixedRandom.seeded(CLIENT_SEED));
    }

    private OpaqueServer seededServer() {
        return new OpaqueServer(CONFIG, setup, FixedRandom.seeded(SERVER_SEED));
    }

    private byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private static byte[] flip(byte[] bytes, int bit) {
        byte[] out = bytes.clone();
        out[bit / 8] ^= (byte) (1 << (bit % 8));
        return out;
    }
}
