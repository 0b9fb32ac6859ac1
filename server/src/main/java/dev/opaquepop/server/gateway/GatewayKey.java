package dev.opaquepop.server.gateway;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import dev.opaquepop.server.SecretFiles;
import dev.opaquepop.sodium.Ed25519SigningKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.text.ParseException;
import java.util.Arrays;

/**
 * The gateway's Ed25519 signing key, kept as a private JWK in a file only its owner can read ({@code
 * --gateway-key-file}, by default {@code <data>-secrets/gateway-key.jwk}) and created there on first start, so
 * the public key upstreams pinned stays the same across restarts. Its key id is its RFC 7638 thumbprint.
 */
final class GatewayKey {
    private final OctetKeyPair key;
    private final Ed25519SigningKey signingKey;

    private GatewayKey(OctetKeyPair key, Ed25519SigningKey signingKey) {
        this.key = key;
        this.signingKey = signingKey;
    }

    /**
     * Loads the key, or creates it from {@code random} when the file does not exist yet.
     *
     * @throws IllegalArgumentException for a file others can read, or one that holds no Ed25519 private key
     */
    static GatewayKey loadOrCreate(Path file, SecureRandom random) throws IOException {
        String text;
        try {
            SecretFiles.requireOwnerOnly(file, "gateway key file");
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            GatewayKey created = generate(random);
            Path directory = file.toAbsolutePath().getParent();
            if (directory != null) {
                SecretFiles.createPrivateDirectory(directory);
            }
            SecretFiles.writeOwnerOnly(file, created.key.toJSONString() + "\n");
            return created;
        }
        try {
            OctetKeyPair parsed = OctetKeyPair.parse(text.strip());
            if (!Curve.Ed25519.equals(parsed.getCurve()) || !parsed.isPrivate()) {
                throw new ParseException("not an Ed25519 private key", 0);
            }
            byte[] seed = parsed.getDecodedD();
            try {
                if (seed.length != Ed25519SigningKey.SEED_LENGTH) {
                    throw new ParseException("not an Ed25519 private key", 0);
                }
                Ed25519SigningKey signing = Ed25519SigningKey.fromSeed(seed);
                // A public half that is not the private half's would have every assertion fail upstream.
                if (!MessageDigest.isEqual(signing.publicKey(), parsed.getDecodedX())) {
                    throw new ParseException("public key does not match the private key", 0);
                }
                return new GatewayKey(withThumbprintId(parsed), signing);
            } finally {
                Arrays.fill(seed, (byte) 0);
            }
        } catch (ParseException | JOSEException e) {
            // The parser's message may quote the file; the file is a secret.
            throw new IllegalArgumentException("gateway key file " + file + " does not hold an Ed25519 private JWK:"
                    + " remove it to have a new key created (upstreams must then fetch the new public key)");
        }
    }

    /** A new key from 32 bytes of {@code random} (the seed RFC 8032 calls the private key). */
    static GatewayKey generate(SecureRandom random) {
        byte[] seed = new byte[32];
        random.nextBytes(seed);
        try {
            Ed25519SigningKey signing = Ed25519SigningKey.fromSeed(seed);
            OctetKeyPair key = new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(signing.publicKey()))
                    .d(Base64URL.encode(seed))
                    .build();
            return new GatewayKey(withThumbprintId(key), signing);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot derive an Ed25519 key pair", e);
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
    }

    private static OctetKeyPair withThumbprintId(OctetKeyPair key) throws JOSEException {
        return new OctetKeyPair.Builder(key)
                .keyUse(KeyUse.SIGNATURE)
                .keyIDFromThumbprint()
                .build();
    }

    /** The private key as libsodium signs with it, for the signer only. */
    Ed25519SigningKey signingKey() {
        return signingKey;
    }

    String keyId() {
        return key.getKeyID();
    }

    /** The public key set served at {@code /.well-known/jwks.json}: this key without its private part. */
    String publicJwkSet() {
        return new JWKSet(key.toPublicJWK()).toString(true);
    }

    @Override
    public String toString() {
        return "GatewayKey[kid=" + key.getKeyID() + "]";
    }
}
