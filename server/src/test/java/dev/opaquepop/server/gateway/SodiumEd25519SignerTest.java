package dev.opaquepop.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import dev.opaquepop.sodium.Ed25519SigningKey;
import dev.opaquepop.testfixtures.Draw;
import dev.opaquepop.testfixtures.RandomSeed;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The libsodium signer against Nimbus' own Ed25519 signer (Tink's Ed25519): Ed25519 is deterministic, so for
 * every key and payload the two serialised JWS must be the same string, and Nimbus' verifier must accept it.
 */
@ExtendWith(RandomSeed.class)
class SodiumEd25519SignerTest {
    private static final int CASES = 300;

    @Test
    void signsExactlyAsNimbusOwnSignerDoes(SplittableRandom random) throws Exception {
        for (int i = 0; i < CASES; i++) {
            byte[] seed = Draw.bytes(random, Ed25519SigningKey.SEED_LENGTH);
            Ed25519SigningKey ours = Ed25519SigningKey.fromSeed(seed);
            OctetKeyPair jwk = new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(ours.publicKey()))
                    .d(Base64URL.encode(seed))
                    .keyID("k" + i)
                    .build();
            JWSHeader header =
                    new JWSHeader.Builder(JWSAlgorithm.EdDSA).keyID("k" + i).build();
            Payload payload = new Payload(Draw.bytes(random, 0, 600));

            JWSObject byUs = new JWSObject(header, payload);
            byUs.sign(new SodiumEd25519Signer(ours));
            JWSObject byNimbus = new JWSObject(header, payload);
            byNimbus.sign(new Ed25519Signer(jwk));

            assertThat(byUs.serialize()).isEqualTo(byNimbus.serialize());
            assertThat(JWSObject.parse(byUs.serialize()).verify(new Ed25519Verifier(jwk.toPublicJWK())))
                    .isTrue();
        }
    }

    @Test
    void refusesAnyOtherAlgorithm() {
        SodiumEd25519Signer signer = new SodiumEd25519Signer(Ed25519SigningKey.fromSeed(new byte[32]));
        JWSObject jws = new JWSObject(new JWSHeader(JWSAlgorithm.ES256), new Payload("x"));

        assertThatThrownBy(() -> jws.sign(signer)).isInstanceOf(JOSEException.class);
        assertThat(signer.supportedJWSAlgorithms()).containsExactly(JWSAlgorithm.EdDSA);
    }
}
