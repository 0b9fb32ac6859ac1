package dev.opaquepop.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code opaque-pop} executable: one entry point, a subcommand per task. */
@Command(
        name = "opaque-pop",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "OPAQUE (RFC 9807) password authentication with proof-of-possession sessions.",
        subcommands = {
            ServerCommand.class,
            DemoCommand.class,
            ClientCommands.Register.class,
            ClientCommands.Login.class,
            ClientCommands.Transfer.class,
            ClientCommands.WhoAmI.class,
            ClientCommands.Sessions.class,
            ClientCommands.Passwd.class,
            ClientCommands.DeleteAccount.class,
            ClientCommands.Logout.class,
            CallCommand.class,
            ForgetServerCommand.class,
            SetupCommand.class,
            BenchCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code (for tests and {@link #main}). */
    public static int run(String... args) {
        return new CommandLine(new Main())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"opaque-pop " + (version == null ? "development build" : version)};
        }
    }
}
