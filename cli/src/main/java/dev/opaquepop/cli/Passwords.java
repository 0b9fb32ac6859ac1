package dev.opaquepop.cli;

import java.io.Console;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads a password from an environment variable (OPAQUE_POP_PASSWORD, or OPAQUE_POP_NEW_PASSWORD for the new one
 * of {@code passwd}) or, without echo, from the terminal. Returns UTF-8 bytes.
 */
final class Passwords {
    static final String ENVIRONMENT = "OPAQUE_POP_PASSWORD";
    static final String NEW_PASSWORD_ENVIRONMENT = "OPAQUE_POP_NEW_PASSWORD";

    private Passwords() {}

    static byte[] read(String prompt, boolean confirm) {
        return read(prompt, confirm, ENVIRONMENT);
    }

    static byte[] read(String prompt, boolean confirm, String environment) {
        String fromEnvironment = System.getenv(environment);
        if (fromEnvironment != null) {
            return fromEnvironment.getBytes(StandardCharsets.UTF_8);
        }
        // On JDK 22+ console() is non-null even without a terminal; readPassword then reads a line from standard
        // input, which is what a script piping the password in wants.
        @SuppressWarnings("SystemConsoleNull")
        Console console = System.console();
        if (console == null) {
            throw new IllegalArgumentException("no terminal to read the password from: set " + environment);
        }
        char[] first = console.readPassword("%s: ", prompt);
        if (first == null) {
            throw new IllegalArgumentException("no password entered");
        }
        try {
            if (confirm) {
                char[] second = console.readPassword("%s (again): ", prompt);
                boolean same = second != null && Arrays.equals(first, second);
                if (second != null) {
                    Arrays.fill(second, '\0');
                }
                if (!same) {
                    throw new IllegalArgumentException("the passwords do not match");
                }
            }
            return utf8(first);
        } finally {
            Arrays.fill(first, '\0');
        }
    }

    /**
     * Asks the person at the terminal to type {@code expected} to confirm something irreversible.
     *
     * @throws IllegalArgumentException when there is no terminal, or the answer differs
     */
    static void confirm(String question, String expected, String alternative) {
        @SuppressWarnings("SystemConsoleNull")
        Console console = System.console();
        if (console == null) {
            throw new IllegalArgumentException("no terminal to confirm on: " + alternative);
        }
        String answer = console.readLine("%s Type %s to confirm: ", question, expected);
        if (answer == null || !answer.strip().equals(expected)) {
            throw new IllegalArgumentException("not confirmed; nothing was changed");
        }
    }

    private static byte[] utf8(char[] password) {
        CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder();
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.ceil(password.length * (double) encoder.maxBytesPerChar()));
        encoder.encode(CharBuffer.wrap(password), buffer, true);
        encoder.flush(buffer);
        byte[] out = Arrays.copyOf(buffer.array(), buffer.position());
        Arrays.fill(buffer.array(), (byte) 0);
        return out;
    }
}
