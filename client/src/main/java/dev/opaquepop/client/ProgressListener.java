package dev.opaquepop.client;

import java.time.Duration;

/**
 * Told about slow steps so a user interface can say what is happening. Today the one slow step is stretching
 * the password with the KSF (Argon2id takes about a second with the default parameters), run at registration
 * and at every login. Called on the thread that called the client; must not throw.
 */
public interface ProgressListener {
    /** Ignores everything. */
    ProgressListener NONE = new ProgressListener() {};

    /**
     * A slow step begins.
     *
     * @param description e.g. {@code "stretching password (Argon2id m=65536 t=3 p=4)"}
     */
    default void stepStarted(String description) {}

    /** The step announced with the same description ended, successfully or not. */
    default void stepFinished(String description, Duration elapsed) {}
}
