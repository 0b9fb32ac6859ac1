package dev.opaquepop.opaque;

import dev.opaquepop.opaque.internal.Bytes;
import dev.opaquepop.opaque.internal.Envelope;
import dev.opaquepop.opaque.internal.KeyPair;
import dev.opaquepop.opaque.internal.Oprf;
import dev.opaquepop.opaque.internal.Ristretto255;
import dev.opaquepop.opaque.internal.Sha512;
import dev.opaquepop.opaque.internal.TripleDh;
import java.security.SecureRandom;
import java.util.Objects;

/**
 * The server side of OPAQUE-3DH (RFC 9807): registration responses and the first login step. Thread-safe and
 * stateless between calls; per-login state lives in the {@link ServerLogin} each login returns.
 *
 * <p>Random values are drawn from the injected {@link SecureRandom} in this order, which the RFC vector tests
 * rely on: at login start, a fake masking key (64 bytes, always, used only for unknown users), the masking
 * nonce, the server nonce and the server keyshare seed (32 bytes each).
 */
public final class OpaqueServer {
    private static final byte[] OPRF_KEY = "OprfKey".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] DERIVE_KEY_PAIR =
            "OPAQUE-DeriveKeyPair".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final OpaqueConfig config;
    private final ServerSetup setup;
    private final SecureRandom random;

    public OpaqueServer(OpaqueConfig config, ServerSetup setup, SecureRandom random) {
        this.config = Objects.requireNonNull(config, "config");
        this.setup = Objects.requireNonNull(setup, "setup");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** The server's long-term public key. */
    public byte[] publicKey() {
        return setup.publicKey();
    }

    /**
     * CreateRegistrationResponse (RFC 9807 §5.2.2): evaluates the client's blinded password under the OPRF key
     * of {@code credentialIdentifier}.
     */
    public RegistrationResponse registrationResponse(RegistrationRequest request, byte[] credentialIdentifier)
            throws OpaqueException {
        byte[] oprfKey = oprfKey(credentialIdentifier);
        try {
            byte[] evaluated = Oprf.blindEvaluate(oprfKey, request.blindedMessage());
            return RegistrationResponse.of(evaluated, setup.serverPublicKeyUnsafe());
        } finally {
            Bytes.wipe(oprfKey);
        }
    }

    /**
     * GenerateKE2 (RFC 9807 §6.3.2.1, §6.4.3). With a {@code null} record (an unknown user) the response is built
     * from a fake record (§6.3.2.2: the setup's dummy public key, a random masking key and a zero envelope) with
     * the same computations, so neither its shape nor its cost tells the user does not exist. The login then
     * fails at {@link ServerLogin#finish}, like a wrong password.
     *
     * @param record the user's registration record, or {@code null} when there is none
     * @param credentialIdentifier the identifier the record was registered under (e.g. the username bytes)
     */
    public ServerLogin startLogin(
            RegistrationRecord record, Ke1 ke1, byte[] credentialIdentifier, Identities identities)
            throws OpaqueException {
        Objects.requireNonNull(ke1, "ke1");
        Objects.requireNonNull(identities, "identities");
        byte[] fakeMaskingKey = new byte[Sizes.HASH];
        random.nextBytes(fakeMaskingKey);
        byte[] fakeRecord = Bytes.concat(setup.dummyPublicKey(), fakeMaskingKey, new byte[Sizes.ENVELOPE]);
        // Whether the user exists must not show in the timing: the fake record is always built, and a byte-wise
        // select with no data-dependent branch picks the record used. The one branch only chooses which array
        // reference feeds the select (the record's own bytes, not a copy), the same cost either way.
        boolean known = record != null;
        byte[] realOrFake = known ? record.bytes() : fakeRecord;
        byte[] recordBytes = Bytes.select(known, realOrFake, fakeRecord);
        byte[] clientPublicKey = Bytes.slice(recordBytes, 0, Sizes.ELEMENT);
        byte[] maskingKey = Bytes.slice(recordBytes, Sizes.ELEMENT, Sizes.HASH);
        byte[] envelope = Bytes.slice(recordBytes, Sizes.ELEMENT + Sizes.HASH, Sizes.ENVELOPE);

        byte[] oprfKey = oprfKey(credentialIdentifier);
        KeyPair keyshare = null;
        TripleDh.Keys keys = null;
        byte[] ikm = null;
        try {
            // CreateCredentialResponse (§6.3.2.1)
            byte[] evaluated = Oprf.blindEvaluate(oprfKey, ke1.blindedMessage());
            byte[] maskingNonce = randomBytes(Sizes.NONCE);
            byte[] maskedResponse =
                    Envelope.mask(maskingKey, maskingNonce, Bytes.concat(setup.serverPublicKeyUnsafe(), envelope));
            byte[] credentialResponse = Bytes.concat(evaluated, maskingNonce, maskedResponse);

            // AuthServerRespond (§6.4.3)
            byte[] serverNonce = randomBytes(Sizes.NONCE);
            byte[] keyshareSeed = randomBytes(Sizes.SEED);
            keyshare = Envelope.deriveDiffieHellmanKeyPair(keyshareSeed);
            Bytes.wipe(keyshareSeed);
            byte[] preamble = TripleDh.preamble(
                    config.contextUnsafe(),
                    identityOr(identities.clientOrNull(), clientPublicKey),
                    ke1.bytes(),
                    identityOr(identities.serverOrNull(), setup.serverPublicKeyUnsafe()),
                    credentialResponse,
                    serverNonce,
                    keyshare.publicKey());
            byte[] clientKeyshare = ke1.clientPublicKeyshare();
            ikm = Bytes.concat(
                    Ristretto255.multiply(keyshare.secretKey(), clientKeyshare),
                    Ristretto255.multiply(setup.serverPrivateKey(), clientKeyshare),
                    Ristretto255.multiply(keyshare.secretKey(), clientPublicKey));
            keys = TripleDh.deriveKeys(ikm, preamble);
            byte[] serverMac = TripleDh.serverMac(keys, preamble);
            byte[] expectedClientMac = TripleDh.clientMac(keys, preamble, serverMac);
            Ke2 ke2 = Ke2.of(Bytes.concat(credentialResponse, serverNonce, keyshare.publicKey(), serverMac));
            return new ServerLogin(ke2, expectedClientMac, keys.sessionKey.clone());
        } finally {
            Bytes.wipe(oprfKey, fakeMaskingKey, fakeRecord, recordBytes, maskingKey, ikm);
            if (keyshare != null) {
                Bytes.wipe(keyshare.secretKey());
            }
            if (keys != null) {
                keys.wipe();
            }
        }
    }

    /** {@code DeriveKeyPair(Expand(oprf_seed, credential_identifier || "OprfKey", Nok), "OPAQUE-DeriveKeyPair")}. */
    private byte[] oprfKey(byte[] credentialIdentifier) {
        return deriveOprfKey(setup.oprfSeed(), Objects.requireNonNull(credentialIdentifier, "credentialIdentifier"));
    }

    static byte[] deriveOprfKey(byte[] oprfSeed, byte[] credentialIdentifier) {
        byte[] seed = Sha512.expand(oprfSeed, Bytes.concat(credentialIdentifier, OPRF_KEY), Sizes.OPRF_KEY);
        try {
            return Oprf.deriveSecretKey(seed, DERIVE_KEY_PAIR);
        } finally {
            Bytes.wipe(seed);
        }
    }

    private byte[] randomBytes(int length) {
        byte[] out = new byte[length];
        random.nextBytes(out);
        return out;
    }

    private static byte[] identityOr(byte[] identity, byte[] publicKey) {
        return identity == null ? publicKey : identity;
    }

    @Override
    public String toString() {
        return "OpaqueServer[" + setup + ", " + config + "]";
    }
}
