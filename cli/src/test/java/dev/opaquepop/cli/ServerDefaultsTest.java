package dev.opaquepop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opaquepop.server.Defaults;
import dev.opaquepop.server.ServerConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code opaque-pop server} with no options configures the server exactly as {@code ServerConfig.builder()} does: a
 * default changed on one side only (a literal in a picocli {@code defaultValue}, or in a builder) fails here.
 */
class ServerDefaultsTest {

    @Test
    void noOptions_configEqualsTheBuildersDefaults_inEveryField() throws Exception {
        requireNoServerVariables();

        List<String> differences = differences(
                "config", fromCommandLine().config(), ServerConfig.builder().build());

        assertThat(differences).isEmpty();
    }

    @Test
    void gatewayOptions_configEqualsTheBuildersDefaults_inEveryField() throws Exception {
        requireNoServerVariables();
        String upstream = "http://127.0.0.1:9";

        List<String> differences = differences(
                "config",
                fromCommandLine("--upstream", upstream).config(),
                ServerConfig.builder().upstream(upstream).build());

        assertThat(differences).isEmpty();
    }

    /** The comparison itself sees a difference: a test that cannot fail would prove nothing. */
    @Test
    void aDifferentOption_isReportedWithItsPath() throws Exception {
        requireNoServerVariables();

        List<String> differences = differences(
                "config",
                fromCommandLine("--session-lifetime", "3600").config(),
                ServerConfig.builder().build());

        assertThat(differences).singleElement().asString().contains("sessionLifetime");
    }

    @Test
    void help_showsTheDefaults() {
        StringWriter out = new StringWriter();
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out, true));

        assertThat(commandLine.execute("server", "--help")).isZero();

        // Without white space: the help wraps lines at commas and spaces.
        String help = out.toString().replaceAll("\\s+", "");
        assertThat(help)
                .contains("OPAQUE_POP_PORT;default" + Defaults.PORT + ")")
                .contains("OPAQUE_POP_SESSION_LIFETIME;default" + Defaults.SESSION_LIFETIME_SECONDS + ")")
                .contains("OPAQUE_POP_LOGIN_LIMIT_USER;default" + Defaults.LOGIN_LIMIT_USER + ")")
                .contains("OPAQUE_POP_RATE_LIMIT;defaulton)")
                .doesNotContain("defaultnull");
    }

    private static ServerCommand fromCommandLine(String... args) {
        ServerCommand command = new ServerCommand();
        new CommandLine(command).parseArgs(args);
        return command;
    }

    // The command line reads its defaults through the environment first; a variable set where the tests run would
    // make both sides differ for a reason that is not a bug.
    private static void requireNoServerVariables() {
        assertThat(System.getenv().keySet())
                .as("run this test without OPAQUE_POP_* variables in the environment")
                .noneMatch(name -> name.startsWith("OPAQUE_POP_"));
    }

    /**
     * Field-by-field comparison of two configurations, into our own classes and through collections and optionals;
     * other values by {@code equals}. The random source is left out: each build makes a fresh one.
     */
    private static List<String> differences(String path, Object actual, Object expected) throws IllegalAccessException {
        List<String> found = new ArrayList<>();
        if (actual == null || expected == null) {
            if (!Objects.equals(actual, expected)) {
                found.add(path + ": " + actual + " != " + expected);
            }
        } else if (actual.getClass() != expected.getClass()) {
            found.add(path + ": " + actual.getClass() + " != " + expected.getClass());
        } else if (actual instanceof SecureRandom) {
            return found;
        } else if (actual instanceof Optional<?> a) {
            found.addAll(differences(path, a.orElse(null), ((Optional<?>) expected).orElse(null)));
        } else if (actual instanceof Collection<?> a) {
            List<?> as = List.copyOf(a);
            List<?> es = List.copyOf((Collection<?>) expected);
            if (as.size() != es.size()) {
                found.add(path + ": " + a + " != " + expected);
            } else {
                for (int i = 0; i < as.size(); i++) {
                    found.addAll(differences(path + "[" + i + "]", as.get(i), es.get(i)));
                }
            }
        } else if (actual instanceof Map<?, ?>) {
            if (!actual.equals(expected)) {
                found.add(path + ": " + actual + " != " + expected);
            }
        } else if (actual.getClass().getName().startsWith("dev.opaquepop.")
                && !actual.getClass().isEnum()) {
            for (Class<?> type = actual.getClass(); type != Object.class; type = type.getSuperclass()) {
                for (Field field : type.getDeclaredFields()) {
                    if (Modifier.isStatic(field.getModifiers()) || field.isSynthetic()) {
                        continue;
                    }
                    field.setAccessible(true);
                    found.addAll(differences(path + "." + field.getName(), field.get(actual), field.get(expected)));
                }
            }
        } else if (!Objects.equals(actual, expected)) {
            found.add(path + ": " + actual + " != " + expected);
        }
        return found;
    }
}
