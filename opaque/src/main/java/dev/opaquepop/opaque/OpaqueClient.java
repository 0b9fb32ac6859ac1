package dev.opaquepop.opaque;

import dev.opaquepop.opaque.internal.Oprf;
import java.security.SecureRandom;
import java.util.Objects;

/**
 * The client side of OPAQUE-3DH (RFC 9807): starts registrations and logins, each returning a single-use state
 * object that finishes the exchange. Thread-safe.
 *
 * <p>Random values are drawn from the injected {@link SecureRandom} in this order, which the RFC vector tests
 * rely on: the OPRF blind (32-byte draws until one is a valid scalar) at every start; then the envelope nonce
 * at registration finish, or the client nonce and the client keyshare seed at login start.
 */
public final class OpaqueClient {
    private final OpaqueConfig config;
    private final SecureRandom random;

    public OpaqueClient(OpaqueConfig config, SecureRandom random) {
        this.config = Objects.requireNonNull(config, "config");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** CreateRegistrationRequest (RFC 9807 §5.2.1). The password is copied; the caller may wipe its array. */
    public ClientRegistration startRegistration(byte[] password) throws OpaqueException {
        Objects.requireNonNull(password, "password");
        Oprf.Blinded blinded = Oprf.blind(password, random);
        return new ClientRegistration(config, random, password.clone(), blinded);
    }

    /** GenerateKE1 (RFC 9807 §6.3.1, §6.4.2). The password is copied; the caller may wipe its array. */
    public ClientLogin startLogin(byte[] password) throws OpaqueException {
        Objects.requireNonNull(password, "password");
        Oprf.Blinded blinded = Oprf.blind(password, random);
        return ClientLogin.start(config, random, password.clone(), blinded);
    }

    @Override
    public String toString() {
        return "OpaqueClient[" + config + "]";
    }
}
