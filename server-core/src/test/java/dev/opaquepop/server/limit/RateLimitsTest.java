package dev.opaquepop.server.limit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.opaquepop.server.Defaults;
import dev.opaquepop.server.store.memory.MemoryLimitStorage;
import dev.opaquepop.testfixtures.HandMovedTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The limit policy on in-memory buckets, with a clock moved by hand (the Redis storage runs the same policy). */
class RateLimitsTest {
    private static final String A = "198.51.100.1";
    private static final String B = "198.51.100.2";
    private static final String C = "198.51.100.3";

    private final HandMovedTime time = new HandMovedTime(Instant.parse("2026-01-01T00:00:00Z"));
    private final Clock clock = time.clock();

    private RateLimits limits(String loginUser, String loginAddress, String registerAddress, Duration knownTtl) {
        return RateLimits.of(
                new MemoryLimitStorage(10_000, clock, Ticker.systemTicker()),
                LimitSpec.parse("--login-limit-user", loginUser),
                LimitSpec.parse("--login-limit-address", loginAddress),
                LimitSpec.parse("--login-limit-ipv6-block", Defaults.LOGIN_LIMIT_IPV6_BLOCK),
                LimitSpec.parse("--register-limit-address", registerAddress),
                knownTtl,
                CallLimits.off());
    }

    private RateLimits defaults() {
        return limits(
                Defaults.LOGIN_LIMIT_USER,
                Defaults.LOGIN_LIMIT_ADDRESS,
                Defaults.REGISTER_LIMIT_ADDRESS,
                Duration.ofDays(30));
    }

    /**
     * The documented numbers: 5 attempts at once, then waits growing from 30 s to 2 min to the 15-minute floor,
     * never more; a guesser who tries again the moment each wait ends gets about 100 guesses a day. Every
     * attempt comes from another address, as a botnet's would, so only the username limit applies.
     */
    @Test
    void defaults_growingDelaysUpToFifteenMinutes_aboutAHundredGuessesADay() throws Exception {
        RateLimits limits = defaults();
        for (int i = 0; i < 5; i++) {
            limits.loginStarting("alice", address(i));
        }
        List<Long> waits = new ArrayList<>();
        int attempts = 5;
        Instant end = clock.instant().plus(Duration.ofDays(1));
        int next = 5;
        while (clock.instant().isBefore(end)) {
            RateLimitedException refused =
                    catchThrowableOfType(RateLimitedException.class, () -> limits.loginStarting("alice", A));
            assertThat(refused)
                    .as("attempt %d is refused until its wait has passed", attempts + 1)
                    .isNotNull();
            assertThat(refused.limit()).isEqualTo(RateLimits.LOGIN_USER);
            waits.add(refused.retryAfterSeconds());
            time.advance(refused.retryAfter());
            limits.loginStarting("alice", address(next++));
            attempts++;
        }
        assertThat(waits.get(0)).isEqualTo(30);
        assertThat(waits).contains(120L);
        assertThat(waits.stream().mapToLong(Long::longValue).max().orElseThrow())
                .isEqualTo(900);
        assertThat(waits.subList(waits.size() - 10, waits.size())).containsOnly(900L);
        // 20 in the first half hour or so, then one per 15 minutes: 96 a day.
        assertThat(attempts).isBetween(105, 120);
    }

    @Test
    void delaysDecay_afterFiveQuietHoursTheBurstIsBack() throws Exception {
        RateLimits limits = defaults();
        exhaust(limits, "alice");
        time.advance(Duration.ofHours(5));
        for (int i = 0; i < 5; i++) {
            limits.loginStarting("alice", address(i));
        }
    }

    @Test
    void startWithoutFinish_countsAsAFailure() throws Exception {
        RateLimits limits = limits("3/1h", "100/1s", "10/1s", Duration.ZERO);
        for (int i = 0; i < 3; i++) {
            limits.loginStarting("alice", A); // never finished
        }
        RateLimitedException refused =
                catchThrowableOfType(RateLimitedException.class, () -> limits.loginStarting("alice", A));
        assertThat(refused.limit()).isEqualTo(RateLimits.LOGIN_USER);
        assertThat(refused.retryAfter()).isEqualTo(Duration.ofHours(1));
        assertThat(refused.retryAfterSeconds()).isEqualTo(3600);
        // Another username is not affected.
        limits.loginStarting("bob", A);
    }

    @Test
    void success_refillsTheUsersBucket() throws Exception {
        RateLimits limits = limits("3/1h", "100/1s", "10/1s", Duration.ZERO);
        limits.loginStarting("alice", A);
        limits.loginStarting("alice", A);
        limits.loginStarting("alice", A);
        assertThatThrownBy(() -> limits.loginStarting("alice", A)).isInstanceOf(RateLimitedException.class);
        time.advance(Duration.ofHours(1));
        limits.loginStarting("alice", A);
        limits.loginSucceeded("alice", A);
        for (int i = 0; i < 3; i++) {
            limits.loginStarting("alice", A);
        }
        assertThatThrownBy(() -> limits.loginStarting("alice", A)).isInstanceOf(RateLimitedException.class);
    }

    @Test
    void addressLimit_countsAcrossUsernames_andRefusingItCountsNothingOnTheUsername() throws Exception {
        RateLimits limits = limits("1/1h", "3/1m", "10/1s", Duration.ZERO);
        limits.loginStarting("u1", A);
        limits.loginStarting("u2", A);
        limits.loginStarting("u3", A);
        RateLimitedException refused =
                catchThrowableOfType(RateLimitedException.class, () -> limits.loginStarting("u4", A));
        assertThat(refused.limit()).isEqualTo(RateLimits.LOGIN_ADDRESS);
        assertThat(refused.retryAfterSeconds()).isEqualTo(60);
        // Another address is not affected; u4's one attempt was given back, so it is still there.
        limits.loginStarting("u4", B);
    }

    @Test
    void successfulLogins_giveTheAddressTokenBack() throws Exception {
        RateLimits limits = limits("5/1s", "2/1h", "10/1s", Duration.ZERO);
        for (int i = 0; i < 20; i++) {
            limits.loginStarting("user" + i, A);
            limits.loginSucceeded("user" + i, A);
        }
        limits.loginStarting("x", A);
        limits.loginStarting("y", A);
        assertThatThrownBy(() -> limits.loginStarting("z", A))
                .isInstanceOfSatisfying(
                        RateLimitedException.class, e -> assertThat(e.limit()).isEqualTo(RateLimits.LOGIN_ADDRESS));
    }

    /** Guessing from elsewhere cannot delay the user where they have logged in before. */
    @Test
    void knownAddress_hasABucketOfItsOwn() throws Exception {
        RateLimits limits = limits("3/15m", "100/1s", "10/1s", Duration.ofDays(30));
        limits.loginStarting("alice", A);
        limits.loginSucceeded("alice", A);

        exhaust(limits, "alice"); // from many other addresses
        limits.loginStarting("alice", A); // still fine at home
        limits.loginSucceeded("alice", A);
        assertThatThrownBy(() -> limits.loginStarting("alice", C))
                .as("a new address draws from the exhausted shared bucket")
                .isInstanceOf(RateLimitedException.class);

        // Someone guessing from alice's own address gets no more than the username limit there.
        for (int i = 0; i < 3; i++) {
            limits.loginStarting("alice", A);
        }
        assertThatThrownBy(() -> limits.loginStarting("alice", A)).isInstanceOf(RateLimitedException.class);

        // After the TTL the address is not known any more.
        time.advance(Duration.ofDays(30));
        exhaust(limits, "alice");
        assertThatThrownBy(() -> limits.loginStarting("alice", A)).isInstanceOf(RateLimitedException.class);
    }

    @Test
    void knownAddressTtlZero_everyAddressSharesTheUsernameBucket() throws Exception {
        RateLimits limits = limits("3/15m", "100/1s", "10/1s", Duration.ZERO);
        limits.loginStarting("alice", A);
        limits.loginSucceeded("alice", A);
        exhaust(limits, "alice");
        assertThatThrownBy(() -> limits.loginStarting("alice", A)).isInstanceOf(RateLimitedException.class);
    }

    @Test
    void ipv6_isCountedPerSlash64() throws Exception {
        RateLimits limits = limits("100/1s", "2/1h", "2/1h", Duration.ZERO);
        limits.loginStarting("u1", "2001:db8:1:2::1");
        limits.loginStarting("u2", "2001:db8:1:2::ffff");
        assertThatThrownBy(() -> limits.loginStarting("u3", "2001:db8:1:2:aaaa:bbbb:cccc:dddd"))
                .isInstanceOf(RateLimitedException.class);
        limits.loginStarting("u3", "2001:db8:1:3::1");
        limits.registering("2001:db8:1:2::1");
        limits.registering("2001:db8:1:2::2");
        assertThatThrownBy(() -> limits.registering("2001:db8:1:2::3")).isInstanceOf(RateLimitedException.class);
    }

    /**
     * A holder of a /48 moving across its 65,536 /64s, each with a fresh per-address budget, still meets the /48's
     * limit; a failed check there takes nothing from the /64 or the username, and another /48 is not affected.
     */
    @Test
    void ipv6_manySlash64sOfOneSlash48_shareTheBlockLimit() throws Exception {
        RateLimits limits = RateLimits.of(
                new MemoryLimitStorage(10_000, clock, Ticker.systemTicker()),
                LimitSpec.parse("--login-limit-user", "100/1s"),
                LimitSpec.parse("--login-limit-address", "2/1h"),
                LimitSpec.parse("--login-limit-ipv6-block", "5/1m"),
                LimitSpec.parse("--register-limit-address", "2/1h"),
                Duration.ZERO,
                CallLimits.off());
        for (int subnet = 0; subnet < 5; subnet++) {
            limits.loginStarting("u" + subnet, "2001:db8:7:" + Integer.toHexString(subnet) + "::1");
        }
        RateLimitedException refused =
                catchThrowableOfType(RateLimitedException.class, () -> limits.loginStarting("u9", "2001:db8:7:ff::1"));
        assertThat(refused).as("a sixth /64 of the same /48").isNotNull();
        assertThat(refused.limit()).isEqualTo(RateLimits.LOGIN_IPV6_BLOCK);
        assertThat(refused.retryAfterSeconds()).isEqualTo(60);
        limits.loginStarting("u9", "2001:db8:8:ff::1"); // another /48
        limits.loginStarting("v1", "198.51.100.77"); // IPv4 has no block
        // The refusal took nothing from that /64: once the block refills, both of its attempts are there.
        time.advance(Duration.ofMinutes(1));
        limits.loginStarting("u9", "2001:db8:7:ff::1");
        time.advance(Duration.ofMinutes(1));
        limits.loginStarting("u9", "2001:db8:7:ff::2");
        // A successful login gives the block's token back too.
        assertThatThrownBy(() -> limits.loginStarting("u9", "2001:db8:7:fe::1"))
                .isInstanceOf(RateLimitedException.class);
        limits.loginSucceeded("u9", "2001:db8:7:ff::2");
        limits.loginStarting("u9", "2001:db8:7:fe::1");
    }

    @Test
    void registration_isLimitedPerAddress() throws Exception {
        RateLimits limits = limits("5/1s", "5/1s", "2/1m", Duration.ZERO);
        limits.registering(A);
        limits.registering(A);
        RateLimitedException refused = catchThrowableOfType(RateLimitedException.class, () -> limits.registering(A));
        assertThat(refused.limit()).isEqualTo(RateLimits.REGISTER_ADDRESS);
        assertThat(refused.retryAfterSeconds()).isEqualTo(60);
        limits.registering(B);
        time.advance(Duration.ofMinutes(1));
        limits.registering(A);
    }

    @Test
    void off_letsEverythingThrough() throws Exception {
        RateLimits limits = RateLimits.off();
        assertThat(limits.enabled()).isFalse();
        for (int i = 0; i < 10_000; i++) {
            limits.loginStarting("alice", A);
            limits.registering(A);
        }
        limits.loginSucceeded("alice", A);
    }

    @Test
    void retryAfterSeconds_roundsUpAndIsAtLeastOne() {
        assertThat(new RateLimitedException("x", Duration.ofMillis(1)).retryAfterSeconds())
                .isEqualTo(1);
        assertThat(new RateLimitedException("x", Duration.ofMillis(29_001)).retryAfterSeconds())
                .isEqualTo(30);
        assertThat(new RateLimitedException("x", Duration.ofSeconds(30)).retryAfterSeconds())
                .isEqualTo(30);
        assertThat(new RateLimitedException("x", Duration.ofNanos(30_000_000_001L)).retryAfterSeconds())
                .isEqualTo(31);
    }

    /** Attempts on {@code username} from fresh addresses until it is refused. */
    private void exhaust(RateLimits limits, String username) {
        for (int i = 0; i < 1000; i++) {
            try {
                limits.loginStarting(username, address(100 + i));
            } catch (RateLimitedException e) {
                assertThat(e.limit()).isEqualTo(RateLimits.LOGIN_USER);
                return;
            }
        }
        throw new AssertionError("never refused");
    }

    private static String address(int i) {
        return "203.0." + (i / 250) + "." + (1 + i % 250);
    }
}
