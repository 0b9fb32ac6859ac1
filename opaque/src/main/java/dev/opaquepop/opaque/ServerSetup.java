package dev.opaquepop.opaque;

import dev.opaquepop.opaque.internal.Bytes;
import dev.opaquepop.opaque.internal.Ristretto255;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The server's long-term secrets (RFC 9807 §3.1, §6.3.2.2): the OPRF seed from which every user's OPRF key is
 * derived, the server's AKE key pair, and a dummy public key that stands in for the client's key in the fake
 * records answered to unknown users.
 *
 * <p>Encoded exactly as opaque-ke serializes {@code ServerSetup}, 128 bytes: {@code oprf_seed (64) ||
 * server_private_key (32) || dummy_public_key (32)}, so a setup moves between this library and opaque-ke
 * (and its npm build) in both directions and users keep logging in.
 */
public final class ServerSetup {
    public static final int LENGTH = Sizes.HASH + Sizes.SCALAR + Sizes.ELEMENT;

    private final byte[] oprfSeed;
    private final byte[] serverPrivateKey;
    private final byte[] serverPublicKey;
    private final byte[] dummyPublicKey;

    private ServerSetup(byte[] oprfSeed, byte[] serverPrivateKey, byte[] dummyPublicKey) {
        this.oprfSeed = oprfSeed;
        this.serverPrivateKey = serverPrivateKey;
        this.serverPublicKey = Ristretto255.multiplyBase(serverPrivateKey);
        this.dummyPublicKey = dummyPublicKey;
    }

    /** A fresh setup: a random OPRF seed, a random server key pair and a random dummy public key. */
    public static ServerSetup generate(SecureRandom random) {
        byte[] oprfSeed = new byte[Sizes.HASH];
        random.nextBytes(oprfSeed);
        byte[] serverPrivateKey = Ristretto255.randomScalar(random);
        byte[] dummyPrivateKey = Ristretto255.randomScalar(random);
        byte[] dummyPublicKey = Ristretto255.multiplyBase(dummyPrivateKey);
        Bytes.wipe(dummyPrivateKey);
        return new ServerSetup(oprfSeed, serverPrivateKey, dummyPublicKey);
    }

    /**
     * Decodes the 128-byte opaque-ke encoding, checking that the private key is a canonical non-zero scalar and
     * the dummy public key a valid element.
     */
    public static ServerSetup decode(byte[] encoded) throws InvalidMessageException {
        if (encoded == null || encoded.length != LENGTH) {
            throw new InvalidMessageException("ServerSetup: expected " + LENGTH + " bytes, got "
                    + (encoded == null ? "none" : String.valueOf(encoded.length)));
        }
        byte[] oprfSeed = Bytes.slice(encoded, 0, Sizes.HASH);
        byte[] serverPrivateKey = Bytes.slice(encoded, Sizes.HASH, Sizes.SCALAR);
        byte[] dummyPublicKey = Bytes.slice(encoded, Sizes.HASH + Sizes.SCALAR, Sizes.ELEMENT);
        if (!Ristretto255.isCanonicalNonZeroScalar(serverPrivateKey)) {
            Bytes.wipe(oprfSeed, serverPrivateKey);
            throw new InvalidMessageException("ServerSetup.server_private_key: not a canonical non-zero scalar");
        }
        Ristretto255.requireValidElement("ServerSetup.dummy_public_key", dummyPublicKey);
        return new ServerSetup(oprfSeed, serverPrivateKey, dummyPublicKey);
    }

    /** Decodes a setup wrapped in {@link SecretBytes}, e.g. from {@link #encode()}. */
    public static ServerSetup decode(SecretBytes encoded) throws InvalidMessageException {
        byte[] bytes = encoded.revealBytes();
        try {
            return decode(bytes);
        } finally {
            Bytes.wipe(bytes);
        }
    }

    /** The 128-byte encoding. It contains the server's secrets: store it like a private key. */
    public SecretBytes encode() {
        return SecretBytes.adopt(Bytes.concat(oprfSeed, serverPrivateKey, dummyPublicKey));
    }

    /** The server's long-term public key (32 bytes), which clients bind into their envelopes. */
    public byte[] publicKey() {
        return serverPublicKey.clone();
    }

    byte[] oprfSeed() {
        return oprfSeed;
    }

    byte[] serverPrivateKey() {
        return serverPrivateKey;
    }

    byte[] serverPublicKeyUnsafe() {
        return serverPublicKey;
    }

    byte[] dummyPublicKey() {
        return dummyPublicKey;
    }

    @Override
    public String toString() {
        return "ServerSetup[publicKey=" + HexFormat.of().formatHex(serverPublicKey) + ", secrets redacted]";
    }
}
