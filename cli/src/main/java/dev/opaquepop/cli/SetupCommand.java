package dev.opaquepop.cli;

import dev.opaquepop.opaque.ServerSetup;
import dev.opaquepop.server.SealingKeys;
import dev.opaquepop.server.ServerSetups;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Prints a fresh server setup, for OPAQUE_POP_SERVER_SETUP or a setup file shared by several instances. */
@Command(
        name = "setup",
        mixinStandardHelpOptions = true,
        description = {
            "Print a new server setup (base64url, opaque-ke format) on standard output and its public key on"
                    + " standard error.",
            "The setup is a secret: whoever has it can run offline guesses against stolen records.",
            "With --seal-key, print a new Redis sealing key instead (a line for --seal-key-file)."
        })
final class SetupCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--seal-key",
            description = "Print a new random Redis sealing key (base64url of 32 bytes) instead of a setup.")
    boolean sealKey;

    @Override
    public Integer call() {
        if (sealKey) {
            spec.commandLine().getOut().println(SealingKeys.generate(new SecureRandom()));
            return 0;
        }
        ServerSetup setup = ServerSetup.generate(new SecureRandom());
        spec.commandLine().getOut().println(ServerSetups.encode(setup));
        spec.commandLine()
                .getErr()
                .println("server public key: "
                        + Base64.getUrlEncoder().withoutPadding().encodeToString(setup.publicKey()));
        return 0;
    }
}
