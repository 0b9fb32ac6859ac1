package dev.opaquepop.opaque;

import dev.opaquepop.opaque.internal.Bytes;
import dev.opaquepop.opaque.internal.Envelope;
import dev.opaquepop.opaque.internal.KeyPair;
import dev.opaquepop.opaque.internal.Oprf;
import dev.opaquepop.opaque.internal.Ristretto255;
import dev.opaquepop.opaque.internal.TripleDh;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/** The client's state between KE1 and KE3 of one login. Single use. */
public final class ClientLogin {
    private final OpaqueConfig config;
    private final byte[] password;
    private final byte[] blind;
    private final KeyPair keyshare;
    private final Ke1 ke1;
    private final AtomicBoolean used = new AtomicBoolean();

    private ClientLogin(OpaqueConfig config, byte[] password, byte[] blind, KeyPair keyshare, Ke1 ke1) {
        this.config = config;
        this.password = password;
        this.blind = blind;
        this.keyshare = keyshare;
        this.ke1 = ke1;
    }

    /** AuthClientStart (RFC 9807 §6.4.2) after CreateCredentialRequest: draws the nonce and the keyshare. */
    static ClientLogin start(OpaqueConfig config, SecureRandom random, byte[] password, Oprf.Blinded blinded) {
        byte[] clientNonce = new byte[Sizes.NONCE];
        random.nextBytes(clientNonce);
        byte[] keyshareSeed = new byte[Sizes.SEED];
        random.nextBytes(keyshareSeed);
        KeyPair keyshare = Envelope.deriveDiffieHellmanKeyPair(keyshareSeed);
        Bytes.wipe(keyshareSeed);
        Ke1 ke1 = Ke1.of(Bytes.concat(blinded.blindedElement(), clientNonce, keyshare.publicKey()));
        return new ClientLogin(config, password, blinded.blind(), keyshare, ke1);
    }

    /** The message to send to the server. */
    public Ke1 ke1() {
        return ke1;
    }

    /**
     * GenerateKE3 (RFC 9807 §6.3.2.3, §6.4.2): recovers the credentials, checks the server MAC, and returns KE3
     * with the session and export keys.
     *
     * @throws LoginFailedException for every failure (wrong password, tampered or fake KE2, reflected OPRF
     *     value, bad server MAC); the reason is deliberately not told
     * @throws IllegalStateException when this state was already used
     */
    public ClientLoginResult finish(Ke2 ke2, Identities identities) throws LoginFailedException {
        Objects.requireNonNull(ke2, "ke2");
        Objects.requireNonNull(identities, "identities");
        if (!used.compareAndSet(false, true)) {
            throw new IllegalStateException("this login state was already used");
        }
        try {
            return recoverAndAuthenticate(ke2, identities);
        } catch (InvalidMessageException e) {
            throw new LoginFailedException();
        } finally {
            Bytes.wipe(password, blind, keyshare.secretKey());
        }
    }

    private ClientLoginResult recoverAndAuthenticate(Ke2 ke2, Identities identities)
            throws LoginFailedException, InvalidMessageException {
        byte[] evaluated = ke2.evaluatedMessage();
        if (MessageDigest.isEqual(evaluated, ke1.blindedMessage())) {
            throw new LoginFailedException(); // a reflected OPRF value
        }
        byte[] randomizedPassword = RandomizedPassword.derive(config.ksf(), password, blind, evaluated);
        byte[] maskingKey = Envelope.maskingKey(randomizedPassword);
        byte[] unmasked = Envelope.mask(maskingKey, ke2.maskingNonce(), ke2.maskedResponse());
        Envelope.Recovered recovered = null;
        TripleDh.Keys keys = null;
        byte[] ikm = null;
        try {
            byte[] serverPublicKey = Bytes.slice(unmasked, 0, Sizes.ELEMENT);
            if (!Ristretto255.isValidElement(serverPublicKey)) {
                throw new LoginFailedException();
            }
            recovered = Envelope.recover(
                    randomizedPassword,
                    serverPublicKey,
                    Bytes.slice(unmasked, Sizes.ELEMENT, Sizes.ENVELOPE),
                    identities.serverOrNull(),
                    identities.clientOrNull());
            KeyPair client = recovered.clientKeyPair;
            byte[] preamble = TripleDh.preamble(
                    config.contextUnsafe(),
                    identities.clientOrNull() == null ? client.publicKey() : identities.clientOrNull(),
                    ke1.bytes(),
                    identities.serverOrNull() == null ? serverPublicKey : identities.serverOrNull(),
                    ke2.credentialResponse(),
                    ke2.serverNonce(),
                    ke2.serverPublicKeyshare());
            byte[] serverKeyshare = ke2.serverPublicKeyshare();
            ikm = Bytes.concat(
                    Ristretto255.multiply(keyshare.secretKey(), serverKeyshare),
                    Ristretto255.multiply(keyshare.secretKey(), serverPublicKey),
                    Ristretto255.multiply(client.secretKey(), serverKeyshare));
            keys = TripleDh.deriveKeys(ikm, preamble);
            byte[] expectedServerMac = TripleDh.serverMac(keys, preamble);
            if (!MessageDigest.isEqual(expectedServerMac, ke2.serverMac())) {
                throw new LoginFailedException();
            }
            byte[] clientMac = TripleDh.clientMac(keys, preamble, expectedServerMac);
            return new ClientLoginResult(
                    Ke3.of(clientMac),
                    SecretBytes.copyOf(keys.sessionKey),
                    SecretBytes.copyOf(recovered.exportKey),
                    serverPublicKey);
        } finally {
            Bytes.wipe(randomizedPassword, maskingKey, unmasked, ikm);
            if (recovered != null) {
                Bytes.wipe(recovered.exportKey, recovered.clientKeyPair.secretKey());
            }
            if (keys != null) {
                keys.wipe();
            }
        }
    }

    @Override
    public String toString() {
        return "ClientLogin[" + (used.get() ? "used" : "pending") + ", secrets redacted]";
    }
}
