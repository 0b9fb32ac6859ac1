package dev.opaquepop.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opaquepop.server.Requests.LoggedIn;
import dev.opaquepop.server.store.SessionIds;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Redis sealing keys of their own, rotated while sessions exist: values sealed under the old key still open
 * while it is listed, new ones are sealed under the new key, and once the old key is removed its values are
 * unknown sessions (a 401, never a 500) while users simply log in again, without registering again.
 */
class SealingKeyRotationIT {
    private static final byte[] PASSWORD = "correct horse battery staple".getBytes(UTF_8);

    @TempDir
    Path directory;

    private Namespace namespace;

    @BeforeEach
    void setUp() {
        SharedInfrastructure.assumeAvailable();
        namespace = SharedInfrastructure.newNamespace();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (namespace != null) {
            namespace.close();
        }
    }

    @Test
    void rotation_keepsOldSessionsOpenUntilTheOldKeyIsRemoved() throws Exception {
        String oldKey = SealingKeys.generate(Requests.RANDOM);
        String newKey = SealingKeys.generate(Requests.RANDOM);
        LoggedIn usedAcrossTheRotation;
        LoggedIn leftSealedUnderTheOldKey;
        LoggedIn sealedUnderTheNewKey;
        try (TestServer before = start("before", oldKey)) {
            Requests.register(before.uri(), "alice", PASSWORD);
            usedAcrossTheRotation = Requests.login(before.uri(), before.uri(), "alice", PASSWORD);
            leftSealedUnderTheOldKey = Requests.login(before.uri(), before.uri(), "alice", PASSWORD);
            assertThat(storedKeyId(leftSealedUnderTheOldKey)).isEqualTo(keyId(oldKey));
        }

        // The new key first, the old one still listed: every instance of a rolling restart can open both.
        try (TestServer during = start("during", newKey + "\n" + oldKey)) {
            assertThat(me(during, usedAcrossTheRotation).statusCode()).isEqualTo(200);
            sealedUnderTheNewKey = Requests.login(during.uri(), during.uri(), "alice", PASSWORD);
            assertThat(storedKeyId(sealedUnderTheNewKey)).isEqualTo(keyId(newKey));
            assertThat(me(during, sealedUnderTheNewKey).statusCode()).isEqualTo(200);
        }

        try (TestServer after = start("after", newKey)) {
            assertThat(me(after, sealedUnderTheNewKey).statusCode()).isEqualTo(200);
            Requests.assertProblem(me(after, leftSealedUnderTheOldKey), 401, "unknown_session");
            LoggedIn again = Requests.login(after.uri(), after.uri(), "alice", PASSWORD);
            assertThat(me(after, again).statusCode()).isEqualTo(200);
        }
    }

    /** An existing deployment (key derived from the setup) moves to a key of its own without a logout. */
    @Test
    void aDeploymentOnTheSetupDerivedKey_rotatesToAKeyOfItsOwn() throws Exception {
        String newKey = SealingKeys.generate(Requests.RANDOM);
        LoggedIn old;
        try (TestServer before = TestServer.start(directory.resolve("legacy"), namespace::configure)) {
            Requests.register(before.uri(), "bob", PASSWORD);
            old = Requests.login(before.uri(), before.uri(), "bob", PASSWORD);
        }
        try (TestServer during = start("during", newKey + "\n" + SealingKeys.SETUP_DERIVED)) {
            assertThat(me(during, old).statusCode()).isEqualTo(200);
            LoggedIn fresh = Requests.login(during.uri(), during.uri(), "bob", PASSWORD);
            assertThat(storedKeyId(fresh)).isEqualTo(keyId(newKey));
        }
    }

    @Test
    void unusableSealingKeyFiles_stopTheStart_namingTheFileNotTheKeys() throws Exception {
        String key = SealingKeys.generate(Requests.RANDOM);
        Path readable = directory.resolve("readable");
        Files.writeString(readable, key + "\n", StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(readable, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> TestServer.start(directory.resolve("r"), b -> {
                    namespace.configure(b);
                    b.sealKeyFile(readable);
                }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("chmod 600 " + readable)
                .hasMessageNotContaining(key);
        for (String content : new String[] {
            "# only a comment\n", key.substring(0, 20) + "\n", key + "\n" + "not base64!\n", key + "\n" + key + "\n"
        }) {
            Path file = secretFile("bad", content);
            assertThatThrownBy(() -> TestServer.start(directory.resolve("b"), b -> {
                        namespace.configure(b);
                        b.sealKeyFile(file);
                    }))
                    .as(content)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(file.toString())
                    .hasMessageNotContaining(key);
        }
    }

    // ---- helpers

    private TestServer start(String name, String keys) throws Exception {
        Path file = secretFile(name + ".keys", "# first seals, all open\n" + keys + "\n");
        return TestServer.start(directory.resolve(name), b -> {
            namespace.configure(b);
            b.sealKeyFile(file);
        });
    }

    private Path secretFile(String name, String content) throws Exception {
        Path file = directory.resolve(name);
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, content, StandardCharsets.US_ASCII);
        return file;
    }

    private static HttpResponse<String> me(TestServer server, LoggedIn session) throws Exception {
        return Requests.signed(server.uri(), session, "GET", "/api/me", "");
    }

    /** The key id a stored session value carries (bytes 1 to 8, after the version). */
    private String storedKeyId(LoggedIn session) {
        byte[] value =
                namespace.redis().get(namespace.prefix + "{s:" + SessionIds.hash(session.sessionId()) + "}:session");
        return HexFormat.of().formatHex(Arrays.copyOfRange(value, 1, 9));
    }

    private static String keyId(String base64url) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256")
                .digest(Base64.getUrlDecoder().decode(base64url));
        return HexFormat.of().formatHex(digest, 0, 8);
    }
}
