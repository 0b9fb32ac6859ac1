package dev.opaquepop.opaque.interop;

import dev.opaquepop.opaque.Argon2idKsf;
import dev.opaquepop.opaque.ClientLogin;
import dev.opaquepop.opaque.ClientLoginResult;
import dev.opaquepop.opaque.ClientRegistration;
import dev.opaquepop.opaque.ClientRegistrationResult;
import dev.opaquepop.opaque.Ke1;
import dev.opaquepop.opaque.Ke2;
import dev.opaquepop.opaque.Ke3;
import dev.opaquepop.opaque.LoginFailedException;
import dev.opaquepop.opaque.OpaqueClient;
import dev.opaquepop.opaque.OpaqueConfig;
import dev.opaquepop.opaque.OpaqueException;
import dev.opaquepop.opaque.OpaqueServer;
import dev.opaquepop.opaque.RegistrationRecord;
import dev.opaquepop.opaque.RegistrationRequest;
import dev.opaquepop.opaque.RegistrationResponse;
import dev.opaquepop.opaque.SecretBytes;
import dev.opaquepop.opaque.ServerLogin;
import dev.opaquepop.opaque.ServerSetup;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Optional;

/** This library as a {@link Party}. A message the other side sent that does not decode fails the test. */
final class OurParty implements Party {
    private static final SecureRandom RANDOM = new SecureRandom();

    static OpaqueConfig config(Argon2idKsf ksf) {
        return ksf.equals(Argon2idKsf.DEFAULT)
                ? OpaqueConfig.defaults()
                : OpaqueConfig.defaults().toBuilder().ksf(ksf).build();
    }

    @Override
    public Client client(Argon2idKsf ksf) {
        OpaqueClient client = new OpaqueClient(config(ksf), RANDOM);
        return new Client() {
            @Override
            public RegistrationStart startRegistration(String password) {
                ClientRegistration registration = call(() -> client.startRegistration(utf8(password)));
                return new RegistrationStart() {
                    @Override
                    public byte[] request() {
                        return registration.request().encode();
                    }

                    @Override
                    public Registered finish(byte[] response, Ids ids) {
                        ClientRegistrationResult result =
                                call(() -> registration.finish(RegistrationResponse.decode(response), ids.ours()));
                        return new Registered(
                                result.record().encode(), result.exportKey().revealBytes());
                    }
                };
            }

            @Override
            public LoginStart startLogin(String password) {
                ClientLogin login = call(() -> client.startLogin(utf8(password)));
                return new LoginStart() {
                    @Override
                    public byte[] ke1() {
                        return login.ke1().encode();
                    }

                    @Override
                    public Optional<LoggedIn> finish(byte[] ke2, Ids ids) {
                        Ke2 decoded = call(() -> Ke2.decode(ke2));
                        try {
                            ClientLoginResult result = login.finish(decoded, ids.ours());
                            return Optional.of(new LoggedIn(
                                    result.ke3().encode(),
                                    result.sessionKey().revealBytes(),
                                    result.exportKey().revealBytes(),
                                    result.serverPublicKey()));
                        } catch (LoginFailedException refused) {
                            return Optional.empty();
                        }
                    }
                };
            }
        };
    }

    @Override
    public Server server(byte[] setup) {
        ServerSetup decoded = call(() -> ServerSetup.decode(setup));
        // The server never runs the KSF: its configuration's KSF does not matter here.
        OpaqueServer server = new OpaqueServer(OpaqueConfig.defaults(), decoded, RANDOM);
        return new Server() {
            @Override
            public byte[] publicKey() {
                return server.publicKey();
            }

            @Override
            public byte[] registrationResponse(String user, byte[] request) {
                return call(() -> server.registrationResponse(RegistrationRequest.decode(request), utf8(user)))
                        .encode();
            }

            @Override
            public LoginStarted startLogin(String user, byte[] record, byte[] ke1, Ids ids) {
                ServerLogin login = call(() -> server.startLogin(
                        record == null ? null : RegistrationRecord.decode(record),
                        Ke1.decode(ke1),
                        utf8(user),
                        ids.ours()));
                byte[] ke2 = login.ke2().encode();
                // Kept as the server keeps it between the two requests, so that (as with the peer's state) a test
                // may try more than one KE3 on one login.
                SecretBytes state = login.exportState();
                return new LoginStarted() {
                    @Override
                    public byte[] ke2() {
                        return ke2.clone();
                    }

                    @Override
                    public Optional<byte[]> finish(byte[] ke3) {
                        Ke3 decoded = call(() -> Ke3.decode(ke3));
                        ServerLogin restored = call(() -> ServerLogin.restore(state));
                        try {
                            return Optional.of(restored.finish(decoded).revealBytes());
                        } catch (LoginFailedException refused) {
                            return Optional.empty();
                        }
                    }
                };
            }
        };
    }

    @Override
    public byte[] createSetup() {
        return ServerSetup.generate(RANDOM).encode().revealBytes();
    }

    @Override
    public String toString() {
        return "ours";
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @FunctionalInterface
    private interface Step<T> {
        T run() throws OpaqueException;
    }

    private static <T> T call(Step<T> step) {
        try {
            return step.run();
        } catch (OpaqueException e) {
            throw new AssertionError("this library refused a step it must accept: " + e.getMessage(), e);
        }
    }
}
