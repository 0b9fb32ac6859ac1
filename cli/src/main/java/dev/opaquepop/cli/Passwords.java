package dev.opaquepop.cli;

import java.io.Console;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Reads a password from OPAQUE_POP_PASSWORD or, without echo, from the terminal. Returns UTF-8 bytes. */
final class Passwords {
    static final String ENVIRONMENT = "OPAQUE_POP_PASSWORD";

    private Passwords() {}

    static byte[] read(String prompt, boolean confirm) {
        String fromEnvironment = System.getenv(ENVIRONMENT);
        if (fromEnvironment != null) {
            return fromEnvironment.getBytes(StandardCharsets.UTF_8);
        }
        // On JDK 22+ console() is non-null even without a terminal; readPassword then reads a line from standard
        // input, which is what a script piping the password in wants.
        @SuppressWarnings("SystemConsoleNull")
        Console console = System.console();
        if (console == null) {
            throw new IllegalArgumentException("no terminal to read the password from: set " + ENVIRONMENT);
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
