package dev.opaquepop.bench;

import dev.opaquepop.opaque.SecretBytes;
import dev.opaquepop.pop.IncomingRequest;
import dev.opaquepop.pop.NonceStore;
import dev.opaquepop.pop.PopKey;
import dev.opaquepop.pop.PopSession;
import dev.opaquepop.pop.PopSigner;
import dev.opaquepop.pop.PopVerificationException;
import dev.opaquepop.pop.PopVerifier;
import dev.opaquepop.pop.SignedRequest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What proof of possession costs per call: signing on the client, verifying on the server (header checks,
 * session look-up, canonical request, HMAC-SHA256, constant-time compare, nonce claimed in an in-memory cache),
 * and, as their floor, one HMAC-SHA256 over a canonical request of the same size with a ready {@link Mac}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class PopBenchmark {
    /** Requests verified per invocation: their signing happens in an untimed set-up. */
    static final int BATCH = 1000;

    private static final String TARGET = "/api/me";

    /** One logged-in session as both sides hold it. */
    @State(Scope.Benchmark)
    public static class Session {
        final SecureRandom random = new SecureRandom();
        final PopSigner signer = new PopSigner(Clock.systemUTC(), random);
        String sessionId;
        PopKey key;
        Map<String, PopSession> sessions;

        @Setup
        public void setUp() {
            byte[] sessionKey = new byte[64];
            random.nextBytes(sessionKey);
            key = PopKey.derive(SecretBytes.copyOf(sessionKey));
            byte[] id = new byte[32];
            random.nextBytes(id);
            sessionId = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
            sessions = new ConcurrentHashMap<>();
            sessions.put(
                    sessionId,
                    new PopSession(sessionId, "alice", key, Instant.now().plus(Duration.ofHours(1))));
        }
    }

    /**
     * The server's verifier, with a fresh nonce cache each iteration (a server's cache in its steady state holds
     * the last two windows of nonces, not a whole run's).
     *
     * <p>{@code store}: {@code server} is the cache as the embedded server builds it (a Caffeine cache whose
     * maintenance runs on the claiming thread); {@code caffeine-common-pool} the same with maintenance handed to
     * {@code ForkJoinPool.commonPool()}, Caffeine's default and the server's choice until profiling showed the hand-off costing more than the checks; {@code
     * map} a {@link MapNonceStore}; {@code none} accepts every nonce, which no server may do: it only separates
     * the cost of the PoP checks from that of the cache.
     */
    @State(Scope.Benchmark)
    public static class Verifier {
        @Param({"server", "caffeine-common-pool", "map", "none"})
        public String store;

        PopVerifier verifier;

        @Setup(Level.Iteration)
        public void freshNonceCache(Session session) {
            NonceStore nonces = switch (store) {
                case "server" -> new CaffeineNonceStore(true);
                case "caffeine-common-pool" -> new CaffeineNonceStore(false);
                case "map" -> new MapNonceStore();
                case "none" -> (id, nonce, ttl) -> true;
                default -> throw new IllegalArgumentException("unknown store " + store);
            };
            Map<String, PopSession> sessions = session.sessions;
            verifier = new PopVerifier(
                    id -> Optional.ofNullable(sessions.get(id)), nonces, Clock.systemUTC(), Duration.ofSeconds(30));
        }
    }

    /** {@link #BATCH} freshly signed requests, each with its own nonce, made before each timed invocation. */
    @State(Scope.Thread)
    public static class Signed {
        final IncomingRequest[] requests = new IncomingRequest[BATCH];

        @Setup(Level.Invocation)
        public void sign(Session session) {
            for (int i = 0; i < BATCH; i++) {
                SignedRequest signed = session.signer.sign(session.sessionId, session.key, "GET", TARGET, null);
                requests[i] = IncomingRequest.of(
                        "GET", TARGET, signed.authorization(), signed.timestamp(), signed.nonce(), signed.pop(), null);
            }
        }
    }

    /** A ready HMAC-SHA256 and a message as long as the canonical request of a signed GET /api/me (178 bytes). */
    @State(Scope.Thread)
    public static class RawMac {
        Mac mac;
        byte[] canonical;

        @Setup
        public void setUp() throws GeneralSecurityException {
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            canonical = ("OPAQUE-POP-V1\nGET\n/api/me\n" + "Q".repeat(43) + "\n1767225600\n" + "n".repeat(32) + "\n"
                            + "e".repeat(64))
                    .getBytes(StandardCharsets.UTF_8);
        }
    }

    @Benchmark
    public SignedRequest popSign(Session session) {
        return session.signer.sign(session.sessionId, session.key, "GET", TARGET, null);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void popVerify(Verifier verifier, Signed signed, Blackhole blackhole) throws PopVerificationException {
        for (IncomingRequest request : signed.requests) {
            blackhole.consume(verifier.verifier.verify(request));
        }
    }

    @Benchmark
    public byte[] hmacSha256(RawMac raw) {
        return raw.mac.doFinal(raw.canonical);
    }
}
