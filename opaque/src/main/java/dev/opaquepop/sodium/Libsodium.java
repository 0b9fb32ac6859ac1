package dev.opaquepop.sodium;

import com.goterl.lazysodium.SodiumJava;

/**
 * The process's one libsodium, loaded on first use ({@link BundledSodium}) and shared by everything that calls
 * it: the ristretto255 group of OPAQUE and the gateway's Ed25519 signatures. Loading twice would copy and map
 * the library twice; holding it here keeps one copy however many packages need it.
 */
public final class Libsodium {
    private Libsodium() {}

    /** Loaded by the JVM the first time {@link #get()} runs (the holder idiom: thread-safe, no lock per call). */
    private static final class Holder {
        static final SodiumJava SODIUM = BundledSodium.load();
    }

    /** The loaded library; the first call loads it. */
    public static SodiumJava get() {
        return Holder.SODIUM;
    }
}
