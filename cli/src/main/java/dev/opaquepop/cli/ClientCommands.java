package dev.opaquepop.cli;

import dev.opaquepop.client.ClientSession;
import dev.opaquepop.client.Me;
import dev.opaquepop.client.OpaquePopClient;
import dev.opaquepop.client.OpaquePopClientException;
import dev.opaquepop.client.TransferReceipt;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The commands for a person at a terminal: register, login, transfer, me, logout. */
final class ClientCommands {
    private ClientCommands() {}

    /** Shared plumbing: client construction, error reporting as one line and an exit code. */
    abstract static class Base implements Callable<Integer> {
        private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        ClientOptions options = new ClientOptions();

        abstract int run(OpaquePopClient client) throws OpaquePopClientException, IOException;

        @Override
        public Integer call() {
            try (HttpClient http = TrustedCertificates.httpClient(options.cacert, CONNECT_TIMEOUT);
                    OpaquePopClient client = OpaquePopClient.builder(options.server)
                            .httpClient(http)
                            .progressListener(
                                    new ConsoleProgress(spec.commandLine().getErr()))
                            .build()) {
                return run(client);
            } catch (OpaquePopClientException e) {
                // The message already carries the HTTP status and the problem code.
                spec.commandLine().getErr().println(spec.name() + ": " + e.getMessage() + hint(e));
                return 1;
            } catch (IllegalArgumentException | IOException e) {
                spec.commandLine().getErr().println(spec.name() + ": " + e.getMessage());
                return 2;
            }
        }

        private String hint(OpaquePopClientException e) {
            if (e.code().equals(OpaquePopClientException.TLS_ERROR) && options.cacert == null) {
                return System.lineSeparator()
                        + "(a self-signed or private-CA server certificate must be given with --cacert PEM)";
            }
            return "";
        }

        ClientSession session() throws IOException {
            if (!Files.exists(options.sessionFile)) {
                throw new IllegalArgumentException(
                        "not logged in: no session at " + options.sessionFile + " (run 'opaque-pop login' first)");
            }
            return ClientSession.load(options.sessionFile);
        }
    }

    @Command(name = "register", mixinStandardHelpOptions = true, description = "Register a new user.")
    static final class Register extends Base {
        @Option(names = "--username", required = true, description = "The user name to register.")
        String username;

        @Override
        int run(OpaquePopClient client) throws OpaquePopClientException, IOException {
            byte[] password = Passwords.read("new password for " + username, true);
            try {
                client.register(username, password);
            } finally {
                Arrays.fill(password, (byte) 0);
            }
            spec.commandLine().getOut().println("registered " + username + " at " + options.server);
            return 0;
        }
    }

    @Command(
            name = "login",
            mixinStandardHelpOptions = true,
            description = "Log in and keep the session (id and PoP key) in the session file, mode 0600.")
    static final class Login extends Base {
        @Option(names = "--username", required = true, description = "The user name.")
        String username;

        @Override
        int run(OpaquePopClient client) throws OpaquePopClientException, IOException {
            byte[] password = Passwords.read("password for " + username, false);
            ClientSession session;
            try {
                session = client.login(username, password);
            } finally {
                Arrays.fill(password, (byte) 0);
            }
            session.save(options.sessionFile);
            spec.commandLine()
                    .getOut()
                    .println("logged in as " + username + "; session expires at " + session.expiresAt() + "; saved to "
                            + options.sessionFile);
            return 0;
        }
    }

    @Command(name = "transfer", mixinStandardHelpOptions = true, description = "Make a PoP-signed transfer.")
    static final class Transfer extends Base {
        @Option(names = "--to", required = true, description = "Recipient user name.")
        String to;

        @Option(names = "--amount", required = true, description = "Amount, e.g. 12.50.")
        String amount;

        @Override
        int run(OpaquePopClient client) throws OpaquePopClientException, IOException {
            TransferReceipt receipt = client.transfer(session(), to, amount);
            spec.commandLine()
                    .getOut()
                    .println("transfer " + receipt.transferId() + ": " + receipt.from() + " -> " + receipt.to() + " "
                            + receipt.amount());
            return 0;
        }
    }

    @Command(name = "me", mixinStandardHelpOptions = true, description = "Show who the saved session belongs to.")
    static final class WhoAmI extends Base {
        @Override
        int run(OpaquePopClient client) throws OpaquePopClientException, IOException {
            Me me = client.me(session());
            spec.commandLine().getOut().println(me.username() + " (session expires at " + me.sessionExpiresAt() + ")");
            return 0;
        }
    }

    @Command(
            name = "logout",
            mixinStandardHelpOptions = true,
            description = "End the session and delete the session file.")
    static final class Logout extends Base {
        @Override
        int run(OpaquePopClient client) throws OpaquePopClientException, IOException {
            client.logout(session());
            Files.deleteIfExists(options.sessionFile);
            spec.commandLine().getOut().println("logged out");
            return 0;
        }
    }
}
