package dev.opaquepop.testfixtures;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Values drawn from a {@link SplittableRandom} (see {@link RandomSeed}) for property tests. Sizes land on their
 * bounds more often than a uniform draw would, since off-by-one bugs live there; tests still list the boundary
 * inputs they care about as explicit cases.
 */
public final class Draw {
    private Draw() {}

    /** A size in [min, max]: min or max a tenth of the time each, otherwise uniform. */
    public static int size(SplittableRandom random, int min, int max) {
        int roll = random.nextInt(10);
        if (roll == 0 || min == max) {
            return min;
        }
        return roll == 1 ? max : random.nextInt(min, max + 1);
    }

    /** Random bytes of the given length. */
    public static byte[] bytes(SplittableRandom random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    /** Random bytes of a length in [min, max], drawn with {@link #size}. */
    public static byte[] bytes(SplittableRandom random, int min, int max) {
        return bytes(random, size(random, min, max));
    }

    /** A string of the given length over the characters of {@code alphabet}. */
    public static String string(SplittableRandom random, String alphabet, int length) {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString();
    }

    /** A string of a length in [min, max] (drawn with {@link #size}) over the characters of {@code alphabet}. */
    public static String string(SplittableRandom random, String alphabet, int min, int max) {
        return string(random, alphabet, size(random, min, max));
    }

    /**
     * A string of up to {@code maxLength} UTF-16 units from anywhere in {@code char}'s range: controls, non-ASCII,
     * unpaired surrogates. Half the units are printable ASCII, so text that looks almost well-formed is common too.
     */
    public static String anyString(SplittableRandom random, int maxLength) {
        int length = size(random, 0, maxLength);
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(random.nextBoolean() ? (char) random.nextInt(0x20, 0x7f) : (char) random.nextInt(0x10000));
        }
        return text.toString();
    }

    /** One of the given values, uniformly. */
    public static <T> T oneOf(SplittableRandom random, List<T> values) {
        return values.get(random.nextInt(values.size()));
    }
}
