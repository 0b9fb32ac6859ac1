package dev.opaquepop.opaque;

import dev.opaquepop.opaque.internal.Bytes;
import java.security.MessageDigest;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The server's state between KE2 and KE3 of one login (RFC 9807 §6.4.3): the expected client MAC and the
 * session key. Single use: {@link #finish} may be called once, whatever its outcome.
 *
 * <p>{@link #exportState()} and {@link #restore} let a login that started on one server instance finish on
 * another; the exported state is secret (it contains the session key).
 */
public final class ServerLogin {
    static final int STATE_LENGTH = Sizes.HASH + Sizes.HASH;

    private final Ke2 ke2;
    private final byte[] expectedClientMac;
    private final byte[] sessionKey;
    private final AtomicBoolean used = new AtomicBoolean();

    ServerLogin(Ke2 ke2, byte[] expectedClientMac, byte[] sessionKey) {
        this.ke2 = ke2;
        this.expectedClientMac = expectedClientMac;
        this.sessionKey = sessionKey;
    }

    /** The KE2 message to send to the client ({@code null} for a restored state). */
    public Ke2 ke2() {
        return ke2;
    }

    /**
     * AuthServerFinalize (RFC 9807 §6.4.3): verifies the client MAC in constant time and returns the session
     * key.
     *
     * @throws LoginFailedException when the MAC does not match: wrong password, unknown user or tampering
     * @throws IllegalStateException when this state was already used
     */
    public SecretBytes finish(Ke3 ke3) throws LoginFailedException {
        if (!used.compareAndSet(false, true)) {
            throw new IllegalStateException("this login state was already used");
        }
        try {
            if (!MessageDigest.isEqual(expectedClientMac, ke3.clientMac())) {
                throw new LoginFailedException();
            }
            return SecretBytes.copyOf(sessionKey);
        } finally {
            Bytes.wipe(expectedClientMac, sessionKey);
        }
    }

    /**
     * The state as {@code expected_client_mac (64) || session_key (64)}, to store between the two requests.
     * Exporting hands the state over: this object can no longer finish, so there is one usable copy at a time.
     */
    public SecretBytes exportState() {
        if (!used.compareAndSet(false, true)) {
            throw new IllegalStateException("this login state was already used");
        }
        try {
            return SecretBytes.adopt(Bytes.concat(expectedClientMac, sessionKey));
        } finally {
            Bytes.wipe(expectedClientMac, sessionKey);
        }
    }

    /** Rebuilds a state from {@link #exportState()}; its {@link #ke2()} is {@code null}. */
    public static ServerLogin restore(SecretBytes state) throws InvalidMessageException {
        if (state.size() != STATE_LENGTH) {
            throw new InvalidMessageException(
                    "ServerLogin state: expected " + STATE_LENGTH + " bytes, got " + state.size());
        }
        byte[] bytes = state.revealBytes();
        try {
            return new ServerLogin(null, Bytes.slice(bytes, 0, Sizes.HASH), Bytes.slice(bytes, Sizes.HASH, Sizes.HASH));
        } finally {
            Bytes.wipe(bytes);
        }
    }

    @Override
    public String toString() {
        return "ServerLogin[" + (used.get() ? "used" : "pending") + ", secrets redacted]";
    }
}
