package dev.opaquepop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The executable's commands, run in-process. */
class CliTest {

    @Test
    void aCommandLineForOneSubcommand_parsesAndDescribesItExactlyAsTheFullOne() {
        Map<String, CommandLine> full = Main.commandLine().getSubcommands();
        assertThat(full).hasSize(16).containsKeys("server", "login", "call", "setup", "bench", "help");
        for (String name : full.keySet()) {
            if (name.equals("help")) {
                continue;
            }
            CommandLine one = Main.commandLine(name, "--some-option");
            assertThat(one.getSubcommands()).as(name).containsOnlyKeys(name);
            assertThat(one.getSubcommands().get(name).getUsageMessage())
                    .as(name)
                    .isEqualTo(full.get(name).getUsageMessage());
            assertThat(one.isCaseInsensitiveEnumValuesAllowed()).isTrue();
            assertThat(one.getSubcommands().get(name).isCaseInsensitiveEnumValuesAllowed())
                    .isTrue();
        }
        // Without a subcommand's name first, every one is there: the usage lists them, and a typo finds its match;
        // and help describes the others.
        for (String[] args : new String[][] {{}, {"--help"}, {"servr"}, {"help", "server"}}) {
            assertThat(Main.commandLine(args).getSubcommands()).hasSize(16);
        }
        CliRun help = CliRun.of("help", "server");
        assertThat(help.exitCode()).as(help.err()).isZero();
        assertThat(help.out()).isEqualTo(full.get("server").getUsageMessage());
        CliRun typo = CliRun.of("servr");
        assertThat(typo.exitCode()).isNotZero();
        assertThat(typo.err()).contains("server");
    }

    @Test
    void demo_inProcess_everyStepBehavesAsExpected() {
        CliRun run = CliRun.of("demo");
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out())
                .contains("replayed_nonce (expected)")
                .contains("invalid_signature (expected)")
                .contains("stale_timestamp (expected)")
                .contains("login refused (login_failed) (expected)")
                .contains("all steps behaved as expected")
                .doesNotContain("UNEXPECTED")
                .doesNotContain("[FAIL]");
    }

    @Test
    void trainStartupCache_runsTheTourAndTheLoad_andIsNotListed() {
        CliRun run = CliRun.of("train-startup-cache", "--logins", "12", "--threads", "3");
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(CliRun.of("--help").out()).doesNotContain("train-startup-cache");
        assertThat(CliRun.of("train-startup-cache", "--logins", "0").exitCode()).isEqualTo(2);
    }

    @Test
    void setup_printsA128ByteSetupAndItsPublicKey() {
        CliRun run = CliRun.of("setup");
        assertThat(run.exitCode()).isZero();
        assertThat(Base64.getUrlDecoder().decode(run.out().strip())).hasSize(128);
        assertThat(run.err()).startsWith("server public key: ");
    }

    @Test
    void bench_isNotInThisJar_andSaysWhereTheLoadGeneratorIs() {
        CliRun run = CliRun.of("bench", "logins", "--duration", "1s");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .contains("bin/opaque-pop bench logins --duration 1s")
                .contains("loadgen/target/opaque-pop-bench.jar logins --duration 1s");
        assertThat(CliRun.of("--help").out()).contains("bench");
    }

    @Test
    void server_rejectsInvalidOptionsWithAnActionableMessage() {
        CliRun run = CliRun.of("server", "--port", "70000");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--port must be between 0 and 65535");
    }

    @Test
    void server_rejectsInvalidLimitsAndProxiesNamingTheOption() {
        CliRun spec = CliRun.of("server", "--port", "0", "--login-limit-user", "5");
        assertThat(spec.exitCode()).isEqualTo(2);
        assertThat(spec.err()).contains("--login-limit-user takes tiers N/INTERVAL");
        CliRun proxies = CliRun.of("server", "--port", "0", "--trusted-proxies", "10.0.0.0/8,proxy.internal");
        assertThat(proxies.exitCode()).isEqualTo(2);
        assertThat(proxies.err()).contains("--trusted-proxies: 'proxy.internal' is not an IP address");
        CliRun known = CliRun.of("server", "--port", "0", "--known-address-ttl", "5");
        assertThat(known.exitCode()).isEqualTo(2);
        assertThat(known.err()).contains("--known-address-ttl must be 0 (off) or between 60 and");
        CliRun toggle = CliRun.of("server", "--port", "0", "--rate-limit", "maybe");
        assertThat(toggle.exitCode()).isEqualTo(2);
        assertThat(toggle.err()).contains("--rate-limit");
    }

    @Test
    void server_withSharedStorageButNoSetup_refusesToStart() {
        CliRun run = CliRun.of("server", "--port", "0", "--db-url", "jdbc:postgresql://127.0.0.1:5432/app");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("OPAQUE_POP_SERVER_SETUP").contains("--setup-file");
    }

    @Test
    void server_withUnreachableRedis_failsAtStartNamingItWithoutThePassword(@TempDir Path directory) throws Exception {
        Path setup = directory.resolve("setup");
        CliRun created = CliRun.of("setup");
        Files.writeString(setup, created.out().strip(), StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(setup, PosixFilePermissions.fromString("rw-------"));
        // Port 1 on loopback: nothing listens there, the connection is refused at once.
        CliRun run = CliRun.of(
                "server",
                "--port",
                "0",
                "--data",
                directory.resolve("data").toString(),
                "--setup-file",
                setup.toString(),
                "--redis-url",
                "redis://:hunter2-secret@127.0.0.1:1",
                "--redis-timeout",
                "1");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err())
                .contains("cannot connect to Redis at redis://127.0.0.1:1")
                .doesNotContain("hunter2");
    }

    @Test
    void clientCommand_withoutSession_saysToLogIn() {
        CliRun run = CliRun.of("me", "--session-file", "/nonexistent/opaque-pop-session.json");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("run 'opaque-pop login' first");
    }
}
