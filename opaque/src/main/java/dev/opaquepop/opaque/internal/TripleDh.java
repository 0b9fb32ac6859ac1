package dev.opaquepop.opaque.internal;

import java.nio.charset.StandardCharsets;

/**
 * The 3DH key exchange of RFC 9807 §6.4: the preamble (transcript) and the key schedule that turns the three
 * Diffie-Hellman results into the MAC keys and the session key.
 */
public final class TripleDh {
    private static final byte[] VERSION = "OPAQUEv1-".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LABEL_PREFIX = "OPAQUE-".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HANDSHAKE_SECRET = Oprf.ascii("HandshakeSecret");
    private static final byte[] SESSION_KEY = Oprf.ascii("SessionKey");
    private static final byte[] SERVER_MAC = Oprf.ascii("ServerMAC");
    private static final byte[] CLIENT_MAC = Oprf.ascii("ClientMAC");

    private TripleDh() {}

    /** Keys derived from one handshake. The caller owns (and wipes) every array. */
    public static final class Keys {
        public final byte[] serverMacKey;
        public final byte[] clientMacKey;
        public final byte[] sessionKey;
        public final byte[] handshakeSecret;

        Keys(byte[] serverMacKey, byte[] clientMacKey, byte[] sessionKey, byte[] handshakeSecret) {
            this.serverMacKey = serverMacKey;
            this.clientMacKey = clientMacKey;
            this.sessionKey = sessionKey;
            this.handshakeSecret = handshakeSecret;
        }

        public void wipe() {
            Bytes.wipe(serverMacKey, clientMacKey, sessionKey, handshakeSecret);
        }

        @Override
        public String toString() {
            return "TripleDh.Keys[redacted]";
        }
    }

    /**
     * The preamble of RFC 9807 §6.4.2: {@code "OPAQUEv1-" || context || client_identity || ke1 ||
     * server_identity || credential_response || server_nonce || server_public_keyshare}, with the context and
     * identities length-prefixed.
     */
    public static byte[] preamble(
            byte[] context,
            byte[] clientIdentity,
            byte[] ke1,
            byte[] serverIdentity,
            byte[] credentialResponse,
            byte[] serverNonce,
            byte[] serverPublicKeyshare) {
        return Bytes.concat(
                VERSION,
                Bytes.lengthPrefixed(context),
                Bytes.lengthPrefixed(clientIdentity),
                ke1,
                Bytes.lengthPrefixed(serverIdentity),
                credentialResponse,
                serverNonce,
                serverPublicKeyshare);
    }

    /** DeriveKeys of RFC 9807 §6.4.2 from {@code ikm = dh1 || dh2 || dh3} and the preamble. */
    public static Keys deriveKeys(byte[] ikm, byte[] preamble) {
        byte[] prk = Sha512.extract(new byte[0], ikm);
        byte[] transcriptHash = Sha512.hash(preamble);
        try {
            byte[] handshakeSecret = deriveSecret(prk, HANDSHAKE_SECRET, transcriptHash);
            byte[] sessionKey = deriveSecret(prk, SESSION_KEY, transcriptHash);
            byte[] serverMacKey = deriveSecret(handshakeSecret, SERVER_MAC, new byte[0]);
            byte[] clientMacKey = deriveSecret(handshakeSecret, CLIENT_MAC, new byte[0]);
            return new Keys(serverMacKey, clientMacKey, sessionKey, handshakeSecret);
        } finally {
            Bytes.wipe(prk);
        }
    }

    /** {@code server_mac = MAC(Km2, Hash(preamble))}. */
    public static byte[] serverMac(Keys keys, byte[] preamble) {
        return Sha512.mac(keys.serverMacKey, Sha512.hash(preamble));
    }

    /** {@code client_mac = MAC(Km3, Hash(preamble || server_mac))}. */
    public static byte[] clientMac(Keys keys, byte[] preamble, byte[] serverMac) {
        return Sha512.mac(keys.clientMacKey, Sha512.hash(preamble, serverMac));
    }

    /** {@code Derive-Secret(secret, label, transcript_hash) = Expand-Label(secret, label, transcript_hash, Nx)}. */
    private static byte[] deriveSecret(byte[] secret, byte[] label, byte[] context) {
        byte[] customLabel = Bytes.concat(
                Bytes.i2osp2(Sha512.LENGTH),
                Bytes.i2osp1(LABEL_PREFIX.length + label.length),
                LABEL_PREFIX,
                label,
                Bytes.i2osp1(context.length),
                context);
        return Sha512.expand(secret, customLabel, Sha512.LENGTH);
    }
}
