package dev.opaquepop.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opaquepop.client.ClientSession;
import dev.opaquepop.client.OpaquePopClient;
import dev.opaquepop.demo.DemoBankClient;
import dev.opaquepop.demo.TransferReceipt;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code opaque-pop call}, run in this process against a server in this process, with a session the SDK saved. */
class CallCommandTest {
    private static final byte[] PASSWORD = "correct horse battery staple".getBytes(UTF_8);

    @TempDir
    Path directory;

    private TestServer server;
    private OpaquePopClient client;
    private ClientSession session;
    private Path sessionFile;

    private record Run(int exitCode, String out, String err) {}

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(directory);
        client = server.client();
        client.register("alice", PASSWORD);
        client.register("bob", PASSWORD);
        session = client.login("alice", PASSWORD);
        sessionFile = directory.resolve("session.json");
        session.save(sessionFile);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void signedGet_printsTheAnswer() {
        Run me = call("GET", "/api/me");

        assertThat(me.exitCode()).as(me.err()).isZero();
        assertThat(me.out()).contains("\"username\":\"alice\"").endsWith("\n");
        assertThat(me.err()).isEmpty();
    }

    @Test
    void signedPost_withDataOrAFile_sendsExactlyThoseBytes() throws Exception {
        Run inline = call("post", "/api/transfer", "--data", "{\"to\":\"bob\",\"amount\":\"1.25\"}");
        Path file = directory.resolve("transfer.json");
        Files.writeString(file, "{\"to\":\"bob\",\"amount\":\"2.50\"}");
        Run fromFile = call("POST", "/api/transfer", "--data-file", file.toString());

        assertThat(inline.exitCode()).as(inline.err()).isZero();
        assertThat(fromFile.exitCode()).as(fromFile.err()).isZero();
        assertThat(new DemoBankClient(client).transfers(session))
                .extracting(TransferReceipt::amount)
                .containsExactly("1.25", "2.50");
        Run listed = call("GET", "/api/transfers");
        assertThat(listed.exitCode()).as(listed.err()).isZero();
        assertThat(listed.out()).contains("\"amount\":\"1.25\"", "\"amount\":\"2.50\"");
    }

    @Test
    void include_printsTheStatusAndHeadersFirst() {
        Run me = call("GET", "/api/me", "-i");

        assertThat(me.exitCode()).isZero();
        assertThat(me.out()).startsWith("HTTP 200\n").containsIgnoringCase("content-type: application/json");
        assertThat(me.out().indexOf("\n\n")).isLessThan(me.out().indexOf("\"username\""));
    }

    @Test
    void aRefusal_exits1_withTheStatusAndProblemCode() throws Exception {
        Run bad = call("POST", "/api/transfer", "--data", "{\"to\":\"bob\",\"amount\":\"-1\"}");
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.err()).isEqualTo("call: HTTP 400 invalid_request\n");
        assertThat(bad.out()).contains("\"code\":\"invalid_request\"");

        client.logout(session);
        Run ended = call("GET", "/api/me");
        assertThat(ended.exitCode()).isEqualTo(1);
        assertThat(ended.err()).isEqualTo("call: HTTP 401 unknown_session\n");
    }

    @Test
    void misuse_exits2_beforeAnythingIsSent() {
        Run relative = call("GET", "api/me");
        assertThat(relative.exitCode()).isEqualTo(2);
        assertThat(relative.err()).contains("TARGET is a path starting with '/'");

        Run both = call("POST", "/api/transfer", "--data", "{}", "--data-file", "x.json");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("mutually exclusive");

        Run noSession = run(
                "call",
                "GET",
                "/api/me",
                "--session-file",
                directory.resolve("none.json").toString());
        assertThat(noSession.exitCode()).isEqualTo(2);
        assertThat(noSession.err()).contains("not logged in");
    }

    private Run call(String... args) {
        List<String> all = new ArrayList<>(List.of("call"));
        all.addAll(List.of(args));
        all.addAll(List.of("--session-file", sessionFile.toString()));
        return run(all.toArray(String[]::new));
    }

    private Run run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--server", server.base().toString(), "--insecure-allow-weak-ksf"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.commandLine()
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(all.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }
}
