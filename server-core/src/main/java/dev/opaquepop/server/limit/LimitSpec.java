package dev.opaquepop.server.limit;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConfigurationBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One limit as the operator writes it: tiers {@code N/INTERVAL}, comma-separated, each "a burst of N, then one
 * more every INTERVAL" (a token bucket of capacity N refilled greedily by one token per interval). An attempt
 * needs a token from every tier, so the tiers stack into growing delays: {@code 5/30s,10/2m,20/15m} allows 5
 * attempts at once, then one per 30 s, then (after 10 in quick succession) one per 2 minutes, then (after 20)
 * one per 15 minutes; unused time refills every tier, so the delays decay back by themselves. Intervals are
 * whole numbers with a unit: {@code s}, {@code m}, {@code h} or {@code d}.
 */
public final class LimitSpec {
    private static final Pattern TIER = Pattern.compile("(\\d{1,7})/(\\d{1,5})([smhd])");
    private static final int MAX_TIERS = 5;
    private static final long MAX_BURST = 1_000_000;
    private static final Duration MIN_INTERVAL = Duration.ofSeconds(1);
    private static final Duration MAX_INTERVAL = Duration.ofDays(1);

    private final List<Tier> tiers;

    /** One token bucket: {@code burst} tokens, one more every {@code interval}. */
    public record Tier(long burst, Duration interval) {
        @Override
        public String toString() {
            return burst + "/" + text(interval);
        }
    }

    private LimitSpec(List<Tier> tiers) {
        this.tiers = List.copyOf(tiers);
    }

    /**
     * @param option the option being parsed, for the message ("--login-limit-user")
     * @throws IllegalArgumentException saying what is wrong and what a valid value looks like
     */
    public static LimitSpec parse(String option, String text) {
        String example = option + " takes tiers N/INTERVAL separated by commas, e.g. 5/30s,10/2m,20/15m (a burst of"
                + " N, then one per INTERVAL; units s, m, h, d)";
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(example);
        }
        List<Tier> tiers = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            Matcher m = TIER.matcher(part.strip());
            if (!m.matches()) {
                throw new IllegalArgumentException(example + "; got '" + part.strip() + "'");
            }
            long burst = Long.parseLong(m.group(1));
            Duration interval = unit(m.group(3)).multipliedBy(Long.parseLong(m.group(2)));
            if (burst < 1 || burst > MAX_BURST) {
                throw new IllegalArgumentException(
                        option + ": a burst must be between 1 and " + MAX_BURST + ", got " + burst);
            }
            if (interval.compareTo(MIN_INTERVAL) < 0 || interval.compareTo(MAX_INTERVAL) > 0) {
                throw new IllegalArgumentException(
                        option + ": an interval must be between 1s and 1d, got " + part.strip());
            }
            tiers.add(new Tier(burst, interval));
        }
        if (tiers.size() > MAX_TIERS) {
            throw new IllegalArgumentException(option + ": at most " + MAX_TIERS + " tiers, got " + tiers.size());
        }
        return new LimitSpec(tiers);
    }

    public List<Tier> tiers() {
        return tiers;
    }

    /** How long an unused bucket takes to refill completely: after that it is as good as new and may be dropped. */
    public Duration fullRefill() {
        Duration longest = Duration.ZERO;
        for (Tier tier : tiers) {
            Duration full = tier.interval().multipliedBy(tier.burst());
            if (full.compareTo(longest) > 0) {
                longest = full;
            }
        }
        return longest;
    }

    /** The longest wait between two attempts once every tier is empty. */
    public Duration longestInterval() {
        return tiers.stream().map(Tier::interval).max(Duration::compareTo).orElseThrow();
    }

    /** The same limit as Bucket4j's configuration. */
    public BucketConfiguration toBucketConfiguration() {
        ConfigurationBuilder builder = BucketConfiguration.builder();
        for (Bandwidth bandwidth : bandwidths()) {
            builder.addLimit(bandwidth);
        }
        return builder.build();
    }

    /** The tiers as Bucket4j bandwidths, for a store that builds its own buckets. */
    public List<Bandwidth> bandwidths() {
        List<Bandwidth> out = new ArrayList<>();
        for (Tier tier : tiers) {
            out.add(Bandwidth.builder()
                    .capacity(tier.burst())
                    .refillGreedy(1, tier.interval())
                    .build());
        }
        return out;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof LimitSpec that && tiers.equals(that.tiers);
    }

    @Override
    public int hashCode() {
        return tiers.hashCode();
    }

    /** The canonical text, e.g. {@code 5/30s,10/2m,20/15m}. */
    @Override
    public String toString() {
        return String.join(",", tiers.stream().map(Tier::toString).toList());
    }

    private static Duration unit(String unit) {
        return switch (unit) {
            case "s" -> Duration.ofSeconds(1);
            case "m" -> Duration.ofMinutes(1);
            case "h" -> Duration.ofHours(1);
            default -> Duration.ofDays(1);
        };
    }

    private static String text(Duration interval) {
        long seconds = interval.toSeconds();
        if (seconds % 86_400 == 0) {
            return seconds / 86_400 + "d";
        }
        if (seconds % 3600 == 0) {
            return seconds / 3600 + "h";
        }
        if (seconds % 60 == 0) {
            return seconds / 60 + "m";
        }
        return seconds + "s";
    }
}
