package dev.opaquepop.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.opaquepop.pop.Base64Url;
import dev.opaquepop.pop.PopKey;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientSessionTest {
    private static final String SESSION_ID = "QEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaW1xdXl8";
    private static final byte[] KEY =
            HexFormat.of().parseHex("55b21e3632b5804342901913340825eb3fd45d97b4bea09eb06cd03187eb8454");

    @TempDir
    Path dir;

    private ClientSession session;

    @BeforeEach
    void create() {
        session = new ClientSession(
                SESSION_ID,
                "alice",
                PopKey.fromBytes(KEY),
                Instant.ofEpochSecond(1_767_226_500L),
                URI.create("https://bank.example/"));
    }

    @Test
    void saveThenLoad_roundTrips() throws IOException {
        Path file = dir.resolve("session.json");
        session.save(file);
        ClientSession loaded = ClientSession.load(file);
        assertThat(loaded.sessionId()).isEqualTo(SESSION_ID);
        assertThat(loaded.username()).isEqualTo("alice");
        assertThat(loaded.popKey().secret().revealBytes()).isEqualTo(KEY);
        assertThat(loaded.expiresAt()).isEqualTo(Instant.ofEpochSecond(1_767_226_500L));
        assertThat(loaded.server()).isEqualTo(URI.create("https://bank.example"));
    }

    @Test
    void save_writesTheDocumentedJson() throws Exception {
        Path file = dir.resolve("session.json");
        session.save(file);
        var json = Json.readObject(Files.readAllBytes(file));
        assertThat(Json.text(json, "format")).isEqualTo("opaque-pop-session-v1");
        assertThat(Json.text(json, "server")).isEqualTo("https://bank.example");
        assertThat(Json.text(json, "session_id")).isEqualTo(SESSION_ID);
        assertThat(Json.integer(json, "expires_at")).isEqualTo(1_767_226_500L);
        assertThat(Json.text(json, "pop_key")).isEqualTo("VbIeNjK1gENCkBkTNAgl6z_UXZe0vqCesGzQMYfrhFQ");
    }

    @Test
    void save_fileIsOwnerReadWriteOnly() throws IOException {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX file system");
        Path file = dir.resolve("session.json");
        session.save(file);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
    }

    @Test
    void save_overAWorldReadableFile_replacesItWithAnOwnerOnlyOne() throws IOException {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX file system");
        Path file = dir.resolve("session.json");
        Files.writeString(file, "old");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        session.save(file);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        assertThat(ClientSession.load(file).sessionId()).isEqualTo(SESSION_ID);
    }

    @Test
    void save_leavesNoTemporaryFileBehind() throws IOException {
        session.save(dir.resolve("session.json"));
        session.save(dir.resolve("session.json"));
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(dir.resolve("session.json"));
        }
    }

    @Test
    void load_missingOrBrokenFields_ioExceptionNamingTheFieldNotTheValue() throws IOException {
        Path file = dir.resolve("session.json");
        String good = "\"format\":\"opaque-pop-session-v1\",\"server\":\"https://bank.example\",\"username\":\"a\","
                + "\"session_id\":\"" + SESSION_ID + "\",\"expires_at\":1767226500";
        assertLoadFails(file, "{" + good + "}", "pop_key");
        assertLoadFails(file, "{" + good + ",\"pop_key\":\"c2VjcmV0\"}", "pop_key must be 32 bytes");
        assertLoadFails(file, "{" + good + ",\"pop_key\":\"!!secret!!\"}", "pop_key");
        assertLoadFails(file, "{\"format\":\"other\"}", "unknown format");
        assertLoadFails(file, "[]", "not a JSON object");
        assertLoadFails(file, "{", "not valid JSON");
        assertLoadFails(
                file,
                "{" + good.replace("https://bank.example", "ftp://x") + ",\"pop_key\":\"" + Base64Url.encode(KEY)
                        + "\"}",
                "out of range");
    }

    @Test
    void load_noFile_ioException() {
        assertThatThrownBy(() -> ClientSession.load(dir.resolve("absent.json"))).isInstanceOf(IOException.class);
    }

    @Test
    void toString_isRedacted() {
        assertThat(session.toString())
                .contains("alice")
                .doesNotContain(SESSION_ID)
                .doesNotContain(Base64Url.encode(KEY))
                .doesNotContain(HexFormat.of().formatHex(KEY));
    }

    @Test
    void isExpiredAt_expiresAtTheInstant() {
        assertThat(session.isExpiredAt(Instant.ofEpochSecond(1_767_226_499L))).isFalse();
        assertThat(session.isExpiredAt(Instant.ofEpochSecond(1_767_226_500L))).isTrue();
    }

    private static void assertLoadFails(Path file, String content, String messagePart) throws IOException {
        Files.write(file, content.getBytes(UTF_8));
        assertThatThrownBy(() -> ClientSession.load(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(messagePart)
                .hasMessageNotContaining("c2VjcmV0")
                .hasMessageNotContaining("!!secret!!");
    }
}
