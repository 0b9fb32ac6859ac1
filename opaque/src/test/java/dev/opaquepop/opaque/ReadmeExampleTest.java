package dev.opaquepop.opaque;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/** The README's "library in ten lines", kept in step with it: if this stops compiling, fix the README too. */
class ReadmeExampleTest {
    @Test
    void readmeExample_registersAndLogsIn() throws Exception {
        SecureRandom random = new SecureRandom();
        ServerSetup setup = ServerSetup.generate(random);
        OpaqueServer server = new OpaqueServer(OpaqueConfig.defaults(), setup, random);
        OpaqueClient client = new OpaqueClient(OpaqueConfig.defaults(), random);
        byte[] user = "alice".getBytes(UTF_8), password = "correct horse".getBytes(UTF_8);

        ClientRegistration registration = client.startRegistration(password);
        RegistrationResponse response = server.registrationResponse(registration.request(), user);
        RegistrationRecord record =
                registration.finish(response, Identities.none()).record();

        ClientLogin login = client.startLogin(password);
        ServerLogin serverLogin = server.startLogin(record, login.ke1(), user, Identities.none());
        ClientLoginResult result = login.finish(serverLogin.ke2(), Identities.none());
        SecretBytes sessionKey = serverLogin.finish(result.ke3());

        assertThat(sessionKey.equalsConstantTime(result.sessionKey())).isTrue();
        assertThat(sessionKey.size()).isEqualTo(64);
    }
}
