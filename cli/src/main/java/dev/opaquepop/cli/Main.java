package dev.opaquepop.cli;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code opaque-pop} executable: one entry point, a subcommand per task. */
@Command(
        name = "opaque-pop",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "OPAQUE (RFC 9807) password authentication with proof-of-possession sessions.")
public final class Main implements Runnable {
    /** Every subcommand, in the order the usage message lists them. */
    private static final List<Class<?>> SUBCOMMANDS = List.of(
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
            TrainCommand.class,
            CommandLine.HelpCommand.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code (for tests and {@link #main}). */
    public static int run(String... args) {
        return commandLine(args).execute(args);
    }

    /**
     * The command line that parses {@code args}. When their first word names a subcommand, only that one is
     * added: picocli builds the model of every subcommand it is given, by reflection over all its options, and
     * with all fifteen that was 0.2 to 0.4 s of a server's start (a class-initialisation timeline of {@code
     * server}, issue 16), paid by every instance an autoscaler starts. Anything else (no word, an option such as
     * {@code --help}, a mistyped name) gets them all, so the usage message and picocli's suggestions list every one;
     * so does {@code help}, which describes its siblings.
     */
    static CommandLine commandLine(String... args) {
        List<Class<?>> named = args.length == 0
                ? List.of()
                : SUBCOMMANDS.stream()
                        .filter(subcommand -> subcommand != CommandLine.HelpCommand.class)
                        .filter(subcommand -> nameOf(subcommand).equals(args[0]))
                        .toList();
        CommandLine line = new CommandLine(new Main());
        for (Class<?> subcommand : named.isEmpty() ? SUBCOMMANDS : named) {
            line.addSubcommand(subcommand);
        }
        // After the subcommands: picocli applies a setting to those it already has.
        return line.setCaseInsensitiveEnumValuesAllowed(true);
    }

    private static String nameOf(Class<?> subcommand) {
        return subcommand.getAnnotation(Command.class).name();
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
