package dev.opaquepop.opaque;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opaquepop.opaque.DecoderPropertiesTest.Decoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * Nothing the library prints gives a secret away: the {@code toString()} of every public type, in every state,
 * holds no hex or base64 (standard or URL-safe, padded or not) of any secret of the exchange, nor any 8-byte
 * piece of one, nor the password itself; and exception messages of failed decodes and logins do not echo the
 * bytes they were given.
 */
class SecretRedactionTest {
    private static final byte[] PASSWORD = "Tr0ub4dor&3-redaction-test".getBytes(StandardCharsets.UTF_8);
    private static final byte[] USER = "redaction-user@example.com".getBytes(StandardCharsets.UTF_8);
    /** Pieces this long (in bytes) of a secret must not show; long enough that no match happens by chance. */
    private static final int PIECE = 8;

    private final SecureRandom random = new SecureRandom();

    @Test
    void toString_ofEveryObject_containsNoSecret() throws OpaqueException {
        OpaqueConfig config = OpaqueConfig.builder()
                .ksf(Ksf.identityUnsafeForTestsOnly())
                .context("redaction-context".getBytes(StandardCharsets.UTF_8))
                .build();
        ServerSetup setup = ServerSetup.generate(random);
        OpaqueServer server = new OpaqueServer(config, setup, random);
        OpaqueClient client = new OpaqueClient(config, random);
        Identities identities = Identities.of(USER, "redaction.example.com".getBytes(StandardCharsets.UTF_8));
        Map<String, Object> objects = new LinkedHashMap<>();

        ClientRegistration registration = client.startRegistration(PASSWORD);
        objects.put("ClientRegistration (pending)", registration);
        RegistrationRequest request = registration.request();
        RegistrationResponse response = server.registrationResponse(request, USER);
        ClientRegistrationResult registered = registration.finish(response, identities);
        objects.put("ClientRegistration (used)", registration);
        RegistrationRecord record = registered.record();

        ClientLogin login = client.startLogin(PASSWORD);
        objects.put("ClientLogin (pending)", login);
        ServerLogin serverLogin = server.startLogin(record, login.ke1(), USER, identities);
        objects.put("ServerLogin (pending)", serverLogin);
        SecretBytes state = serverLogin.exportState();
        objects.put("ServerLogin (exported)", serverLogin);
        ServerLogin restored = ServerLogin.restore(state);
        objects.put("ServerLogin (restored)", restored);
        ClientLoginResult loggedIn = login.finish(serverLogin.ke2(), identities);
        objects.put("ClientLogin (used)", login);
        SecretBytes serverSessionKey = restored.finish(loggedIn.ke3());
        objects.put("ServerLogin (used)", restored);
        ServerLogin fake = server.startLogin(null, login.ke1(), "nobody".getBytes(StandardCharsets.UTF_8), identities);
        objects.put("ServerLogin (fake)", fake);

        objects.put("ServerSetup", setup);
        objects.put("OpaqueServer", server);
        objects.put("OpaqueClient", client);
        objects.put("OpaqueConfig", config);
        objects.put("Identities", identities);
        objects.put("ClientRegistrationResult", registered);
        objects.put("ClientLoginResult", loggedIn);
        objects.put("RegistrationRequest", request);
        objects.put("RegistrationResponse", response);
        objects.put("RegistrationRecord", record);
        objects.put("Ke1", login.ke1());
        objects.put("Ke2", serverLogin.ke2());
        objects.put("Ke3", loggedIn.ke3());
        objects.put("Ke2 (fake)", fake.ke2());

        byte[] setupBytes = setup.encode().revealBytes();
        Map<String, byte[]> secrets = new LinkedHashMap<>();
        secrets.put("password", PASSWORD);
        secrets.put("server setup encoding", setupBytes);
        secrets.put("oprf seed", Arrays.copyOfRange(setupBytes, 0, 64));
        secrets.put("server private key", Arrays.copyOfRange(setupBytes, 64, 96));
        secrets.put("user oprf key", OpaqueServer.deriveOprfKey(Arrays.copyOfRange(setupBytes, 0, 64), USER));
        secrets.put("masking key", record.maskingKey());
        secrets.put("session key (client)", loggedIn.sessionKey().revealBytes());
        secrets.put("session key (server)", serverSessionKey.revealBytes());
        secrets.put("export key (registration)", registered.exportKey().revealBytes());
        secrets.put("export key (login)", loggedIn.exportKey().revealBytes());
        secrets.put("server login state", state.revealBytes());
        assertThat(secrets.get("session key (client)")).isEqualTo(secrets.get("session key (server)"));
        assertThat(secrets.get("export key (login)")).isEqualTo(secrets.get("export key (registration)"));

        objects.put("SecretBytes (setup)", setup.encode());
        objects.put("SecretBytes (session key)", loggedIn.sessionKey());
        objects.put("SecretBytes (server session key)", serverSessionKey);
        objects.put("SecretBytes (export key)", registered.exportKey());
        objects.put("SecretBytes (login export key)", loggedIn.exportKey());
        objects.put("SecretBytes (server login state)", state);
        for (Map.Entry<String, byte[]> secret : secrets.entrySet()) {
            objects.put("SecretBytes.copyOf(" + secret.getKey() + ")", SecretBytes.copyOf(secret.getValue()));
        }

        SoftAssertions softly = new SoftAssertions();
        for (Map.Entry<String, Object> object : objects.entrySet()) {
            String printed = String.valueOf(object.getValue());
            assertThat(printed).as(object.getKey()).isNotBlank();
            for (Map.Entry<String, byte[]> secret : secrets.entrySet()) {
                softly.assertThat(leakedForm(printed, secret.getValue()))
                        .as("%s.toString() shows the %s: %s", object.getKey(), secret.getKey(), printed)
                        .isNull();
            }
        }
        softly.assertAll();

        // The check itself finds what it looks for, in every form.
        byte[] sessionKey = secrets.get("session key (client)");
        assertThat(leakedForm("key=" + HexFormat.of().formatHex(sessionKey), sessionKey))
                .isNotNull();
        assertThat(leakedForm("key=" + HexFormat.of().withUpperCase().formatHex(sessionKey, 5, 13), sessionKey))
                .isNotNull();
        assertThat(leakedForm("k=" + Base64.getEncoder().encodeToString(sessionKey), sessionKey))
                .isNotNull();
        assertThat(leakedForm(
                        Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOfRange(sessionKey, 7, 20)),
                        sessionKey))
                .isNotNull();
        assertThat(leakedForm(Arrays.toString(sessionKey), sessionKey)).isNotNull();
        assertThat(leakedForm("pw " + new String(PASSWORD, StandardCharsets.UTF_8), PASSWORD))
                .isNotNull();
    }

    @Test
    void decodeFailures_messagesEchoNoInput() {
        List<byte[]> inputs = new ArrayList<>();
        for (Decoder decoder : Decoder.values()) {
            int length = decoder.length();
            for (int size : new int[] {PIECE, length - 1, length, length + 1, 400}) {
                for (int i = 0; i < 20; i++) {
                    inputs.add(randomBytes(size));
                }
            }
        }
        List<Set<String>> inputForms =
                inputs.stream().map(SecretRedactionTest::forms).toList();
        SoftAssertions softly = new SoftAssertions();
        int failures = 0;
        for (Decoder decoder : Decoder.values()) {
            for (int i = 0; i < inputs.size(); i++) {
                byte[] input = inputs.get(i);
                try {
                    decoder.decode(input.clone());
                } catch (InvalidMessageException e) {
                    failures++;
                    for (String text : texts(e)) {
                        softly.assertThat(leakedForm(text, inputForms.get(i)))
                                .as("%s failure on %d bytes: %s", decoder, input.length, text)
                                .isNull();
                    }
                }
            }
        }
        softly.assertAll();
        assertThat(failures).as("decode failures examined").isGreaterThan(inputs.size());
    }

    @Test
    void decodeServerSetup_badPrivateKey_messageEchoesNoSecret() throws OpaqueException {
        byte[] setup = ServerSetup.generate(random).encode().revealBytes();
        Arrays.fill(setup, 64, 96, (byte) 0xff);
        try {
            ServerSetup.decode(setup);
            throw new AssertionError("a private key of 0xff bytes was accepted");
        } catch (InvalidMessageException e) {
            for (String text : texts(e)) {
                assertThat(leakedForm(text, setup)).as(text).isNull();
                assertThat(leakedForm(text, Arrays.copyOfRange(setup, 0, 64)))
                        .as(text)
                        .isNull();
            }
        }
    }

    @Test
    void loginFailures_messagesEchoNoInputOrSecret() throws OpaqueException {
        OpaqueConfig config =
                OpaqueConfig.builder().ksf(Ksf.identityUnsafeForTestsOnly()).build();
        ServerSetup setup = ServerSetup.generate(random);
        OpaqueServer server = new OpaqueServer(config, setup, random);
        OpaqueClient client = new OpaqueClient(config, random);
        ClientRegistration registration = client.startRegistration(PASSWORD);
        RegistrationRecord record = registration
                .finish(server.registrationResponse(registration.request(), USER), Identities.none())
                .record();
        byte[] setupBytes = setup.encode().revealBytes();
        List<OpaqueException> failures = new ArrayList<>();
        List<byte[]> involved = new ArrayList<>();
        involved.add(PASSWORD);
        involved.add(setupBytes);
        involved.add(record.encode());

        // Wrong password, on the client; then a random KE3, on the server.
        ClientLogin wrong = client.startLogin("not the password".getBytes(StandardCharsets.UTF_8));
        ServerLogin serverLogin = server.startLogin(record, wrong.ke1(), USER, Identities.none());
        involved.add(wrong.ke1().encode());
        involved.add(serverLogin.ke2().encode());
        byte[] wrongState = serverLogin.exportState().revealBytes();
        involved.add(wrongState);
        ServerLogin wrongServer = ServerLogin.restore(SecretBytes.copyOf(wrongState));
        failures.add(expectLoginFailure(() -> wrong.finish(serverLogin.ke2(), Identities.none())));
        byte[] ke3 = randomBytes(Ke3.LENGTH);
        involved.add(ke3);
        failures.add(expectLoginFailure(() -> wrongServer.finish(Ke3.decode(ke3))));

        // Tampered KE2 on the client, with the right password.
        ClientLogin right = client.startLogin(PASSWORD);
        byte[] tampered = server.startLogin(record, right.ke1(), USER, Identities.none())
                .ke2()
                .encode();
        tampered[100] ^= 4;
        involved.add(tampered);
        failures.add(expectLoginFailure(() -> right.finish(Ke2.decode(tampered), Identities.none())));

        // Unknown user.
        ClientLogin unknown = client.startLogin(PASSWORD);
        ServerLogin fake =
                server.startLogin(null, unknown.ke1(), "ghost".getBytes(StandardCharsets.UTF_8), Identities.none());
        involved.add(fake.ke2().encode());
        failures.add(expectLoginFailure(() -> unknown.finish(fake.ke2(), Identities.none())));

        SoftAssertions softly = new SoftAssertions();
        for (OpaqueException failure : failures) {
            for (String text : texts(failure)) {
                for (byte[] bytes : involved) {
                    softly.assertThat(leakedForm(text, bytes)).as(text).isNull();
                }
            }
        }
        softly.assertAll();
        assertThat(failures).hasSize(4).allSatisfy(f -> assertThat(f).isInstanceOf(LoginFailedException.class));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Helpers

    /** A step that must fail with LoginFailedException. */
    @FunctionalInterface
    interface Step {
        void run() throws OpaqueException;
    }

    private static OpaqueException expectLoginFailure(Step step) {
        try {
            step.run();
        } catch (LoginFailedException e) {
            return e;
        } catch (OpaqueException e) {
            throw new AssertionError("expected LoginFailedException, got " + e, e);
        }
        throw new AssertionError("the step succeeded but should have failed");
    }

    /** Everything an exception shows when logged: message, localized message, toString, and its causes'. */
    private static List<String> texts(Throwable error) {
        List<String> texts = new ArrayList<>();
        for (Throwable t = error; t != null; t = t.getCause()) {
            texts.add(String.valueOf(t.getMessage()));
            texts.add(String.valueOf(t.getLocalizedMessage()));
            texts.add(t.toString());
            for (Throwable suppressed : t.getSuppressed()) {
                texts.add(suppressed.toString());
            }
        }
        return texts;
    }

    /**
     * The first printed form of {@code secret} (or of any {@value #PIECE}-byte piece of it) found in {@code text},
     * or {@code null}: hex in either case, base64 standard and URL-safe, {@code Arrays.toString}, and the raw bytes
     * read as UTF-8. Secrets shorter than {@value #PIECE} bytes are not looked for.
     */
    static String leakedForm(String text, byte[] secret) {
        return leakedForm(text, forms(secret));
    }

    private static String leakedForm(String text, Set<String> forms) {
        for (String form : forms) {
            if (text.contains(form)) {
                return form;
            }
        }
        return null;
    }

    private static Set<String> forms(byte[] secret) {
        Set<String> forms = new LinkedHashSet<>();
        if (secret.length < PIECE) {
            return forms; // too short to tell a leak from a coincidence
        }
        HexFormat hex = HexFormat.of();
        forms.add(hex.formatHex(secret));
        forms.add(Base64.getEncoder().encodeToString(secret));
        forms.add(Base64.getUrlEncoder().encodeToString(secret));
        forms.add(Arrays.toString(secret));
        for (int from = 0; from + PIECE <= secret.length; from++) {
            byte[] part = Arrays.copyOfRange(secret, from, from + PIECE);
            String partHex = hex.formatHex(part);
            forms.add(partHex);
            forms.add(partHex.toUpperCase(Locale.ROOT));
            String printed = Arrays.toString(part);
            forms.add(printed.substring(1, printed.length() - 1));
            String text = new String(part, StandardCharsets.UTF_8);
            if (text.codePoints().allMatch(c -> c >= 0x20 && c < 0x7f)) {
                forms.add(text);
            }
        }
        // 9-byte pieces encode to 12 base64 characters without padding, at every alignment.
        for (int from = 0; from + PIECE + 1 <= secret.length; from++) {
            byte[] part = Arrays.copyOfRange(secret, from, from + PIECE + 1);
            forms.add(Base64.getEncoder().withoutPadding().encodeToString(part));
            forms.add(Base64.getUrlEncoder().withoutPadding().encodeToString(part));
        }
        return forms;
    }

    private byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }
}
