package dev.opaquepop.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opaquepop.opaque.Argon2idKsf;
import java.time.Duration;

/**
 * What a server advertises at {@code GET /.well-known/opaque-pop}: its OPAQUE public key, the OPAQUE context,
 * the Argon2id parameters clients stretch passwords with, and the PoP window. The client requires the document
 * (it fails closed without it): without the key it could check nothing.
 */
public final class ServerInfo {
    /** The protocol this client speaks. */
    public static final String PROTOCOL = "opaque-pop-v1";
    /** The only OPAQUE suite of the protocol. */
    public static final String SUITE = "OPAQUE-3DH ristretto255-SHA512";

    private static final int PUBLIC_KEY_LENGTH = 32;

    private final byte[] serverPublicKey;
    private final byte[] context;
    private final Argon2idKsf ksf;
    private final Duration popWindow;

    private ServerInfo(byte[] serverPublicKey, byte[] context, Argon2idKsf ksf, Duration popWindow) {
        this.serverPublicKey = serverPublicKey;
        this.context = context;
        this.ksf = ksf;
        this.popWindow = popWindow;
    }

    /**
     * Reads the well-known document.
     *
     * @throws OpaquePopClientException {@code unsupported_server} for another protocol, suite or KSF; {@code
     *     invalid_response} for a document that does not have the specified shape
     */
    static ServerInfo parse(byte[] body) throws OpaquePopClientException {
        try {
            JsonNode root = Json.readObject(body);
            if (!PROTOCOL.equals(Json.text(root, "protocol"))) {
                throw unsupported("protocol");
            }
            byte[] key = Json.base64Url(root, "server_public_key");
            if (key.length != PUBLIC_KEY_LENGTH) {
                throw invalid("server_public_key must be 32 bytes");
            }
            JsonNode opaque = Json.object(root, "opaque");
            if (!SUITE.equals(Json.text(opaque, "suite"))) {
                throw unsupported("OPAQUE suite");
            }
            byte[] context = Json.base64Url(opaque, "context");
            Argon2idKsf argon2 = KsfJson.read(Json.object(opaque, "ksf"));
            int window = Json.positiveInt(Json.object(root, "pop"), "window_seconds");
            return new ServerInfo(key, context, argon2, Duration.ofSeconds(window));
        } catch (Json.JsonFormatException e) {
            throw invalid(e.getMessage());
        }
    }

    private static OpaquePopClientException unsupported(String what) {
        return new OpaquePopClientException(
                0, OpaquePopClientException.UNSUPPORTED_SERVER, "the server advertises an unsupported " + what);
    }

    private static OpaquePopClientException invalid(String detail) {
        return new OpaquePopClientException(
                0, OpaquePopClientException.INVALID_RESPONSE, "invalid /.well-known/opaque-pop: " + detail);
    }

    /** The server's long-term OPAQUE public key (32 bytes); logins must authenticate it. */
    public byte[] serverPublicKey() {
        return serverPublicKey.clone();
    }

    /** The OPAQUE context string (RFC 9807 §6.1), usually empty. */
    public byte[] context() {
        return context.clone();
    }

    /** The KSF clients stretch passwords with. */
    public Argon2idKsf ksf() {
        return ksf;
    }

    /** How far a request timestamp may be from the server's clock. */
    public Duration popWindow() {
        return popWindow;
    }

    @Override
    public String toString() {
        return "ServerInfo[ksf=" + ksf + ", context=" + context.length + " bytes, popWindow=" + popWindow + "]";
    }
}
