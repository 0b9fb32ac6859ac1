package dev.opaquepop.cli;

import dev.opaquepop.client.ClientSession;
import dev.opaquepop.client.OpaquePopClient;
import dev.opaquepop.client.OpaquePopClientException;
import dev.opaquepop.opaque.Ksf;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The workload {@code bin/opaque-pop} runs once per build to train the JDK's ahead-of-time cache
 * (docs/deploy.md, "Start-up time"). The cache keeps the classes it saw loaded and linked and, since JDK 25, the
 * method profiles it gathered, so a server started from it compiles its hot paths as soon as they run instead of
 * after thousands of requests. What is trained is therefore what a server does all day: the demo tour once (the
 * CLI's own client with real Argon2id, each refusal), then many logins and signed calls from a few threads
 * against a server in this process, on a temporary data directory that is deleted afterwards.
 *
 * <p>The load's client skips password stretching ({@link Ksf#identityUnsafeForTestsOnly()}) for throwaway users on
 * a throwaway server: a server never runs the KSF, so the training's time goes to the server's code, not to Argon2id.
 */
@Command(
        name = "train-startup-cache",
        hidden = true,
        mixinStandardHelpOptions = true,
        description = "The start-up cache's training run (bin/opaque-pop runs it under -XX:AOTCacheOutput): a"
                + " server in this process, the demo tour, then --logins logins each with signed calls.")
final class TrainCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--logins", defaultValue = "1500", description = "Logins in all (default ${DEFAULT-VALUE}).")
    int logins;

    @Option(
            names = "--threads",
            defaultValue = "2",
            description = "Clients sending at once (default ${DEFAULT-VALUE}).")
    int threads;

    /** Signed calls after each login: enough that the PoP path is as hot, relative to logins, as in service. */
    private static final int CALLS_PER_LOGIN = 4;

    /** A login or registration limit no training run reaches. */
    private static final String UNREACHED = "1000000/1s";

    /** Distinct users, so that the per-user session cap and its trimming are part of what runs. */
    private static final int USERS = 8;

    @Override
    public Integer call() throws Exception {
        if (logins < 1 || threads < 1) {
            spec.commandLine().getErr().println("opaque-pop train-startup-cache: --logins and --threads must be >= 1");
            return 2;
        }
        // Limits stay on, as in service, so their checks are trained too; set high enough that none is reached.
        try (ScratchServer local = ScratchServer.start(settings -> settings.loginLimitUser(UNREACHED)
                .loginLimitAddress(UNREACHED)
                .loginLimitIpv6Block(UNREACHED)
                .registerLimitAddress(UNREACHED))) {
            URI base = local.uri();
            int tour = new CommandLine(new DemoCommand())
                    .setOut(new PrintWriter(Writer.nullWriter()))
                    .execute("--server", base.toString());
            if (tour != 0) {
                spec.commandLine().getErr().println("opaque-pop train-startup-cache: the demo tour failed");
                return 1;
            }
            load(base);
            return 0;
        }
    }

    /** {@link #logins} logins over {@link #threads} threads, each followed by signed calls and a logout. */
    private void load(URI base) throws OpaquePopClientException, InterruptedException {
        SecureRandom random = new SecureRandom();
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        try (OpaquePopClient client = OpaquePopClient.builder(base)
                .httpClient(http)
                .secureRandom(random)
                .ksfOverride(Ksf.identityUnsafeForTestsOnly())
                .build()) {
            List<String> users = new ArrayList<>();
            byte[] password = hex(random, 16).getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < USERS; i++) {
                String user = "training-" + i + "-" + hex(random, 4);
                client.register(user, password);
                users.add(user);
            }
            AtomicInteger next = new AtomicInteger();
            List<Thread> workers = new ArrayList<>();
            List<Exception> failures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                workers.add(Thread.ofVirtual().start(() -> {
                    try {
                        for (int i = next.getAndIncrement(); i < logins; i = next.getAndIncrement()) {
                            ClientSession session = client.login(users.get(i % USERS), password);
                            for (int call = 0; call < CALLS_PER_LOGIN; call++) {
                                client.call(session, "GET", "/api/me", null);
                            }
                            // Every other session is left to the per-user cap, which then ends the oldest.
                            if (i % 2 == 0) {
                                client.logout(session);
                            }
                        }
                    } catch (OpaquePopClientException | RuntimeException e) {
                        synchronized (failures) {
                            failures.add(e);
                        }
                    }
                }));
            }
            for (Thread worker : workers) {
                worker.join();
            }
            if (!failures.isEmpty()) {
                if (failures.get(0) instanceof OpaquePopClientException refused) {
                    throw refused;
                }
                throw new IllegalStateException("a training client failed", failures.get(0));
            }
        } finally {
            http.close();
        }
    }

    private static String hex(SecureRandom random, int bytes) {
        byte[] value = new byte[bytes];
        random.nextBytes(value);
        return HexFormat.of().formatHex(value);
    }
}
