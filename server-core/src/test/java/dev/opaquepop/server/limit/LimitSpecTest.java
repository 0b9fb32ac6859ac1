package dev.opaquepop.server.limit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LimitSpecTest {
    @Test
    void parsesTiers() {
        LimitSpec spec = LimitSpec.parse("--x", "5/30s, 10/2m,20/15m");
        assertThat(spec.tiers())
                .containsExactly(
                        new LimitSpec.Tier(5, Duration.ofSeconds(30)),
                        new LimitSpec.Tier(10, Duration.ofMinutes(2)),
                        new LimitSpec.Tier(20, Duration.ofMinutes(15)));
        assertThat(spec).hasToString("5/30s,10/2m,20/15m");
        assertThat(spec.fullRefill()).isEqualTo(Duration.ofHours(5));
        assertThat(spec.longestInterval()).isEqualTo(Duration.ofMinutes(15));
        assertThat(spec.toBucketConfiguration().getBandwidths()).hasSize(3);
    }

    @Test
    void canonicalText_usesTheLargestWholeUnit() {
        assertThat(LimitSpec.parse("--x", "1/60s,2/120m,3/24h,4/90s")).hasToString("1/1m,2/2h,3/1d,4/90s");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                " ",
                "5",
                "5/",
                "/30s",
                "5/30",
                "5/30x",
                "0/30s",
                "5/0s",
                "5/2d",
                "-1/30s",
                "5/30s,",
                "5/30s;10/2m",
                "1/1s,1/1s,1/1s,1/1s,1/1s,1/1s",
                "2000000/1s",
                "5 /30s x"
            })
    void invalid_isRefusedNamingTheOptionAndAnExample(String text) {
        assertThatThrownBy(() -> LimitSpec.parse("--login-limit-user", text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--login-limit-user");
    }
}
