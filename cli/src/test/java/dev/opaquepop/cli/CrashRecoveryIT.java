package dev.opaquepop.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opaquepop.client.ClientSession;
import dev.opaquepop.client.OpaquePopClient;
import dev.opaquepop.client.OpaquePopClientException;
import dev.opaquepop.demo.DemoBankClient;
import dev.opaquepop.demo.TransferReceipt;
import dev.opaquepop.opaque.Argon2idKsf;
import dev.opaquepop.opaque.Ksf;
import dev.opaquepop.testfixtures.FreePort;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server process is killed with SIGKILL while registrations and transfers are in flight. After a restart
 * every acknowledged registration and transfer is there, and every acknowledged user can log in.
 */
class CrashRecoveryIT {
    /** The server never runs the KSF; a cheap one keeps many registrations per second possible. */
    private static final Ksf CHEAP = Argon2idKsf.of(1024, 1, 1);

    @TempDir
    Path data;

    @Test
    void sigkillDuringWrites_losesNothingAcknowledged() throws Exception {
        int port = FreePort.pick();
        URI base = URI.create("http://127.0.0.1:" + port);
        Map<String, byte[]> registered = new ConcurrentHashMap<>();
        Map<String, Set<String>> transfersByUser = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();

        Process server = startServer(port);
        try (OpaquePopClient client = client(base)) {
            ClientSession payer = registerAndLogin(client, "payer", registered);
            List<Future<?>> workers = new ArrayList<>();
            try (ExecutorService load = Executors.newFixedThreadPool(4)) {
                for (int worker = 0; worker < 2; worker++) {
                    int id = worker;
                    workers.add(load.submit(() -> registerUntilStopped(client, "w" + id + "-", registered, stop)));
                    workers.add(load.submit(() -> transferUntilStopped(client, payer, transfersByUser, stop)));
                }
                // Kill without warning once writes are flowing on every worker (not after a fixed sleep: what
                // matters is that acknowledged writes exist and more are in flight, however fast this machine is).
                awaitAcknowledged(registered, transfersByUser);
                server.destroyForcibly();
                assertThat(server.waitFor(10, TimeUnit.SECONDS)).isTrue();
                stop.set(true);
            }
            for (Future<?> worker : workers) {
                worker.get(); // a worker's own failure (not the server going away) fails the test
            }
        } finally {
            server.destroyForcibly();
        }
        assertThat(registered.size())
                .as("registrations acknowledged before the kill")
                .isGreaterThan(2);
        assertThat(transfersByUser.getOrDefault("payer", Set.of()))
                .as("transfers acknowledged")
                .isNotEmpty();

        Process restarted = startServer(port);
        try (OpaquePopClient client = client(base)) {
            for (Map.Entry<String, byte[]> user : registered.entrySet()) {
                ClientSession session = client.login(user.getKey(), user.getValue());
                assertThat(session.username()).isEqualTo(user.getKey());
            }
            ClientSession payer = client.login("payer", registered.get("payer"));
            List<String> stored = new DemoBankClient(client)
                    .transfers(payer).stream().map(TransferReceipt::transferId).toList();
            assertThat(stored).containsAll(transfersByUser.get("payer"));
        } finally {
            restarted.destroy();
            restarted.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Waits for a few dozen acknowledged registrations and transfers: both kinds of write are then in flight. */
    private static void awaitAcknowledged(Map<String, byte[]> registered, Map<String, Set<String>> transfers)
            throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(30);
        while ((registered.size() < 24
                        || transfers.getOrDefault("payer", Set.of()).size() < 24)
                && Instant.now().isBefore(deadline)) {
            Thread.sleep(10);
        }
    }

    private static void registerUntilStopped(
            OpaquePopClient client, String prefix, Map<String, byte[]> registered, AtomicBoolean stop) {
        for (int i = 0; !stop.get(); i++) {
            String name = prefix + i;
            byte[] password = ("pw-" + name).getBytes(UTF_8);
            try {
                client.register(name, password);
                registered.put(name, password);
            } catch (OpaquePopClientException e) {
                return; // the server is gone: what was acknowledged is recorded
            }
        }
    }

    private static void transferUntilStopped(
            OpaquePopClient client, ClientSession payer, Map<String, Set<String>> transfers, AtomicBoolean stop) {
        DemoBankClient bank = new DemoBankClient(client);
        while (!stop.get()) {
            try {
                TransferReceipt receipt = bank.transfer(payer, "bob", "1.00");
                transfers
                        .computeIfAbsent("payer", k -> ConcurrentHashMap.newKeySet())
                        .add(receipt.transferId());
            } catch (OpaquePopClientException e) {
                return;
            }
        }
    }

    private static ClientSession registerAndLogin(OpaquePopClient client, String name, Map<String, byte[]> registered)
            throws OpaquePopClientException {
        byte[] password = ("pw-" + name).getBytes(UTF_8);
        client.register(name, password);
        registered.put(name, password);
        return client.login(name, password);
    }

    private static OpaquePopClient client(URI base) {
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        return OpaquePopClient.builder(base)
                .httpClient(http)
                .requestTimeout(Duration.ofSeconds(10))
                .ksfOverride(CHEAP)
                .build();
    }

    /** The real executable's main class, in a child JVM, so SIGKILL hits a whole server process. */
    private Process startServer(int port) throws IOException, InterruptedException {
        List<String> command = ChildCli.command(
                "server",
                "--port",
                Integer.toString(port),
                "--data",
                data.resolve("data").toString(),
                // Registrations as fast as two threads can go, from one address: far beyond the default limit,
                // which is not what this test is about (the login limits stay at their defaults).
                "--register-limit-address",
                "100000/1s");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("OPAQUE_POP_LOG_LEVEL", "WARN");
        builder.redirectOutput(
                data.resolveSibling(data.getFileName() + "-server.log").toFile());
        Process process = builder.start();
        awaitHealthy(URI.create("http://127.0.0.1:" + port + "/healthz"), process);
        return process;
    }

    private static void awaitHealthy(URI health, Process process) throws InterruptedException, IOException {
        HttpClient http = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IOException("the server exited with " + process.exitValue());
            }
            try {
                if (http.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(100);
        }
        throw new IOException("the server did not become healthy in 60 s");
    }
}
