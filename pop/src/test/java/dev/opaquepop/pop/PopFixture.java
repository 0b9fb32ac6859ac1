package dev.opaquepop.pop;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.opaquepop.opaque.SecretBytes;
import dev.opaquepop.testfixtures.HandMovedTime;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** One signer and one verifier sharing a clock, a session table and a nonce store. */
final class PopFixture {
    static final Instant START = Instant.ofEpochSecond(1_767_225_600L);
    static final Duration WINDOW = Duration.ofSeconds(30);
    static final String SESSION_ID = WorkedExampleTest.SESSION_ID;
    static final String OTHER_SESSION_ID = Base64Url.encode(HkdfTest.range(0x60, 0x80));
    static final byte[] BODY = "{\"to\":\"bob\",\"amount\":\"12.50\"}".getBytes(UTF_8);

    final HandMovedTime time = new HandMovedTime(START);
    final Clock clock = time.clock();
    final TestNonceStore nonces = new TestNonceStore();
    final Map<String, PopSession> sessions = new ConcurrentHashMap<>();
    final PopKey key = PopKey.derive(SecretBytes.copyOf(HkdfTest.range(0x00, 0x40)));
    final PopSigner signer = new PopSigner(clock, new SecureRandom());
    final PopVerifier verifier = new PopVerifier(id -> Optional.ofNullable(sessions.get(id)), nonces, clock, WINDOW);
    final PopSession session = new PopSession(SESSION_ID, "alice", key, START.plus(Duration.ofMinutes(15)));

    PopFixture() {
        sessions.put(SESSION_ID, session);
    }

    SignedRequest sign(String method, String target, byte[] body) {
        return signer.sign(SESSION_ID, key, method, target, body);
    }

    static IncomingRequest incoming(String method, String target, SignedRequest signed, byte[] body) {
        return IncomingRequest.of(
                method, target, signed.authorization(), signed.timestamp(), signed.nonce(), signed.pop(), body);
    }
}
