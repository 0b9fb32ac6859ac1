package dev.opaquepop.opaque;

/**
 * The outcome of a successful login on the client: KE3 to send, the session key shared with the server, the
 * export key (equal to the one from registration) and the server public key that was authenticated.
 */
public final class ClientLoginResult {
    private final Ke3 ke3;
    private final SecretBytes sessionKey;
    private final SecretBytes exportKey;
    private final byte[] serverPublicKey;

    ClientLoginResult(Ke3 ke3, SecretBytes sessionKey, SecretBytes exportKey, byte[] serverPublicKey) {
        this.ke3 = ke3;
        this.sessionKey = sessionKey;
        this.exportKey = exportKey;
        this.serverPublicKey = serverPublicKey.clone();
    }

    public Ke3 ke3() {
        return ke3;
    }

    /** The 64-byte session key, equal to the server's. */
    public SecretBytes sessionKey() {
        return sessionKey;
    }

    /** The 64-byte export key, equal to the one registration produced. */
    public SecretBytes exportKey() {
        return exportKey;
    }

    /** The server's long-term public key as recovered from the envelope (authenticated by the login). */
    public byte[] serverPublicKey() {
        return serverPublicKey.clone();
    }

    @Override
    public String toString() {
        return "ClientLoginResult[" + ke3 + ", keys redacted]";
    }
}
