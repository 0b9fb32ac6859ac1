package dev.opaquepop.loadgen;

import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine;

/** Reads {@code 10s}, {@code 500ms}, {@code 2m} or a bare number of seconds. */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        String text = value.strip().toLowerCase(Locale.ROOT);
        try {
            Duration duration;
            if (text.endsWith("ms")) {
                duration = Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
            } else if (text.endsWith("s")) {
                duration =
                        Duration.ofMillis(Math.round(Double.parseDouble(text.substring(0, text.length() - 1)) * 1000));
            } else if (text.endsWith("m")) {
                duration = Duration.ofSeconds(Long.parseLong(text.substring(0, text.length() - 1)) * 60);
            } else {
                duration = Duration.ofMillis(Math.round(Double.parseDouble(text) * 1000));
            }
            if (duration.isNegative()) {
                throw new CommandLine.TypeConversionException("'" + value + "' is negative");
            }
            return duration;
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a duration such as 10s, 500ms or 2m");
        }
    }
}
