package dev.opaquepop.opaque;

import static dev.opaquepop.opaque.TestVectors.hex;
import static dev.opaquepop.opaque.TestVectors.hexOrNull;
import static dev.opaquepop.opaque.TestVectors.toHex;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opaquepop.opaque.internal.Bytes;
import dev.opaquepop.opaque.internal.Envelope;
import dev.opaquepop.opaque.internal.KeyPair;
import dev.opaquepop.opaque.internal.Ristretto255;
import dev.opaquepop.opaque.internal.TripleDh;
import dev.opaquepop.testfixtures.FixedRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * RFC 9807 Appendix C, OPAQUE-3DH with ristretto255-SHA512 and the Identity KSF: Real Test Vectors 1 and 2 and
 * Fake Test Vector 1, replayed through the public API with scripted randomness. Every listed intermediate and
 * output is compared, and all mismatches of a vector are reported together.
 */
class Rfc9807VectorsTest {
    private static final JsonNode FILE = TestVectors.load("opaque-ristretto255-sha512.json");

    @TestFactory
    Stream<DynamicTest> everyRistretto255Vector() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode vector : FILE.get("vectors")) {
            String name = vector.get("name").asText() + " ("
                    + vector.get("rfc_section").asText() + ")";
            boolean real = vector.get("kind").asText().equals("real");
            tests.add(DynamicTest.dynamicTest(name, () -> {
                if (real) {
                    replayReal(vector);
                } else {
                    replayFake(vector);
                }
            }));
        }
        assertThat(tests).as("Real 1, Real 2, Fake 1").hasSize(3);
        return tests.stream();
    }

    private static OpaqueConfig config(JsonNode vector) {
        return OpaqueConfig.builder()
                .ksf(Ksf.identityUnsafeForTestsOnly())
                .context(hex(vector.get("config"), "context"))
                .build();
    }

    private static Identities identities(JsonNode inputs) {
        byte[] client = hexOrNull(inputs, "client_identity");
        byte[] server = hexOrNull(inputs, "server_identity");
        return client == null && server == null ? Identities.none() : Identities.of(client, server);
    }

    private static void replayReal(JsonNode vector) throws Exception {
        JsonNode in = vector.get("inputs");
        JsonNode mid = vector.get("intermediates");
        JsonNode out = vector.get("outputs");
        OpaqueConfig config = config(vector);
        Identities ids = identities(in);
        byte[] password = hex(in, "password");
        byte[] credentialId = hex(in, "credential_identifier");
        SoftAssertions softly = new SoftAssertions();

        // The setup's dummy key plays no part in a real login; any valid element will do.
        ServerSetup setup = ServerSetup.decode(
                Bytes.concat(hex(in, "oprf_seed"), hex(in, "server_private_key"), hex(in, "server_public_key")));
        softly.assertThat(toHex(setup.publicKey())).as("server_public_key").isEqualTo(hexText(in, "server_public_key"));
        softly.assertThat(toHex(OpaqueServer.deriveOprfKey(hex(in, "oprf_seed"), credentialId)))
                .as("oprf_key")
                .isEqualTo(hexText(mid, "oprf_key"));

        // Registration
        FixedRandom clientRandom = FixedRandom.scripted(hex(in, "blind_registration"), hex(in, "envelope_nonce"));
        OpaqueClient client = new OpaqueClient(config, clientRandom);
        ClientRegistration registration = client.startRegistration(password);
        softly.assertThat(toHex(registration.request().encode()))
                .as("registration_request")
                .isEqualTo(hexText(out, "registration_request"));

        FixedRandom serverRandom = FixedRandom.scripted(
                new byte[64], hex(in, "masking_nonce"), hex(in, "server_nonce"), hex(in, "server_keyshare_seed"));
        OpaqueServer server = new OpaqueServer(config, setup, serverRandom);
        RegistrationResponse response = server.registrationResponse(
                RegistrationRequest.decode(registration.request().encode()), credentialId);
        softly.assertThat(toHex(response.encode()))
                .as("registration_response")
                .isEqualTo(hexText(out, "registration_response"));

        byte[] randomizedPassword = RandomizedPassword.derive(
                config.ksf(), password, hex(in, "blind_registration"), response.evaluatedMessage());
        softly.assertThat(toHex(randomizedPassword))
                .as("randomized_password")
                .isEqualTo(hexText(mid, "randomized_password"));
        softly.assertThat(toHex(Envelope.authKey(randomizedPassword, hex(in, "envelope_nonce"))))
                .as("auth_key")
                .isEqualTo(hexText(mid, "auth_key"));

        ClientRegistrationResult registered = registration.finish(response, ids);
        RegistrationRecord record =
                RegistrationRecord.decode(registered.record().encode());
        softly.assertThat(toHex(record.encode()))
                .as("registration_upload")
                .isEqualTo(hexText(out, "registration_upload"));
        softly.assertThat(toHex(record.clientPublicKey()))
                .as("client_public_key")
                .isEqualTo(hexText(mid, "client_public_key"));
        softly.assertThat(toHex(record.maskingKey()))
                .as("masking_key")
                .isEqualTo(hexText(vector.get("extra_not_in_rfc"), "masking_key"));
        softly.assertThat(toHex(record.envelope())).as("envelope").isEqualTo(hexText(mid, "envelope"));
        softly.assertThat(toHex(registered.exportKey().revealBytes()))
                .as("export_key (registration)")
                .isEqualTo(hexText(out, "export_key"));

        // Login
        OpaqueClient loginClient = new OpaqueClient(
                config,
                FixedRandom.scripted(hex(in, "blind_login"), hex(in, "client_nonce"), hex(in, "client_keyshare_seed")));
        ClientLogin login = loginClient.startLogin(password);
        softly.assertThat(toHex(login.ke1().encode())).as("KE1").isEqualTo(hexText(out, "ke1"));

        ServerLogin serverLogin =
                server.startLogin(record, Ke1.decode(login.ke1().encode()), credentialId, ids);
        softly.assertThat(toHex(serverLogin.ke2().encode())).as("KE2").isEqualTo(hexText(out, "ke2"));
        softly.assertThat(serverRandom.exhausted())
                .as("server used every scripted value")
                .isTrue();

        checkKeySchedule(softly, vector, config, ids, record, serverLogin.ke2());

        ClientLoginResult loggedIn = login.finish(Ke2.decode(serverLogin.ke2().encode()), ids);
        softly.assertThat(toHex(loggedIn.ke3().encode())).as("KE3").isEqualTo(hexText(out, "ke3"));
        softly.assertThat(toHex(loggedIn.sessionKey().revealBytes()))
                .as("session_key (client)")
                .isEqualTo(hexText(out, "session_key"));
        softly.assertThat(toHex(loggedIn.exportKey().revealBytes()))
                .as("export_key (login)")
                .isEqualTo(hexText(out, "export_key"));
        softly.assertThat(toHex(
                        serverLogin.finish(Ke3.decode(loggedIn.ke3().encode())).revealBytes()))
                .as("session_key (server)")
                .isEqualTo(hexText(out, "session_key"));
        softly.assertThat(clientRandom.exhausted())
                .as("client used every scripted value")
                .isTrue();
        softly.assertAll();
    }

    /** Recomputes the 3DH key schedule from the vector's seeds to compare its intermediates. */
    private static void checkKeySchedule(
            SoftAssertions softly,
            JsonNode vector,
            OpaqueConfig config,
            Identities ids,
            RegistrationRecord record,
            Ke2 ke2)
            throws Exception {
        JsonNode in = vector.get("inputs");
        JsonNode mid = vector.get("intermediates");
        KeyPair clientKeyshare = Envelope.deriveDiffieHellmanKeyPair(hex(in, "client_keyshare_seed"));
        KeyPair serverKeyshare = Envelope.deriveDiffieHellmanKeyPair(hex(in, "server_keyshare_seed"));
        byte[] serverPublicKey = hex(in, "server_public_key");
        byte[] preamble = TripleDh.preamble(
                config.context(),
                ids.client().orElse(record.clientPublicKey()),
                hex(vector.get("outputs"), "ke1"),
                ids.server().orElse(serverPublicKey),
                ke2.credentialResponse(),
                ke2.serverNonce(),
                ke2.serverPublicKeyshare());
        byte[] ikm = Bytes.concat(
                Ristretto255.multiply(serverKeyshare.secretKey(), clientKeyshare.publicKey()),
                Ristretto255.multiply(hex(in, "server_private_key"), clientKeyshare.publicKey()),
                Ristretto255.multiply(serverKeyshare.secretKey(), record.clientPublicKey()));
        TripleDh.Keys keys = TripleDh.deriveKeys(ikm, preamble);
        softly.assertThat(toHex(keys.handshakeSecret))
                .as("handshake_secret")
                .isEqualTo(hexText(mid, "handshake_secret"));
        softly.assertThat(toHex(keys.serverMacKey)).as("server_mac_key").isEqualTo(hexText(mid, "server_mac_key"));
        softly.assertThat(toHex(keys.clientMacKey)).as("client_mac_key").isEqualTo(hexText(mid, "client_mac_key"));
        softly.assertThat(toHex(keys.sessionKey))
                .as("session_key (key schedule)")
                .isEqualTo(hexText(vector.get("outputs"), "session_key"));
    }

    private static void replayFake(JsonNode vector) throws Exception {
        JsonNode in = vector.get("inputs");
        OpaqueConfig config = config(vector);
        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(toHex(Ristretto255.multiplyBase(hex(in, "client_private_key"))))
                .as("fake client_public_key = client_private_key * G")
                .isEqualTo(hexText(in, "client_public_key"));

        // The fake record's client key is the setup's dummy public key.
        ServerSetup setup = ServerSetup.decode(
                Bytes.concat(hex(in, "oprf_seed"), hex(in, "server_private_key"), hex(in, "client_public_key")));
        softly.assertThat(toHex(setup.publicKey())).as("server_public_key").isEqualTo(hexText(in, "server_public_key"));
        FixedRandom serverRandom = FixedRandom.scripted(
                hex(in, "masking_key"),
                hex(in, "masking_nonce"),
                hex(in, "server_nonce"),
                hex(in, "server_keyshare_seed"));
        OpaqueServer server = new OpaqueServer(config, setup, serverRandom);
        ServerLogin login =
                server.startLogin(null, Ke1.decode(hex(in, "ke1")), hex(in, "credential_identifier"), identities(in));
        softly.assertThat(toHex(login.ke2().encode())).as("KE2").isEqualTo(hexText(vector.get("outputs"), "ke2"));
        softly.assertThat(serverRandom.exhausted())
                .as("server used every scripted value")
                .isTrue();
        softly.assertAll();
    }

    private static String hexText(JsonNode group, String field) {
        JsonNode value = group.get(field);
        if (value == null) {
            throw new IllegalArgumentException("vector has no field " + field);
        }
        return value.asText();
    }
}
