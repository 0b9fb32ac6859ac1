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

    /** GenerateKE3 (RFC 9807 §6.4.2): RecoverCredentials, then AuthClientFinalize. */
    private ClientLoginResult recoverAndAuthenticate(Ke2 ke2, Identities identities)
            throws LoginFailedException, InvalidMessageException {
        Credentials credentials = recoverCredentials(ke2, identities);
        try {
            return authClientFinalize(credentials, ke2);
        } finally {
            credentials.wipe();
        }
    }

    /**
     * What RecoverCredentials yields: the client's key pair, the cleartext credentials (the server's public key and
     * both identities, defaulted to the public keys when absent) and the export key.
     */
    private static final class Credentials {
        final KeyPair clientKeyPair;
        final byte[] serverPublicKey;
        final byte[] clientIdentity;
        final byte[] serverIdentity;
        final byte[] exportKey;

        Credentials(
                KeyPair clientKeyPair,
                byte[] serverPublicKey,
                byte[] clientIdentity,
                byte[] serverIdentity,
                byte[] exportKey) {
            this.clientKeyPair = clientKeyPair;
            this.serverPublicKey = serverPublicKey;
            this.clientIdentity = clientIdentity;
            this.serverIdentity = serverIdentity;
            this.exportKey = exportKey;
        }

        void wipe() {
            Bytes.wipe(exportKey, clientKeyPair.secretKey());
        }

        @Override
        public String toString() {
            return "Credentials[redacted]";
        }
    }

    /**
     * RecoverCredentials (RFC 9807 §6.3.2.2): finalizes the OPRF with the password into the randomized password,
     * unmasks the credential response into the server's public key and the envelope, and opens the envelope. A
     * KE2 whose evaluated element is our own blinded element (a server reflecting it) is refused first.
     */
    private Credentials recoverCredentials(Ke2 ke2, Identities identities)
            throws LoginFailedException, InvalidMessageException {
        byte[] evaluated = ke2.evaluatedMessage();
        if (MessageDigest.isEqual(evaluated, ke1.blindedMessage())) {
            throw new LoginFailedException(); // a reflected OPRF value
        }
        byte[] randomizedPassword = RandomizedPassword.derive(config.ksf(), password, blind, evaluated);
        byte[] maskingKey = Envelope.maskingKey(randomizedPassword);
        byte[] unmasked = Envelope.mask(maskingKey, ke2.maskingNonce(), ke2.maskedResponse());
        try {
            byte[] serverPublicKey = Bytes.slice(unmasked, 0, Sizes.ELEMENT);
            if (!Ristretto255.isValidElement(serverPublicKey)) {
                throw new LoginFailedException();
            }
            Envelope.Recovered recovered = Envelope.recover(
                    randomizedPassword,
                    serverPublicKey,
                    Bytes.slice(unmasked, Sizes.ELEMENT, Sizes.ENVELOPE),
                    identities.serverOrNull(),
                    identities.clientOrNull());
            KeyPair client = recovered.clientKeyPair;
            return new Credentials(
                    client,
                    serverPublicKey,
                    identities.clientOrNull() == null ? client.publicKey() : identities.clientOrNull(),
                    identities.serverOrNull() == null ? serverPublicKey : identities.serverOrNull(),
                    recovered.exportKey);
        } finally {
            Bytes.wipe(randomizedPassword, maskingKey, unmasked);
        }
    }

    /**
     * AuthClientFinalize (RFC 9807 §6.4.2): the three Diffie-Hellman products, the keys derived from them and the
     * transcript preamble, the server's MAC checked in constant time, and the client's MAC as KE3.
     */
    private ClientLoginResult authClientFinalize(Credentials credentials, Ke2 ke2)
            throws LoginFailedException, InvalidMessageException {
        byte[] preamble = TripleDh.preamble(
                config.contextUnsafe(),
                credentials.clientIdentity,
                ke1.bytes(),
                credentials.serverIdentity,
                ke2.credentialResponse(),
                ke2.serverNonce(),
                ke2.serverPublicKeyshare());
        byte[] serverKeyshare = ke2.serverPublicKeyshare();
        byte[] ikm = Bytes.concat(
                Ristretto255.multiply(keyshare.secretKey(), serverKeyshare),
                Ristretto255.multiply(keyshare.secretKey(), credentials.serverPublicKey),
                Ristretto255.multiply(credentials.clientKeyPair.secretKey(), serverKeyshare));
        TripleDh.Keys keys = TripleDh.deriveKeys(ikm, preamble);
        try {
            byte[] expectedServerMac = TripleDh.serverMac(keys, preamble);
            if (!MessageDigest.isEqual(expectedServerMac, ke2.serverMac())) {
                throw new LoginFailedException();
            }
            byte[] clientMac = TripleDh.clientMac(keys, preamble, expectedServerMac);
            return new ClientLoginResult(
                    Ke3.of(clientMac),
                    SecretBytes.copyOf(keys.sessionKey),
                    SecretBytes.copyOf(credentials.exportKey),
                    credentials.serverPublicKey);
        } finally {
            Bytes.wipe(ikm);
            keys.wipe();
        }
    }

    @Override
    public String toString() {
        return "ClientLogin[" + (used.get() ? "used" : "pending") + ", secrets redacted]";
    }
}
