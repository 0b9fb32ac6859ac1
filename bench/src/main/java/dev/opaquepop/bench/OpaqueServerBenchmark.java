package dev.opaquepop.bench;

import dev.opaquepop.opaque.ArithmeticFloor;
import dev.opaquepop.opaque.ClientLogin;
import dev.opaquepop.opaque.ClientLoginResult;
import dev.opaquepop.opaque.ClientRegistration;
import dev.opaquepop.opaque.Identities;
import dev.opaquepop.opaque.Ke1;
import dev.opaquepop.opaque.Ke3;
import dev.opaquepop.opaque.Ksf;
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
 * What each OPAQUE step costs the server, next to the cost of one ristretto255 scalar multiplication, the
 * arithmetic floor: registration response 1 multiplication (the OPRF evaluation); login start (KE2) 4 (OPRF
 * evaluation and three Diffie-Hellman products) plus 1 fixed-base multiplication (the ephemeral key share);
 * login finish none.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class OpaqueServerBenchmark {
    private static final byte[] USER = "alice".getBytes(StandardCharsets.UTF_8);
    private static final byte[] PASSWORD = "correct horse battery staple".getBytes(StandardCharsets.UTF_8);

    private OpaqueServer server;
    private OpaqueClient client;
    private RegistrationRequest registrationRequest;
    private RegistrationRecord record;
    private Ke1 ke1;
    private SecretBytes loginState;
    private Ke3 ke3;
    private ArithmeticFloor.Probe arithmetic;

    @Setup
    public void setUp() throws OpaqueException {
        SecureRandom random = new SecureRandom();
        // The server never runs the KSF; the identity KSF keeps the set-up fast without changing what is measured.
        OpaqueConfig config =
                OpaqueConfig.builder().ksf(Ksf.identityUnsafeForTestsOnly()).build();
        server = new OpaqueServer(config, ServerSetup.generate(random), random);
        client = new OpaqueClient(config, random);

        ClientRegistration registration = client.startRegistration(PASSWORD);
        registrationRequest = registration.request();
        record = registration
                .finish(server.registrationResponse(registrationRequest, USER), Identities.none())
                .record();

        ClientLogin login = client.startLogin(PASSWORD);
        ke1 = login.ke1();
        ServerLogin serverLogin = server.startLogin(record, ke1, USER, Identities.none());
        ClientLoginResult result = login.finish(serverLogin.ke2(), Identities.none());
        ke3 = result.ke3();
        loginState = serverLogin.exportState();

        arithmetic = new ArithmeticFloor.Probe(random);
    }

    @Benchmark
    public byte[] scalarMultiplication() {
        return arithmetic.variableBase();
    }

    @Benchmark
    public byte[] baseMultiplication() {
        return arithmetic.fixedBase();
    }

    @Benchmark
    public RegistrationResponse serverRegistrationResponse() throws OpaqueException {
        return server.registrationResponse(registrationRequest, USER);
    }

    @Benchmark
    public ServerLogin serverLoginStartRealRecord() throws OpaqueException {
        return server.startLogin(record, ke1, USER, Identities.none());
    }

    @Benchmark
    public ServerLogin serverLoginStartFakeRecord() throws OpaqueException {
        return server.startLogin(null, ke1, USER, Identities.none());
    }

    /** Restoring the exported state is part of a finish on a server that keeps login states out of memory. */
    @Benchmark
    public SecretBytes serverLoginFinish() throws OpaqueException {
        return ServerLogin.restore(loginState).finish(ke3);
    }

    /** Client start, server KE2, client finish and server finish in one thread: a whole login, identity KSF. */
    @Benchmark
    public SecretBytes wholeLoginIdentityKsf() throws OpaqueException {
        ClientLogin login = client.startLogin(PASSWORD);
        ServerLogin serverLogin = server.startLogin(record, login.ke1(), USER, Identities.none());
        ClientLoginResult result = login.finish(serverLogin.ke2(), Identities.none());
        return serverLogin.finish(result.ke3());
    }
}
