package dev.opaquepop.pop;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Objects;

/**
 * Signs requests on the client: a fresh timestamp and nonce per call, and the MAC of the canonical request
 * under the session's {@link PopKey} (docs/protocol.md, "Headers"). Thread-safe.
 */
public final class PopSigner {
    // 24 random bytes give 192 bits against nonce collisions and encode to 32 characters, no padding.
    private static final int NONCE_BYTES = 24;

    private final Clock clock;
    private final SecureRandom random;

    public PopSigner(Clock clock, SecureRandom random) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
    }

    /**
     * Signs one request. Send it with exactly this method, target and body: the target is the path plus
     * {@code ?query} as it will appear on the request line, and the body the exact bytes sent ({@code null}
     * for none).
     */
    public SignedRequest sign(String sessionId, PopKey key, String method, String target, byte[] body) {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(key, "key");
        String timestamp = Long.toString(clock.instant().getEpochSecond());
        byte[] nonceBytes = new byte[NONCE_BYTES];
        random.nextBytes(nonceBytes);
        String nonce = Base64Url.encode(nonceBytes);
        byte[] canonical = CanonicalRequest.build(method, target, sessionId, timestamp, nonce, body);
        String pop = Base64Url.encode(key.mac(canonical));
        return new SignedRequest(PopHeaders.BEARER_PREFIX + sessionId, timestamp, nonce, pop);
    }

    @Override
    public String toString() {
        return "PopSigner[" + clock + "]";
    }
}
