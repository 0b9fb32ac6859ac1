package dev.opaquepop.opaque;

import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A {@link SecureRandom} that hands out a fixed script of byte strings, one per {@code nextBytes} call, and
 * fails when a call asks for a different length or the script runs out: replaying the RFC vectors this way
 * checks that the library draws its randomness in the documented order.
 */
final class ScriptedRandom extends SecureRandom {
    private static final long serialVersionUID = 1L;

    private final transient Deque<byte[]> script = new ArrayDeque<>();

    ScriptedRandom(byte[]... values) {
        for (byte[] value : values) {
            script.add(value.clone());
        }
    }

    @Override
    public synchronized void nextBytes(byte[] bytes) {
        byte[] next = script.poll();
        if (next == null) {
            throw new IllegalStateException("random script exhausted");
        }
        if (next.length != bytes.length) {
            throw new IllegalStateException(
                    "random script out of order: asked " + bytes.length + " bytes, next value has " + next.length);
        }
        System.arraycopy(next, 0, bytes, 0, bytes.length);
    }

    boolean exhausted() {
        return script.isEmpty();
    }
}
