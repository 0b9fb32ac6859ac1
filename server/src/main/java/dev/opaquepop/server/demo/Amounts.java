package dev.opaquepop.server.demo;

import dev.opaquepop.server.service.InvalidInputException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Transfer amounts: decimal strings greater than zero with at most two fraction digits and at most 15 integer
 * digits, held as cents. No floating point, no exponent, no sign, no leading zeros.
 */
final class Amounts {
    private static final Pattern AMOUNT = Pattern.compile("(0|[1-9][0-9]{0,14})(?:\\.([0-9]{1,2}))?");

    private Amounts() {}

    static long parseCents(String amount) throws InvalidInputException {
        Matcher matcher = amount == null ? null : AMOUNT.matcher(amount);
        if (matcher == null || !matcher.matches()) {
            throw new InvalidInputException(
                    "amount must be a decimal string with at most 2 fraction digits, e.g. \"12.50\"");
        }
        String fraction = matcher.group(2) == null ? "" : matcher.group(2);
        long cents = Long.parseLong(matcher.group(1)) * 100 + Long.parseLong((fraction + "00").substring(0, 2));
        if (cents <= 0) {
            throw new InvalidInputException("amount must be greater than zero");
        }
        return cents;
    }

    /** Cents as a decimal string with exactly two fraction digits. */
    static String format(long cents) {
        return cents / 100 + "." + String.format(java.util.Locale.ROOT, "%02d", cents % 100);
    }
}
