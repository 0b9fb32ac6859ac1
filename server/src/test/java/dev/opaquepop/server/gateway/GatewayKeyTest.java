package dev.opaquepop.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jose.util.Base64URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway key file: keys made elsewhere (Nimbus/Tink) load and sign verifiably; an inconsistent one is refused. */
class GatewayKeyTest {
    @TempDir
    Path dir;

    @Test
    void aKeyMadeByNimbus_signsAssertionsItsPublicHalfVerifies() throws Exception {
        OctetKeyPair made = new OctetKeyPairGenerator(Curve.Ed25519).generate();
        Path file = write(made.toJSONString());

        GatewayKey key = GatewayKey.loadOrCreate(file, new SecureRandom());
        JWSObject jws = new JWSObject(new JWSHeader(JWSAlgorithm.EdDSA), new Payload("{\"sub\":\"alice\"}"));
        jws.sign(new SodiumEd25519Signer(key.signingKey()));

        OctetKeyPair published =
                (OctetKeyPair) JWKSet.parse(key.publicJwkSet()).getKeys().get(0);
        assertThat(published.isPrivate()).isFalse();
        assertThat(published.getX()).isEqualTo(made.getX());
        assertThat(JWSObject.parse(jws.serialize()).verify(new Ed25519Verifier(published)))
                .isTrue();
    }

    @Test
    void aCreatedKey_loadsBackTheSame() throws Exception {
        Path file = dir.resolve("secrets/gateway-key.jwk");
        GatewayKey created = GatewayKey.loadOrCreate(file, new SecureRandom());
        GatewayKey loaded = GatewayKey.loadOrCreate(file, new SecureRandom());

        assertThat(loaded.publicJwkSet()).isEqualTo(created.publicJwkSet());
        assertThat(loaded.signingKey().sign(new byte[] {1, 2, 3}))
                .isEqualTo(created.signingKey().sign(new byte[] {1, 2, 3}));
    }

    @Test
    void aPublicHalfThatIsNotThePrivateHalfs_isRefusedWithoutQuotingTheFile() throws Exception {
        OctetKeyPair one = new OctetKeyPairGenerator(Curve.Ed25519).generate();
        OctetKeyPair other = new OctetKeyPairGenerator(Curve.Ed25519).generate();
        OctetKeyPair mixed = new OctetKeyPair.Builder(Curve.Ed25519, other.getX())
                .d(one.getD())
                .build();
        Path file = write(mixed.toJSONString());

        assertThatThrownBy(() -> GatewayKey.loadOrCreate(file, new SecureRandom()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not hold an Ed25519 private JWK")
                .hasMessageNotContaining(one.getD().toString());
    }

    @Test
    void aSeedOfTheWrongLength_isRefused() throws Exception {
        OctetKeyPair one = new OctetKeyPairGenerator(Curve.Ed25519).generate();
        OctetKeyPair shortSeed = new OctetKeyPair.Builder(Curve.Ed25519, one.getX())
                .d(Base64URL.encode(new byte[31]))
                .build();
        Path file = write(shortSeed.toJSONString());

        assertThatThrownBy(() -> GatewayKey.loadOrCreate(file, new SecureRandom()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private Path write(String json) throws Exception {
        Path file = dir.resolve("gateway-key.jwk");
        Files.writeString(file, json, StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }
}
