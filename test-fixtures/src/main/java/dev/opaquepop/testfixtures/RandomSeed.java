package dev.opaquepop.testfixtures;

import java.security.SecureRandom;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/**
 * Seeded randomness for property tests. Register it with {@code @ExtendWith(RandomSeed.class)} and give a test
 * method a {@link SplittableRandom} parameter: the test draws its cases from it, in a loop of its own.
 *
 * <p>Each test gets a fresh seed per run, so repeated runs keep exploring new inputs. When the test fails, the
 * seed is put in front of the failure message; {@code -Dopaquepop.seed=<seed>} (a system property or JUnit
 * configuration parameter) then makes every test draw from that seed, which replays the failing run exactly as
 * long as the test draws its values in a fixed order. A property must hold for every input, so a failure is a
 * bug found, never noise: fix the code (or the property), then keep the input as an explicit case.
 */
public final class RandomSeed implements ParameterResolver, TestExecutionExceptionHandler {
    /** The system property (or JUnit configuration parameter) that fixes the seed of every test. */
    public static final String PROPERTY = "opaquepop.seed";

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(RandomSeed.class);
    private static final String KEY = "seed";
    /** Where unfixed seeds come from: any source of distinct longs would do; this one is thread-safe. */
    private static final SecureRandom SEEDS = new SecureRandom();

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == SplittableRandom.class;
    }

    @Override
    public SplittableRandom resolveParameter(ParameterContext parameter, ExtensionContext context) {
        long seed = context.getStore(NAMESPACE).getOrComputeIfAbsent(KEY, key -> chooseSeed(context), Long.class);
        return new SplittableRandom(seed);
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable thrown) throws Throwable {
        Long seed = context.getStore(NAMESPACE).get(KEY, Long.class);
        if (seed == null || thrown instanceof TestAbortedException) {
            throw thrown;
        }
        throw withSeed(thrown, seed);
    }

    private static long chooseSeed(ExtensionContext context) {
        Optional<String> fixed = context.getConfigurationParameter(PROPERTY);
        if (fixed.isEmpty()) {
            return SEEDS.nextLong();
        }
        try {
            return Long.parseLong(fixed.get().trim());
        } catch (NumberFormatException e) {
            throw new ExtensionConfigurationException(
                    "-D" + PROPERTY + " must be a decimal long (as printed by a failing test), not " + fixed.get(), e);
        }
    }

    /**
     * The same failure (expected and actual kept for IDE diffs, stack trace unchanged) with the seed in front: a
     * report that mangles the rest of a message (a lone surrogate drawn into it, say) still shows the seed.
     */
    private static AssertionError withSeed(Throwable thrown, long seed) {
        String message = "[random seed " + seed + ": rerun with -D" + PROPERTY + "=" + seed + " to reproduce] "
                + (thrown instanceof AssertionError ? thrown.getMessage() : thrown.toString());
        AssertionError failure = thrown instanceof AssertionFailedError diff
                        && diff.isExpectedDefined()
                        && diff.isActualDefined()
                ? new AssertionFailedError(
                        message, diff.getExpected().getValue(), diff.getActual().getValue(), thrown)
                : new AssertionError(message, thrown);
        failure.setStackTrace(thrown.getStackTrace());
        return failure;
    }
}
