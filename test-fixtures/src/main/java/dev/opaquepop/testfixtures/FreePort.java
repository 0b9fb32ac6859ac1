package dev.opaquepop.testfixtures;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/**
 * A TCP port free at the moment of asking, for a child process or server that must be told its port before it
 * starts (an in-process server takes port 0 instead, which cannot race).
 */
public final class FreePort {
    private FreePort() {}

    /** A port the system had free just now (another process may still take it before it is used). */
    public static int pick() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
