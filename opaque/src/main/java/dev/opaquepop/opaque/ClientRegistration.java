package dev.opaquepop.opaque;

import dev.opaquepop.opaque.internal.Bytes;
import dev.opaquepop.opaque.internal.Envelope;
import dev.opaquepop.opaque.internal.Oprf;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/** The client's state between RegistrationRequest and RegistrationRecord. Single use. */
public final class ClientRegistration {
    private final OpaqueConfig config;
    private final SecureRandom random;
    private final byte[] password;
    private final byte[] blind;
    private final RegistrationRequest request;
    private final AtomicBoolean used = new AtomicBoolean();

    ClientRegistration(OpaqueConfig config, SecureRandom random, byte[] password, Oprf.Blinded blinded) {
        this.config = config;
        this.random = random;
        this.password = password;
        this.blind = blinded.blind();
        this.request = RegistrationRequest.of(blinded.blindedElement());
    }

    /** The message to send to the server. */
    public RegistrationRequest request() {
        return request;
    }

    /**
     * FinalizeRegistrationRequest (RFC 9807 §5.2.3): builds the record to upload and the export key.
     *
     * @throws OpaqueException when the response reflects the request (a server trying to skip its OPRF key)
     * @throws IllegalStateException when this state was already used
     */
    public ClientRegistrationResult finish(RegistrationResponse response, Identities identities)
            throws OpaqueException {
        Objects.requireNonNull(response, "response");
        Objects.requireNonNull(identities, "identities");
        if (!used.compareAndSet(false, true)) {
            throw new IllegalStateException("this registration state was already used");
        }
        byte[] randomizedPassword = null;
        Envelope.Stored stored = null;
        try {
            byte[] evaluated = response.evaluatedMessage();
            if (MessageDigest.isEqual(evaluated, request.blindedMessage())) {
                throw new OpaqueException("registration response rejected");
            }
            randomizedPassword = RandomizedPassword.derive(config.ksf(), password, blind, evaluated);
            stored = Envelope.store(
                    randomizedPassword,
                    response.serverPublicKey(),
                    identities.serverOrNull(),
                    identities.clientOrNull(),
                    random);
            RegistrationRecord record =
                    RegistrationRecord.of(stored.clientPublicKey, stored.maskingKey, stored.envelope);
            return new ClientRegistrationResult(record, SecretBytes.copyOf(stored.exportKey));
        } finally {
            Bytes.wipe(password, blind, randomizedPassword);
            if (stored != null) {
                Bytes.wipe(stored.maskingKey, stored.exportKey);
            }
        }
    }

    @Override
    public String toString() {
        return "ClientRegistration[" + (used.get() ? "used" : "pending") + ", secrets redacted]";
    }
}
