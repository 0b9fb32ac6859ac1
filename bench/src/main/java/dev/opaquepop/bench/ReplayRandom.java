package dev.opaquepop.bench;

import java.io.Serial;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * Randomness that can be recorded once and then replayed: a benchmark records the draws of one client login,
 * has the server answer that KE1 once, and then repeats the very same client computation as often as it likes
 * against that one KE2. The arithmetic is the same whatever the bytes (libsodium is constant time), so the
 * measured cost is that of a real login; only the server's part is left out. Never use it for anything else.
 */
final class ReplayRandom extends SecureRandom {
    @Serial
    private static final long serialVersionUID = 1L;

    private final transient SecureRandom source;
    private final transient List<byte[]> draws = new ArrayList<>();
    private boolean replaying;
    private int next;

    ReplayRandom(SecureRandom source) {
        this.source = source;
    }

    /** Stops recording: from now on {@link #nextBytes} hands out the recorded draws, from the first. */
    void replay() {
        replaying = true;
        next = 0;
    }

    /** Starts the recorded sequence again from its first draw. */
    void rewind() {
        next = 0;
    }

    @Override
    public void nextBytes(byte[] bytes) {
        if (!replaying) {
            source.nextBytes(bytes);
            draws.add(bytes.clone());
            return;
        }
        if (next >= draws.size() || draws.get(next).length != bytes.length) {
            throw new IllegalStateException("the replayed computation asked for other randomness than recorded");
        }
        System.arraycopy(draws.get(next++), 0, bytes, 0, bytes.length);
    }
}
