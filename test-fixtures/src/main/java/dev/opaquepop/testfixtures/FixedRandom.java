package dev.opaquepop.testfixtures;

import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A {@link SecureRandom} whose output the test decides, for reproducible transcripts, nonces and states. Never
 * for anything but tests: nothing it returns is secret.
 */
public final class FixedRandom extends SecureRandom {
    private static final long serialVersionUID = 1L;

    private final transient Consumer<byte[]> source;
    private final transient Deque<byte[]> script;
    private final transient Object lock = new Object();

    private FixedRandom(Consumer<byte[]> source, Deque<byte[]> script) {
        this.source = source;
        this.script = script;
    }

    /** The same stream of bytes for the same seed (a {@link SplittableRandom}). */
    public static FixedRandom seeded(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        return new FixedRandom(random::nextBytes, new ArrayDeque<>());
    }

    /** Bytes 00 01 02 … (wrapping), one counter across calls: the first nonce a test sees is known. */
    public static FixedRandom counting() {
        byte[] next = new byte[1];
        return new FixedRandom(
                bytes -> {
                    for (int i = 0; i < bytes.length; i++) {
                        bytes[i] = next[0]++;
                    }
                },
                new ArrayDeque<>());
    }

    /**
     * Hands out {@code values}, one per {@code nextBytes} call, and fails when a call asks for a different length
     * or the script has run out: replaying the RFC vectors this way checks that the library draws its randomness
     * in the documented order.
     */
    public static FixedRandom scripted(byte[]... values) {
        Deque<byte[]> script = new ArrayDeque<>();
        for (byte[] value : values) {
            script.add(value.clone());
        }
        return new FixedRandom(
                bytes -> {
                    byte[] next = script.poll();
                    if (next == null) {
                        throw new IllegalStateException("random script exhausted");
                    }
                    if (next.length != bytes.length) {
                        throw new IllegalStateException("random script out of order: asked " + bytes.length
                                + " bytes, next value has " + next.length);
                    }
                    System.arraycopy(next, 0, bytes, 0, bytes.length);
                },
                script);
    }

    @Override
    public void nextBytes(byte[] bytes) {
        synchronized (lock) {
            source.accept(bytes);
        }
    }

    /** Whether a scripted random has handed out every value (always true for the others). */
    public boolean exhausted() {
        synchronized (lock) {
            return script.isEmpty();
        }
    }
}
