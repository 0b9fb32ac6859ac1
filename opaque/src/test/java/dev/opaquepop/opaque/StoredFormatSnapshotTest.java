package dev.opaquepop.opaque;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Data saved by an earlier build must keep working: a server setup and two registration records made with it
 * (one with the default Argon2id KSF, one with the Identity KSF), stored under {@code
 * src/test/resources/snapshots/}. They were generated once and are never regenerated (see the README there): a
 * failure here means the library can no longer read what servers have stored, or derives different keys from
 * it.
 */
class StoredFormatSnapshotTest {
    private static final byte[] USER = "snapshot-user@example.com".getBytes(StandardCharsets.UTF_8);
    private static final byte[] PASSWORD = "correct horse battery staple".getBytes(StandardCharsets.UTF_8);
    private static final byte[] WRONG_PASSWORD = "correct horse battery stable".getBytes(StandardCharsets.UTF_8);

    private static final OpaqueConfig ARGON2ID =
            OpaqueConfig.builder().ksf(Argon2idKsf.DEFAULT).build();
    private static final OpaqueConfig IDENTITY =
            OpaqueConfig.builder().ksf(Ksf.identityUnsafeForTestsOnly()).build();

    private final SecureRandom random = new SecureRandom();

    @Test
    void serverSetup_snapshot_loadsAndReencodesIdentically() throws OpaqueException {
        byte[] encoded = snapshot("server-setup.hex");
        assertThat(encoded).hasSize(ServerSetup.LENGTH).hasSize(128);

        ServerSetup setup = ServerSetup.decode(encoded);

        assertThat(setup.encode().revealBytes()).isEqualTo(encoded);
        assertThat(setup.publicKey()).isEqualTo(snapshot("server-public-key.hex"));
        assertThat(new OpaqueServer(IDENTITY, setup, random).publicKey()).isEqualTo(setup.publicKey());
    }

    @Test
    void records_snapshot_loadAndReencodeIdentically() throws OpaqueException {
        for (String name : new String[] {"record-argon2id-default.hex", "record-identity-ksf.hex"}) {
            byte[] encoded = snapshot(name);
            assertThat(encoded).as(name).hasSize(RegistrationRecord.LENGTH).hasSize(192);
            RegistrationRecord record = RegistrationRecord.decode(encoded);
            assertThat(record.encode()).as(name).isEqualTo(encoded);
        }
        assertThat(snapshot("record-argon2id-default.hex")).isNotEqualTo(snapshot("record-identity-ksf.hex"));
    }

    @Test
    void login_argon2idSnapshot_knownPasswordSucceeds() throws OpaqueException {
        ClientLoginResult result = login(ARGON2ID, "record-argon2id-default.hex", PASSWORD);

        assertThat(result.exportKey().revealBytes()).isEqualTo(snapshot("export-key-argon2id-default.hex"));
        assertThat(result.serverPublicKey()).isEqualTo(snapshot("server-public-key.hex"));
    }

    @Test
    void login_argon2idSnapshot_wrongPasswordFails() {
        assertThatThrownBy(() -> login(ARGON2ID, "record-argon2id-default.hex", WRONG_PASSWORD))
                .isInstanceOf(LoginFailedException.class);
    }

    @Test
    void login_identityKsfSnapshot_knownPasswordSucceeds() throws OpaqueException {
        ClientLoginResult result = login(IDENTITY, "record-identity-ksf.hex", PASSWORD);

        assertThat(result.exportKey().revealBytes()).isEqualTo(snapshot("export-key-identity-ksf.hex"));
        assertThat(result.serverPublicKey()).isEqualTo(snapshot("server-public-key.hex"));
    }

    @Test
    void login_identityKsfSnapshot_wrongPasswordFails() {
        assertThatThrownBy(() -> login(IDENTITY, "record-identity-ksf.hex", WRONG_PASSWORD))
                .isInstanceOf(LoginFailedException.class);
        assertThatThrownBy(() -> login(IDENTITY, "record-identity-ksf.hex", new byte[0]))
                .isInstanceOf(LoginFailedException.class);
    }

    @Test
    void login_snapshotWithOtherKsf_fails() {
        // The KSF is part of what a record was made with: the Argon2id record does not open without Argon2id.
        assertThatThrownBy(() -> login(IDENTITY, "record-argon2id-default.hex", PASSWORD))
                .isInstanceOf(LoginFailedException.class);
    }

    /**
     * A complete login of the snapshot user against the snapshot setup and the named record, over encoded
     * messages; returns the client's result once the server has accepted KE3 with the same session key.
     */
    private ClientLoginResult login(OpaqueConfig config, String recordName, byte[] password) throws OpaqueException {
        ServerSetup setup = ServerSetup.decode(snapshot("server-setup.hex"));
        RegistrationRecord record = RegistrationRecord.decode(snapshot(recordName));
        OpaqueServer server = new OpaqueServer(config, setup, random);
        OpaqueClient client = new OpaqueClient(config, random);

        ClientLogin login = client.startLogin(password);
        ServerLogin serverLogin =
                server.startLogin(record, Ke1.decode(login.ke1().encode()), USER, Identities.none());
        ClientLoginResult result = login.finish(Ke2.decode(serverLogin.ke2().encode()), Identities.none());
        SecretBytes serverSessionKey =
                serverLogin.finish(Ke3.decode(result.ke3().encode()));
        assertThat(serverSessionKey.equalsConstantTime(result.sessionKey())).isTrue();
        return result;
    }

    /** A committed snapshot file: one line of lowercase hex. */
    private static byte[] snapshot(String name) {
        try (InputStream in = StoredFormatSnapshotTest.class.getResourceAsStream("/snapshots/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource /snapshots/" + name);
            }
            return HexFormat.of().parseHex(new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
