package dev.opaquepop.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opaquepop.server.http.OpaquePopServer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the server setup lives: by default beside the data directory, not in it (so a copy of the data directory
 * is not all offline guessing needs); a setup an earlier version left in the data directory moved out once, with
 * users still able to log in; a setup file others can read refused; and a lost setup never silently replaced
 * while users exist.
 */
class SetupFileIT {
    private static final byte[] PASSWORD = "correct horse battery staple".getBytes(UTF_8);

    @TempDir
    Path directory;

    private Path data() {
        return directory.resolve("data");
    }

    private Path defaultFile() {
        return directory.resolve("data-secrets").resolve("server-setup");
    }

    private Path legacyFile() {
        return data().resolve("server-setup");
    }

    private OpaquePopServer start(Consumer<ServerConfig.Builder> customize) throws Exception {
        ServerConfig.Builder builder =
                ServerConfig.builder().port(0).dataDirectory(data()).clientKsf(TestServer.TEST_KSF);
        customize.accept(builder);
        return OpaquePopServer.start(builder.build());
    }

    private static URI uri(OpaquePopServer server) {
        return URI.create("http://127.0.0.1:" + server.port());
    }

    @Test
    void byDefault_theSetupIsCreatedBesideTheDataDirectory_ownerOnly() throws Exception {
        try (OpaquePopServer server = start(b -> {})) {
            Requests.register(uri(server), "alice", PASSWORD);
        }
        assertThat(legacyFile()).doesNotExist();
        assertThat(defaultFile()).isRegularFile();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(defaultFile())))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(defaultFile().getParent())))
                .isEqualTo("rwx------");
        try (OpaquePopServer again = start(b -> {})) {
            Requests.login(uri(again), uri(again), "alice", PASSWORD);
        }
    }

    /** A deployment of an earlier version: its setup in the data directory, its users registered under it. */
    @Test
    void aSetupInTheDataDirectory_isMovedOut_andItsUsersStillLogIn() throws Exception {
        byte[] publicKey;
        String setup = SharedInfrastructure.newSetup();
        Files.createDirectories(data());
        Files.writeString(legacyFile(), setup + "\n", StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(legacyFile(), PosixFilePermissions.fromString("rw-------"));
        try (OpaquePopServer old = start(b -> b.setupFile(legacyFile()))) {
            Requests.register(uri(old), "alice", PASSWORD);
            publicKey = old.publicKey();
        }

        try (CapturedLogs logs = new CapturedLogs(ServerSetups.class);
                OpaquePopServer upgraded = start(b -> {})) {
            assertThat(logs.lines())
                    .anyMatch(line -> line.startsWith(
                            "WARN moved the server setup from " + legacyFile() + " to " + defaultFile()));
            assertThat(upgraded.publicKey()).isEqualTo(publicKey);
            Requests.login(uri(upgraded), uri(upgraded), "alice", PASSWORD);
        }
        assertThat(legacyFile()).as("moved, not copied").doesNotExist();
        assertThat(Files.readString(defaultFile(), StandardCharsets.US_ASCII).strip())
                .isEqualTo(setup);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(defaultFile())))
                .isEqualTo("rw-------");
    }

    @Test
    void aSetupInTheDataDirectory_isMovedToAnExplicitSetupFileThatDoesNotExistYet() throws Exception {
        Path explicit = directory.resolve("etc").resolve("setup");
        Path legacy = writeLegacy();
        try (OpaquePopServer old = start(b -> b.setupFile(legacy))) {
            Requests.register(uri(old), "alice", PASSWORD);
        }
        try (OpaquePopServer upgraded = start(b -> b.setupFile(explicit))) {
            Requests.login(uri(upgraded), uri(upgraded), "alice", PASSWORD);
        }
        assertThat(legacyFile()).doesNotExist();
        assertThat(explicit).isRegularFile();
    }

    @Test
    void theSameSetupInBothPlaces_leavesOneCopy_andTwoDifferentOnesAreRefused() throws Exception {
        writeLegacy();
        Files.createDirectories(defaultFile().getParent());
        Files.copy(legacyFile(), defaultFile(), java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        try (OpaquePopServer server = start(b -> {})) {
            assertThat(server.port()).isPositive();
        }
        assertThat(legacyFile()).doesNotExist();

        writeLegacy();
        assertThatThrownBy(() -> start(b -> {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("two different server setups")
                .hasMessageContaining(legacyFile().toString())
                .hasMessageContaining(defaultFile().toString());
        assertThat(legacyFile()).exists();
        assertThat(defaultFile()).exists();
    }

    @Test
    void aSetupFileOthersCanRead_isRefused_namingTheFileAndTheFix() throws Exception {
        for (String mode : new String[] {"rw-r-----", "rw----r--", "rw-rw----", "rw-------"}) {
            Path file = directory.resolve("setup-" + mode);
            Files.writeString(file, SharedInfrastructure.newSetup(), StandardCharsets.US_ASCII);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
            if (mode.equals("rw-------")) {
                try (OpaquePopServer server = start(b -> b.setupFile(file))) {
                    assertThat(server.port()).isPositive();
                }
                continue;
            }
            assertThatThrownBy(() -> start(b -> b.setupFile(file)))
                    .as(mode)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(file.toString())
                    .hasMessageContaining("chmod 600 " + file)
                    .hasMessageNotContaining(Files.readString(file, StandardCharsets.US_ASCII));
        }
    }

    @Test
    void theDefaultSetupFile_isCheckedToo() throws Exception {
        try (OpaquePopServer server = start(b -> {})) {
            assertThat(server.port()).isPositive();
        }
        Files.setPosixFilePermissions(defaultFile(), PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> start(b -> {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("chmod 600 " + defaultFile());
    }

    /** A lost setup file with users in the database: a new setup would lock them all out, so none is made. */
    @Test
    void aMissingSetup_isNotReplaced_whileUsersExist() throws Exception {
        try (OpaquePopServer server = start(b -> {})) {
            Requests.register(uri(server), "alice", PASSWORD);
        }
        Files.delete(defaultFile());
        assertThatThrownBy(() -> start(b -> {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("database already has users")
                .hasMessageContaining(defaultFile().toString());
        assertThat(defaultFile()).as("no new setup written").doesNotExist();
    }

    private Path writeLegacy() throws java.io.IOException {
        Files.createDirectories(data());
        Files.writeString(legacyFile(), SharedInfrastructure.newSetup() + "\n", StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(legacyFile(), PosixFilePermissions.fromString("rw-------"));
        return legacyFile();
    }
}
