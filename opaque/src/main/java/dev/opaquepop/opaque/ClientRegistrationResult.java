package dev.opaquepop.opaque;

/**
 * The outcome of a registration on the client: the record to upload to the server, and the export key, an
 * application key that only someone knowing the password can re-derive at login (RFC 9807 §5.2.3).
 */
public final class ClientRegistrationResult {
    private final RegistrationRecord record;
    private final SecretBytes exportKey;

    ClientRegistrationResult(RegistrationRecord record, SecretBytes exportKey) {
        this.record = record;
        this.exportKey = exportKey;
    }

    public RegistrationRecord record() {
        return record;
    }

    public SecretBytes exportKey() {
        return exportKey;
    }

    @Override
    public String toString() {
        return "ClientRegistrationResult[" + record + ", exportKey redacted]";
    }
}
