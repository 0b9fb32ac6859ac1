package dev.opaquepop.cli;

import dev.opaquepop.client.ClientSession;
import dev.opaquepop.client.OpaquePopClient;
import dev.opaquepop.client.OpaquePopClientException;
import dev.opaquepop.demo.DemoBankClient;
import dev.opaquepop.demo.TransferReceipt;
import dev.opaquepop.pop.PopKey;
import dev.opaquepop.pop.PopSigner;
import dev.opaquepop.pop.SignedRequest;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The guided tour: register, log in, make a signed transfer, then try each attack PoP exists to stop and show
 * the server refusing it. Works against any server speaking the protocol; exit code 0 only when every step
 * behaved as expected.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Register, log in, make a signed transfer, then show replay, stolen bearer id, tampered body, stale"
                    + " timestamp and wrong password all failing.",
            "Without --server, starts a server in this process on a free port with a temporary data directory."
        })
final class DemoCommand implements Callable<Integer> {
    private static final String TRANSFER = "/api/transfer";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--server", description = "Base URL of a running server (default: start one in-process).")
    URI server;

    @Option(
            names = "--cacert",
            description = "PEM file of the certificates to trust for an https:// --server (its self-signed"
                    + " certificate or a private CA) instead of the system's CAs.")
    Path cacert;

    @CommandLine.Mixin
    ClientPolicyOptions policy = new ClientPolicyOptions();

    @Option(names = "--username", description = "User to register (default: a fresh random name).")
    String username;

    @Option(names = "--password", description = "Password to use (default: a fresh random one).")
    String password;

    private final SecureRandom random = new SecureRandom();
    private PrintWriter out;
    private String current = "";
    private int failures;

    @Override
    public Integer call() throws Exception {
        out = spec.commandLine().getOut();
        String user = username != null ? username : "demo-" + HexFormat.of().formatHex(randomBytes(random, 6));
        byte[] secret = (password != null ? password : HexFormat.of().formatHex(randomBytes(random, 16)))
                .getBytes(StandardCharsets.UTF_8);
        if (server != null) {
            return tour(server, user, secret);
        }
        try (ScratchServer local = ScratchServer.start(settings -> settings)) {
            out.println("started a server in-process at " + local.uri() + " (data in " + local.data() + ")");
            return tour(local.uri(), user, secret);
        }
    }

    private int tour(URI base, String user, byte[] secret) throws IOException, InterruptedException {
        HttpClient http = TrustedCertificates.httpClient(cacert, Duration.ofSeconds(10));
        try (OpaquePopClient client = policy.applyTo(OpaquePopClient.builder(base))
                .httpClient(http)
                .progressListener(new ConsoleProgress(out))
                .build()) {
            out.println("demo against " + base + " as " + user);

            step("register " + user);
            client.register(user, secret);
            pass("server accepted the registration record (201)");

            step("log in with the right password");
            ClientSession session = client.login(user, secret);
            pass("session " + session.sessionId().substring(0, 8) + "... established, PoP key derived");

            step("signed transfer of 10.00 to bob");
            byte[] body = "{\"to\":\"bob\",\"amount\":\"10.00\"}".getBytes(StandardCharsets.UTF_8);
            PopSigner signer = new PopSigner(Clock.systemUTC(), random);
            SignedRequest signed = signer.sign(session.sessionId(), session.popKey(), "POST", TRANSFER, body);
            expect(send(http, base, signed, body), 200, null);

            step("replay the exact same request");
            expect(send(http, base, signed, body), 401, "replayed_nonce");

            step("stolen bearer id used without the PoP key");
            byte[] guessedKey = randomBytes(random, 32);
            SignedRequest stolen =
                    signer.sign(session.sessionId(), PopKey.fromBytes(guessedKey), "POST", TRANSFER, body);
            expect(send(http, base, stolen, body), 401, "invalid_signature");

            step("tampered body (signed 10.00 to bob, sent 9999.00 to mallory)");
            SignedRequest honest = signer.sign(session.sessionId(), session.popKey(), "POST", TRANSFER, body);
            byte[] tampered = "{\"to\":\"mallory\",\"amount\":\"9999.00\"}".getBytes(StandardCharsets.UTF_8);
            expect(send(http, base, honest, tampered), 401, "invalid_signature");

            step("stale timestamp (signed 10 minutes ago)");
            PopSigner late = new PopSigner(Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-10)), random);
            SignedRequest old = late.sign(session.sessionId(), session.popKey(), "POST", TRANSFER, body);
            expect(send(http, base, old, body), 401, "stale_timestamp");

            step("log in with a wrong password");
            try {
                client.login(user, "not the password".getBytes(StandardCharsets.UTF_8));
                fail("the login succeeded");
            } catch (OpaquePopClientException e) {
                if (OpaquePopClientException.LOGIN_FAILED.equals(e.code())) {
                    pass("login refused (" + e.code() + ")");
                } else {
                    fail("unexpected answer: " + e.getMessage());
                }
            }

            step("list transfers: exactly the one honest transfer");
            var transfers = new DemoBankClient(client).transfers(session);
            if (transfers.size() == 1 && transfers.get(0).to().equals("bob")) {
                TransferReceipt only = transfers.get(0);
                pass("1 transfer: " + only.from() + " -> " + only.to() + " " + only.amount());
            } else {
                fail(transfers.size() + " transfers");
            }

            step("log out");
            client.logout(session);
            pass("session ended (204)");
        } catch (OpaquePopClientException e) {
            fail("unexpected error: " + e.getMessage() + " (HTTP " + e.status() + ", " + e.code() + ")");
        }
        out.println(failures == 0 ? "all steps behaved as expected" : failures + " step(s) did NOT behave as expected");
        return failures == 0 ? 0 : 1;
    }

    private static HttpResponse<String> send(HttpClient http, URI base, SignedRequest signed, byte[] body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(TRANSFER))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        signed.headers().forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private void expect(HttpResponse<String> response, int status, String code) {
        String answer = "HTTP " + response.statusCode() + codeOf(response.body());
        boolean codeMatches = code == null || response.body().contains("\"code\":\"" + code + "\"");
        if (response.statusCode() == status && codeMatches) {
            pass("server answered " + answer);
        } else {
            fail("server answered " + answer + ", expected HTTP " + status + (code == null ? "" : " " + code));
        }
    }

    private static String codeOf(String body) {
        int at = body.indexOf("\"code\":\"");
        if (at < 0) {
            return "";
        }
        int start = at + 8;
        int end = body.indexOf('"', start);
        return end < 0 ? "" : " " + body.substring(start, end);
    }

    /** Starts a step; its one line is printed when the outcome is known (after any progress output). */
    private void step(String what) {
        current = what;
    }

    private void pass(String answer) {
        out.println("  [ok]   " + current + ": " + answer + " (expected)");
        out.flush();
    }

    private void fail(String answer) {
        failures++;
        out.println("  [FAIL] " + current + ": " + answer + " (UNEXPECTED)");
        out.flush();
    }

    private static byte[] randomBytes(SecureRandom random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }
}
