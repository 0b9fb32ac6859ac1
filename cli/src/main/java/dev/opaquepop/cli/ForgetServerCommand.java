package dev.opaquepop.cli;

import dev.opaquepop.client.KnownServers;
import java.io.IOException;
import java.net.URI;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * Removes a server from the known-servers file, so that the next contact stores its key and KSF again. The one
 * way back after {@code server_key_mismatch} or {@code server_changed} when the change is legitimate.
 */
@Command(
        name = "forget-server",
        mixinStandardHelpOptions = true,
        description = {
            "Forget the key and KSF stored for --server at the first contact: the next command trusts whatever"
                    + " answers there, as at a first contact.",
            "Only after checking with the server's operator that the key or KSF really changed (or pin the key they"
                    + " give you with --server-key instead)."
        })
final class ForgetServerCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ClientOptions options = new ClientOptions();

    @Override
    public Integer call() {
        try {
            URI server = KnownServers.identity(options.server);
            boolean forgotten = KnownServers.file(options.knownServersFile()).forget(server);
            spec.commandLine()
                    .getOut()
                    .println((forgotten ? "forgot " : "nothing was stored for ") + server + " in "
                            + options.knownServersFile());
            return 0;
        } catch (IllegalArgumentException | IOException e) {
            spec.commandLine().getErr().println(spec.name() + ": " + e.getMessage());
            return 2;
        }
    }
}
