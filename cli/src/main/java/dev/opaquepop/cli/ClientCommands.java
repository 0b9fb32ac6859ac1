package dev.opaquepop.cli;

import dev.opaquepop.client.ClientSession;
import dev.opaquepop.client.KnownServers;
import dev.opaquepop.client.OpaquePopClient;
import dev.opaquepop.client.OpaquePopClientException;
import dev.opaquepop.client.SessionInfo;
import dev.opaquepop.demo.DemoBankClient;
import dev.opaquepop.demo.Me;
import dev.opaquepop.demo.TransferReceipt;
import dev.opaquepop.pop.LoginPurpose;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The commands for a person at a terminal: register, login, transfer, me, sessions, passwd, delete-account,
 * logout.
 */
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
                    OpaquePopClient client = options.policy
                            .applyTo(OpaquePopClient.builder(options.server))
                            .knownServers(KnownServers.file(options.knownServersFile()))
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
            if (e.code().equals(OpaquePopClientException.SERVER_KEY_MISMATCH) && options.policy.pinsKey()) {
                return System.lineSeparator() + "(check the --server-key you gave with the server's operator;"
                        + " if it is right, another server is answering in this one's place)";
            }
            if (e.code().equals(OpaquePopClientException.SERVER_KEY_MISMATCH)
                    || e.code().equals(OpaquePopClientException.SERVER_CHANGED)) {
                return System.lineSeparator() + "(what this client stored at the first contact is in "
                        + options.knownServersFile() + "; only after checking the change with the server's operator,"
                        + " run 'opaque-pop forget-server --server " + options.server
                        + "' or pin the key they give you with --server-key)";
            }
            if (e.code().equals(OpaquePopClientException.WEAK_KSF)) {
                return System.lineSeparator() + "(--insecure-allow-weak-ksf accepts it, for a test server only)";
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

        /** {@code --username} if given, else the saved session's user. */
        String user(String username) throws IOException {
            if (username != null) {
                return username;
            }
            if (!Files.exists(options.sessionFile)) {
                throw new IllegalArgumentException(
                        "give --username (there is no saved session at " + options.sessionFile + " to take it from)");
            }
            return session().username();
        }

        /**
         * Reads a password once the server passed the client's checks (KSF, key, plain HTTP), so that nobody types
         * a password for a server the client then refuses.
         */
        static byte[] password(OpaquePopClient client, String prompt, boolean confirm, String environment)
                throws OpaquePopClientException {
            client.serverInfo();
            return Passwords.read(prompt, confirm, environment);
        }

        /** Logs in afresh with the current password, for {@code operation}: the only session the server lets perform it. */
        ClientSession freshLogin(OpaquePopClient client, String username, LoginPurpose operation)
                throws OpaquePopClientException {
            byte[] password = password(client, "current password for " + username, false, Passwords.ENVIRONMENT);
            try {
                return client.login(username, password, operation);
            } finally {
                Arrays.fill(password, (byte) 0);
            }
        }
    }

    @Command(name = "register", mixinStandardHelpOptions = true, description = "Register a new user.")
    static final class Register extends Base {
        @Option(names = "--username", required = true, description = "The user name to register.")
        String username;

        @Override
        int run(OpaquePopClient client) throws OpaquePopClientException, IOException {
            byte[] password = password(client, "new password for " + username, true, Passwords.ENVIRONMENT);
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
            byte[] password = password(client, "password for " + username, false, Passwords.ENVIRONMENT);
            ClientSession session;
            try {
                session = client.login(username, password);
            } finally {
                Arrays.fill(password, (byte) 0);
            }
            session.save(options.sessionFile);
            spec.commandLine()
                    .getOut()
                    .println("logged in as " + username + "; session ends at " + session.expiresAt()
                            + " at the latest (sooner when left idle); saved to " + options.sessionFile);
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
            TransferReceipt receipt = new DemoBankClient(client).transfer(session(), to, amount);
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
            Me me = new DemoBankClient(client).me(session());
            spec.commandLine().getOut().println(me.username() + " (session expires at " + me.sessionExpiresAt() + ")");
            return 0;
        }
    }

    @Command(
            name = "sessions",
            mixinStandardHelpOptions = true,
            description = {
                "List the live sessions of the saved session's user: id prefix, when created and last used, and from"
                        + " which address; or end one with --end.",
                "Last use is recorded at most every 5 seconds."
            })
    static final class Sessions extends Base {
        @Option(
                names = "--end",
                paramLabel = "ID_PREFIX",
                description = "End the session whose id starts with these 8 characters, as listed.")
        String end;

        @Override
        int run(OpaquePopClient client) throws OpaquePopClientException, IOException {
            ClientSession session = session();
            PrintWriter out = spec.commandLine().getOut();
            if (end != null) {
                client.endSession(session, end);
                boolean own = session.sessionId().startsWith(end);
                if (own) {
                    Files.deleteIfExists(options.sessionFile);
                }
                out.println("ended session " + end + (own ? " (this one; the session file is deleted)" : ""));
                return 0;
            }
            List<SessionInfo> sessions = client.sessions(session);
            String format = "%-10s %-22s %-22s %s%n";
            out.printf(format, "ID", "CREATED", "LAST USED", "ADDRESS");
            for (SessionInfo info : sessions) {
                out.printf(
                        format,
                        info.idPrefix(),
                        info.createdAt(),
                        info.lastUsedAt(),
                        info.clientAddress() + (info.current() ? "  (this session)" : ""));
            }
            return 0;
        }
    }

    @Command(
            name = "passwd",
            mixinStandardHelpOptions = true,
            description = {
                "Change your password. Logs in again with the current password, for this change (the server"
                        + " accepts a password change only from a login made for it, under 5 minutes old, once), then"
                        + " registers the new one; every other session of the user ends, and the new login's session"
                        + " is saved.",
                "Passwords come from the terminal, or OPAQUE_POP_PASSWORD (current) and OPAQUE_POP_NEW_PASSWORD"
                        + " (new)."
            })
    static final class Passwd extends Base {
        @Option(names = "--username", description = "The user (default: the saved session's).")
        String username;

        @Override
        int run(OpaquePopClient client) throws OpaquePopClientException, IOException {
            String user = user(username);
            ClientSession fresh = freshLogin(client, user, LoginPurpose.PASSWORD_CHANGE);
            byte[] next = Passwords.read("new password for " + user, true, Passwords.NEW_PASSWORD_ENVIRONMENT);
            try {
                client.changePassword(fresh, next);
            } finally {
                Arrays.fill(next, (byte) 0);
            }
            fresh.save(options.sessionFile);
            spec.commandLine()
                    .getOut()
                    .println("password changed for " + user + "; every other session has ended; this session saved to "
                            + options.sessionFile);
            return 0;
        }
    }

    @Command(
            name = "delete-account",
            mixinStandardHelpOptions = true,
            description = {
                "Delete your account: its registration record, the transfers it sent and every session. The name"
                        + " can then be registered again, by anyone.",
                "Asks you to type the user name unless --yes; logs in again with the current password first, for"
                        + " this deletion (the server accepts a deletion only from a login made for it, under 5 minutes"
                        + " old)."
            })
    static final class DeleteAccount extends Base {
        @Option(names = "--username", description = "The user (default: the saved session's).")
        String username;

        @Option(names = "--yes", description = "Do not ask for confirmation.")
        boolean yes;

        @Override
        int run(OpaquePopClient client) throws OpaquePopClientException, IOException {
            String user = user(username);
            if (!yes) {
                Passwords.confirm(
                        "Delete the account " + user + " at " + options.server
                                + " with its transfers and sessions? This cannot be undone.",
                        user,
                        "pass --yes to delete without asking");
            }
            ClientSession fresh = freshLogin(client, user, LoginPurpose.ACCOUNT_DELETION);
            client.deleteAccount(fresh);
            if (Files.exists(options.sessionFile)
                    && ClientSession.load(options.sessionFile).username().equals(user)) {
                Files.delete(options.sessionFile);
            }
            spec.commandLine().getOut().println("deleted account " + user + " at " + options.server);
            return 0;
        }
    }

    @Command(
            name = "logout",
            mixinStandardHelpOptions = true,
            description = "End the session (with --all, every session of the user) and delete the session file.")
    static final class Logout extends Base {
        @Option(names = "--all", description = "End every session of the user, on every device.")
        boolean all;

        @Override
        int run(OpaquePopClient client) throws OpaquePopClientException, IOException {
            if (all) {
                client.logoutAll(session());
            } else {
                client.logout(session());
            }
            Files.deleteIfExists(options.sessionFile);
            spec.commandLine().getOut().println(all ? "logged out of every session" : "logged out");
            return 0;
        }
    }
}
