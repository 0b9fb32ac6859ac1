package dev.opaquepop.server.api;

import dev.opaquepop.server.store.Session;

/**
 * An application request whose PoP signature verified: the session it was signed under, its nonce (now spent), and
 * the body the signature covers, which is what the application must read (never the stream again).
 */
public final class Verified {
    private final Session session;
    private final String nonce;
    private final byte[] body;

    Verified(Session session, String nonce, byte[] body) {
        this.session = session;
        this.nonce = nonce;
        this.body = body;
    }

    /** The user the session belongs to. */
    public String username() {
        return session.username();
    }

    public Session session() {
        return session;
    }

    public String nonce() {
        return nonce;
    }

    /** The verified body bytes (a copy). */
    public byte[] body() {
        return body.clone();
    }

    @Override
    public String toString() {
        return "Verified[user=" + session.username() + "]";
    }
}
