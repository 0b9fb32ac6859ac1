package dev.opaquepop.testfixtures;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;
import org.opentest4j.AssertionFailedError;

/** Runs {@link Sample}'s tests through a JUnit launcher of their own and reads how they failed. */
class RandomSeedTest {
    private static final String LAUNCHED = "opaquepop.randomSeedTest.launched";
    private static final Pattern SEED_LINE =
            Pattern.compile("\\[random seed (-?\\d+): rerun with -Dopaquepop\\.seed=\\1 to reproduce]");

    @Test
    void failure_printsTheSeedItDrewFrom() {
        Throwable failure = failureOf("drawsThenFails", Map.of());
        Matcher seedLine = SEED_LINE.matcher(failure.getMessage());
        assertThat(seedLine.find()).as(failure.getMessage()).isTrue();
        long seed = Long.parseLong(seedLine.group(1));
        assertThat(failure.getMessage())
                .startsWith(seedLine.group())
                .endsWith("drew " + new SplittableRandom(seed).nextLong());
        assertThat(failure.getStackTrace()[0].getMethodName()).isEqualTo("drawsThenFails");
    }

    @Test
    void fixedSeed_isWhatTheTestDraws() {
        Throwable failure = failureOf("drawsThenFails", Map.of(RandomSeed.PROPERTY, " -42 "));
        assertThat(failure.getMessage())
                .startsWith("[random seed -42: rerun with -Dopaquepop.seed=-42 to reproduce] ")
                .endsWith("drew " + new SplittableRandom(-42).nextLong());
    }

    @Test
    void assertionWithExpectedAndActual_keepsThem() {
        Throwable failure = failureOf("failsComparing", Map.of(RandomSeed.PROPERTY, "7"));
        assertThat(failure).isInstanceOf(AssertionFailedError.class);
        AssertionFailedError diff = (AssertionFailedError) failure;
        assertThat(diff.getExpected().getValue()).asString().contains("expected");
        assertThat(diff.getActual().getValue()).asString().contains("actual");
        assertThat(diff.getMessage()).contains("-Dopaquepop.seed=7 ");
    }

    @Test
    void exceptionFromTheCodeUnderTest_becomesAFailureWithTheSeed() {
        Throwable failure = failureOf("throwsException", Map.of(RandomSeed.PROPERTY, "7"));
        assertThat(failure)
                .isExactlyInstanceOf(AssertionError.class)
                .hasMessage("[random seed 7: rerun with -Dopaquepop.seed=7 to reproduce] "
                        + "java.lang.IllegalStateException: boom 0")
                .hasCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void testWithoutRandomness_failsUnchanged() {
        Throwable failure = failureOf("failsWithoutRandom", Map.of(RandomSeed.PROPERTY, "7"));
        assertThat(failure).hasMessage("no randomness here");
    }

    @Test
    void malformedSeed_namesTheProperty() {
        Throwable failure = failureOf("drawsThenFails", Map.of(RandomSeed.PROPERTY, "0x2a"));
        assertThat(failure)
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageContaining("-Dopaquepop.seed must be a decimal long");
    }

    private static Throwable failureOf(String method, Map<String, String> parameters) {
        Map<String, String> configuration = new HashMap<>(parameters);
        configuration.put(LAUNCHED, "true");
        String parameterTypes = method.endsWith("WithoutRandom") ? "" : SplittableRandom.class.getName();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        LauncherFactory.create()
                .execute(
                        LauncherDiscoveryRequestBuilder.request()
                                .selectors(selectMethod(Sample.class.getName(), method, parameterTypes))
                                .configurationParameters(configuration)
                                .build(),
                        listener);
        List<TestExecutionSummary.Failure> failures = listener.getSummary().getFailures();
        assertThat(failures).as("failures of Sample.%s", method).hasSize(1);
        return failures.get(0).getException();
    }

    /** Tests that fail on purpose; they run only when {@link #failureOf} launches them. */
    @ExtendWith({RandomSeed.class, Sample.OnlyWhenLaunched.class})
    static class Sample {
        @Test
        void drawsThenFails(SplittableRandom random) {
            throw new AssertionError("drew " + random.nextLong());
        }

        @Test
        void failsComparing(SplittableRandom random) {
            assertThat(random).isNotNull();
            assertThat("actual").isEqualTo("expected");
        }

        @Test
        void throwsException(SplittableRandom random) {
            throw new IllegalStateException("boom " + random.nextInt(1));
        }

        @Test
        void failsWithoutRandom() {
            throw new AssertionError("no randomness here");
        }

        static final class OnlyWhenLaunched implements ExecutionCondition {
            @Override
            public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
                return context.getConfigurationParameter(LAUNCHED).isPresent()
                        ? ConditionEvaluationResult.enabled("launched by RandomSeedTest")
                        : ConditionEvaluationResult.disabled("fails on purpose; RandomSeedTest runs it");
            }
        }
    }
}
