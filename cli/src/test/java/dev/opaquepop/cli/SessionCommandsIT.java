package dev.opaquepop.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opaquepop.client.ClientSession;
import dev.opaquepop.client.KnownServer;
import dev.opaquepop.client.KnownServers;
import dev.opaquepop.client.OpaquePopClient;
import dev.opaquepop.client.OpaquePopClientException;
import dev.opaquepop.demo.DemoBankClient;
import dev.opaquepop.pop.Base64Url;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sessions}, {@code passwd}, {@code delete-account} and {@code logout --all} as a person runs them: the
 * executable in a child JVM (so passwords come from the environment, and the confirmation from standard input),
 * against a server in this process, checked through the SDK.
 */
class SessionCommandsIT {
    private static final byte[] PASSWORD = "correct horse battery staple".getBytes(UTF_8);
    private static final String NEW_PASSWORD = "a brand new password";

    @TempDir
    Path directory;

    private TestServer server;
    private URI base;
    private OpaquePopClient client;
    private DemoBankClient bank;

    private record Run(int exitCode, String out) {}

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(directory);
        base = server.base();
        client = server.client();
        bank = new DemoBankClient(client);
        client.register("alice", PASSWORD);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void sessions_listsAndEndsOne() throws Exception {
        Path file = saved(client.login("alice", PASSWORD), "mine.json");
        ClientSession other = client.login("alice", PASSWORD);

        Run list = cli(Map.of(), null, "sessions", "--session-file", file.toString());
        assertThat(list.exitCode()).as(list.out()).isZero();
        String mine = ClientSession.load(file).sessionId().substring(0, 8);
        assertThat(list.out())
                .contains("ID", "CREATED", "LAST USED", "ADDRESS")
                .contains(mine)
                .contains(other.sessionId().substring(0, 8))
                .contains("127.0.0.1  (this session)")
                .doesNotContain(other.sessionId());

        Run end = cli(
                Map.of(),
                null,
                "sessions",
                "--session-file",
                file.toString(),
                "--end",
                other.sessionId().substring(0, 8));
        assertThat(end.exitCode()).as(end.out()).isZero();
        assertThatThrownBy(() -> bank.me(other))
                .isInstanceOfSatisfying(
                        OpaquePopClientException.class,
                        e -> assertThat(e.code()).isEqualTo("unknown_session"));
        assertThat(client.sessions(ClientSession.load(file))).hasSize(1);
    }

    @Test
    void passwd_logsInAgain_changesThePassword_andKeepsOnlyTheNewSession() throws Exception {
        Path file = saved(client.login("alice", PASSWORD), "mine.json");
        ClientSession other = client.login("alice", PASSWORD);

        Run run = cli(
                Map.of("OPAQUE_POP_PASSWORD", new String(PASSWORD, UTF_8), "OPAQUE_POP_NEW_PASSWORD", NEW_PASSWORD),
                null,
                "passwd",
                "--session-file",
                file.toString());
        assertThat(run.exitCode()).as(run.out()).isZero();
        assertThat(run.out()).contains("password changed for alice").doesNotContain(NEW_PASSWORD);

        assertThatThrownBy(() -> bank.me(other)).isInstanceOf(OpaquePopClientException.class);
        assertThat(bank.me(ClientSession.load(file)).username())
                .as("the saved session is the new login's")
                .isEqualTo("alice");
        assertThatThrownBy(() -> client.login("alice", PASSWORD))
                .isInstanceOfSatisfying(
                        OpaquePopClientException.class,
                        e -> assertThat(e.code()).isEqualTo("login_failed"));
        assertThat(client.login("alice", NEW_PASSWORD.getBytes(UTF_8)).username())
                .isEqualTo("alice");

        Run wrong = cli(
                Map.of("OPAQUE_POP_PASSWORD", "not it", "OPAQUE_POP_NEW_PASSWORD", "whatever"),
                null,
                "passwd",
                "--username",
                "alice",
                "--session-file",
                directory.resolve("none.json").toString());
        assertThat(wrong.exitCode()).isEqualTo(1);
        assertThat(wrong.out()).contains("login_failed");
    }

    @Test
    void logoutAll_endsEverySession_andDeletesTheFile() throws Exception {
        Path file = saved(client.login("alice", PASSWORD), "mine.json");
        ClientSession other = client.login("alice", PASSWORD);
        Run run = cli(Map.of(), null, "logout", "--all", "--session-file", file.toString());
        assertThat(run.exitCode()).as(run.out()).isZero();
        assertThat(file).doesNotExist();
        assertThatThrownBy(() -> bank.me(other))
                .isInstanceOfSatisfying(
                        OpaquePopClientException.class,
                        e -> assertThat(e.code()).isEqualTo("unknown_session"));
    }

    @Test
    void deleteAccount_asksForConfirmation_thenDeletesEverything() throws Exception {
        Path file = saved(client.login("alice", PASSWORD), "mine.json");
        Map<String, String> password = Map.of("OPAQUE_POP_PASSWORD", new String(PASSWORD, UTF_8));

        // A wrong answer (or, before JDK 22, no terminal at all) changes nothing.
        Run refused = cli(password, "bob\n", "delete-account", "--session-file", file.toString());
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.out()).containsAnyOf("not confirmed", "no terminal to confirm on");
        assertThat(bank.me(ClientSession.load(file)).username()).isEqualTo("alice");

        Run deleted = cli(password, null, "delete-account", "--yes", "--session-file", file.toString());
        assertThat(deleted.exitCode()).as(deleted.out()).isZero();
        assertThat(deleted.out()).contains("deleted account alice");
        assertThat(file).doesNotExist();
        assertThatThrownBy(() -> client.login("alice", PASSWORD))
                .isInstanceOfSatisfying(
                        OpaquePopClientException.class,
                        e -> assertThat(e.code()).isEqualTo("login_failed"));
        client.register("alice", "someone new".getBytes(UTF_8));
    }

    private Path saved(ClientSession session, String name) throws IOException {
        Path file = directory.resolve(name);
        session.save(file);
        return file;
    }

    @Test
    void theDefaultPolicy_refusesTheCheapTestServer_beforeAnyPasswordIsSent() throws Exception {
        Path file = directory.resolve("strict").resolve("session.json");
        Run refused = cliStrict(
                Map.of("OPAQUE_POP_PASSWORD", new String(PASSWORD, UTF_8)),
                "login",
                "--username",
                "alice",
                "--session-file",
                file.toString());
        assertThat(refused.exitCode()).as(refused.out()).isEqualTo(1);
        assertThat(refused.out())
                .contains("weak_ksf", "memory 1024 KiB", "at least 65536 KiB", "--insecure-allow-weak-ksf");
        assertThat(file).doesNotExist();
    }

    @Test
    void login_remembersTheServer_andRefusesAnotherKeyLater() throws Exception {
        Path file = directory.resolve("tofu").resolve("session.json");
        Map<String, String> env = Map.of("OPAQUE_POP_PASSWORD", new String(PASSWORD, UTF_8));
        Run first = cli(env, null, "login", "--username", "alice", "--session-file", file.toString());
        assertThat(first.exitCode()).as(first.out()).isZero();
        Path known = file.resolveSibling("known-servers.json");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(known)))
                .isEqualTo("rw-------");
        String key = Base64Url.encode(client.serverInfo().serverPublicKey());
        assertThat(Files.readString(known)).contains(base.toString(), key);

        // What a client sees when another server answers in this one's place: a key it has not stored.
        byte[] other = client.serverInfo().serverPublicKey();
        other[0] ^= 1;
        Files.writeString(known, Files.readString(known).replace(key, Base64Url.encode(other)));
        Run later = cli(env, null, "login", "--username", "alice", "--session-file", file.toString());
        assertThat(later.exitCode()).as(later.out()).isEqualTo(1);
        assertThat(later.out()).contains("server_key_mismatch", "than at first contact", known.toString());
    }

    @Test
    void forgetServer_letsTheNextLoginTrustTheServerAgain() throws Exception {
        Path file = directory.resolve("forget").resolve("session.json");
        Map<String, String> env = Map.of("OPAQUE_POP_PASSWORD", new String(PASSWORD, UTF_8));
        Path known = file.resolveSibling("known-servers.json");
        byte[] other = client.serverInfo().serverPublicKey();
        other[0] ^= 1;
        // What an earlier first contact with another server left behind.
        KnownServers.file(known)
                .remember(base, new KnownServer(other, client.serverInfo().ksf()));
        Run refused = cli(env, null, "login", "--username", "alice", "--session-file", file.toString());
        assertThat(refused.exitCode()).as(refused.out()).isEqualTo(1);
        assertThat(refused.out()).contains("server_key_mismatch", "opaque-pop forget-server --server " + base);

        Run forgot = cli(env, null, "forget-server", "--session-file", file.toString());
        assertThat(forgot.exitCode()).as(forgot.out()).isZero();
        assertThat(forgot.out()).contains("forgot " + base);
        Run again = cli(env, null, "forget-server", "--session-file", file.toString());
        assertThat(again.out()).contains("nothing was stored for " + base);

        Run login = cli(env, null, "login", "--username", "alice", "--session-file", file.toString());
        assertThat(login.exitCode()).as(login.out()).isZero();
        byte[] key = client.serverInfo().serverPublicKey();
        assertThat(KnownServers.file(known).find(base))
                .hasValueSatisfying(k -> assertThat(k.publicKey()).isEqualTo(key));
    }

    @Test
    void theServer_isCheckedBeforeAPasswordIsAskedFor() throws Exception {
        // No password in the environment and nothing on standard input: a prompt would fail with "no password".
        Run refused = cliStrict(
                Map.of(),
                "register",
                "--username",
                "bob",
                "--session-file",
                directory.resolve("s.json").toString());
        assertThat(refused.exitCode()).as(refused.out()).isEqualTo(1);
        assertThat(refused.out()).contains("weak_ksf").doesNotContain("no password entered", "no terminal");
    }

    @Test
    void aPinnedServerKey_mustMatchFromTheFirstContact() throws Exception {
        Map<String, String> env = Map.of("OPAQUE_POP_PASSWORD", new String(PASSWORD, UTF_8));
        Path file = directory.resolve("pinned").resolve("session.json");
        String[] login = {"login", "--username", "alice", "--session-file", file.toString(), "--server-key"};
        Run wrong = cli(env, null, with(login, Base64Url.encode(new byte[32])));
        assertThat(wrong.exitCode()).as(wrong.out()).isEqualTo(1);
        assertThat(wrong.out())
                .contains("server_key_mismatch", "pinned", "check the --server-key you gave")
                .doesNotContain("forget-server");

        Run right =
                cli(env, null, with(login, Base64Url.encode(client.serverInfo().serverPublicKey())));
        assertThat(right.exitCode()).as(right.out()).isZero();
    }

    @Test
    void plainHttp_toAnotherMachine_isRefused() throws Exception {
        Run refused = cliAsGiven(
                Map.of("OPAQUE_POP_PASSWORD", new String(PASSWORD, UTF_8)),
                null,
                "login",
                "--username",
                "alice",
                "--session-file",
                directory.resolve("remote.json").toString(),
                "--server",
                "http://192.0.2.10:8080");
        assertThat(refused.exitCode()).as(refused.out()).isEqualTo(2);
        assertThat(refused.out()).contains("refusing plain http:// to 192.0.2.10");
    }

    /**
     * The executable's main class in a child JVM with {@code environment} and {@code input} on standard input,
     * against the test server, whose KSF is cheap on purpose (below what the CLI accepts by default).
     */
    private Run cli(Map<String, String> environment, String input, String... args)
            throws IOException, InterruptedException {
        return cliAsGiven(environment, input, with(args, "--server", base.toString(), "--insecure-allow-weak-ksf"));
    }

    /** The CLI with its default client policy against the test server. */
    private Run cliStrict(Map<String, String> environment, String... args) throws IOException, InterruptedException {
        return cliAsGiven(environment, null, with(args, "--server", base.toString()));
    }

    private static String[] with(String[] args, String... more) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    private Run cliAsGiven(Map<String, String> environment, String input, String... args)
            throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(
                java.toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("OPAQUE_POP_PASSWORD");
        builder.environment().remove("OPAQUE_POP_NEW_PASSWORD");
        builder.environment().putAll(environment);
        builder.environment().put("OPAQUE_POP_LOG_LEVEL", "WARN");
        Process process = builder.start();
        try (OutputStream stdin = process.getOutputStream()) {
            if (input != null) {
                stdin.write(input.getBytes(UTF_8));
            }
        }
        String out = new String(process.getInputStream().readAllBytes(), UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS))
                .as("the command finished")
                .isTrue();
        return new Run(process.exitValue(), out);
    }
}
