package dev.opaquepop.server.gateway;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.util.Base64URL;
import dev.opaquepop.sodium.Ed25519SigningKey;
import java.util.Set;

/**
 * Nimbus' {@link JWSSigner} for EdDSA over Ed25519 (RFC 8037), with the signature computed by libsodium. Nimbus
 * still builds and serialises the JWS; only the 64 signature bytes come from here. Its own {@code Ed25519Signer}
 * goes through Tink's pure-Java Ed25519, which was 27 % of the gateway's CPU per forwarded request in a profile
 * (JFR CPU-time samples under {@code bench gateway}); Ed25519 is deterministic, so both produce the same bytes
 * (checked by {@code SodiumEd25519SignerTest}).
 */
final class SodiumEd25519Signer implements JWSSigner {
    private final Ed25519SigningKey key;
    private final JCAContext context = new JCAContext();

    SodiumEd25519Signer(Ed25519SigningKey key) {
        this.key = key;
    }

    @Override
    public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
        if (!JWSAlgorithm.EdDSA.equals(header.getAlgorithm())) {
            throw new JOSEException("this signer makes EdDSA (Ed25519) signatures only");
        }
        return Base64URL.encode(key.sign(signingInput));
    }

    @Override
    public Set<JWSAlgorithm> supportedJWSAlgorithms() {
        return Set.of(JWSAlgorithm.EdDSA);
    }

    @Override
    public JCAContext getJCAContext() {
        return context;
    }
}
