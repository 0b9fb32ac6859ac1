package dev.opaquepop.bench;

import dev.opaquepop.opaque.ClientLogin;
import dev.opaquepop.opaque.ClientLoginResult;
import dev.opaquepop.opaque.ClientRegistration;
import dev.opaquepop.opaque.Identities;
import dev.opaquepop.opaque.Ke2;
import dev.opaquepop.opaque.Ksf;
import dev.opaquepop.opaque.OpaqueClient;
import dev.opaquepop.opaque.OpaqueConfig;
import dev.opaquepop.opaque.OpaqueException;
import dev.opaquepop.opaque.OpaqueServer;
import dev.opaquepop.opaque.RegistrationRecord;
import dev.opaquepop.opaque.ServerSetup;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A whole login on the client: KE1 (blind, keyshare) and KE3 (unblind, KSF, envelope recovery, 3DH, MACs),
 * with the identity KSF (the protocol alone: 5 variable-base and 2 fixed-base multiplications) and with the
 * default Argon2id (m = 64 MiB, t = 3, p = 4), which is the whole point of the KSF and dwarfs the rest.
 *
 * <p>The server's KE2 is computed once, in the set-up, for a KE1 whose randomness is then replayed on every
 * invocation ({@link ReplayRandom}): each invocation does exactly the client's work of one real login and
 * nothing of the server's.
 */
@BenchmarkMode(Mode.AverageTime)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class ClientLoginBenchmark {
    private static final byte[] USER = "alice".getBytes(StandardCharsets.UTF_8);
    private static final byte[] PASSWORD = "correct horse battery staple".getBytes(StandardCharsets.UTF_8);

    /** A client with one KSF, one registered record, and the KE2 its replayed KE1 gets. */
    abstract static class Prepared {
        ReplayRandom random;
        OpaqueClient client;
        Ke2 ke2;

        void prepare(Ksf ksf) throws OpaqueException {
            SecureRandom secure = new SecureRandom();
            OpaqueConfig config = OpaqueConfig.builder().ksf(ksf).build();
            OpaqueServer server = new OpaqueServer(config, ServerSetup.generate(secure), secure);
            OpaqueClient registering = new OpaqueClient(config, secure);
            ClientRegistration registration = registering.startRegistration(PASSWORD);
            RegistrationRecord record = registration
                    .finish(server.registrationResponse(registration.request(), USER), Identities.none())
                    .record();

            random = new ReplayRandom(secure);
            client = new OpaqueClient(config, random);
            ClientLogin recorded = client.startLogin(PASSWORD);
            ke2 = server.startLogin(record, recorded.ke1(), USER, Identities.none())
                    .ke2();
            random.replay();
            // The replayed start must produce the very KE1 the server answered, and the login must succeed.
            ClientLogin replayed = client.startLogin(PASSWORD);
            if (!Arrays.equals(replayed.ke1().encode(), recorded.ke1().encode())) {
                throw new IllegalStateException("replayed KE1 differs from the recorded one");
            }
            replayed.finish(ke2, Identities.none());
        }

        ClientLoginResult login() throws OpaqueException {
            random.rewind();
            ClientLogin login = client.startLogin(PASSWORD);
            return login.finish(ke2, Identities.none());
        }
    }

    @State(Scope.Thread)
    public static class IdentityKsf extends Prepared {
        @Setup
        public void setUp() throws OpaqueException {
            prepare(Ksf.identityUnsafeForTestsOnly());
        }
    }

    @State(Scope.Thread)
    public static class Argon2idKsf extends Prepared {
        @Setup
        public void setUp() throws OpaqueException {
            prepare(Ksf.argon2id());
        }
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 3, time = 2)
    @Measurement(iterations = 5, time = 2)
    public ClientLoginResult clientLoginIdentityKsf(IdentityKsf state) throws OpaqueException {
        return state.login();
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 1, time = 5)
    @Measurement(iterations = 3, time = 5)
    public ClientLoginResult clientLoginArgon2id(Argon2idKsf state) throws OpaqueException {
        return state.login();
    }
}
