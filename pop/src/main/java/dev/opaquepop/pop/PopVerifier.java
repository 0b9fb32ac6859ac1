package dev.opaquepop.pop;

import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Checks a request's PoP credentials on the server, in the order of docs/protocol.md ("Server checks"), each
 * failure a {@link PopVerificationException} naming the first check that failed:
 *
 * <ol>
 *   <li>all four headers present, else {@link PopFailure#MISSING_CREDENTIALS};
 *   <li>well formed (Bearer scheme and a 43-character base64url session id, X-TS of at most 15 ASCII digits,
 *       a nonce of 16 to 64 base64url-alphabet characters, X-POP decoding to 32 bytes), else {@link
 *       PopFailure#MALFORMED_CREDENTIALS};
 *   <li>the session exists, else {@link PopFailure#UNKNOWN_SESSION}, and has not expired, else {@link
 *       PopFailure#EXPIRED_SESSION};
 *   <li>|now − X-TS| ≤ window, else {@link PopFailure#STALE_TIMESTAMP};
 *   <li>the MAC matches, compared with {@link MessageDigest#isEqual}, else {@link PopFailure#INVALID_SIGNATURE};
 *   <li>the nonce is new in this session, else {@link PopFailure#REPLAYED_NONCE}.
 * </ol>
 *
 * <p>The nonce is claimed last, so only a request with a valid MAC can use one up: an attacker who knows a
 * session id cannot burn the nonces of requests in flight. A nonce is kept until its request's timestamp can no
 * longer pass the window on any instance ({@link #CLOCK_MARGIN}), so a copy can never outlive its nonce: at most
 * twice the window plus one second plus the margin. Thread-safe when the lookup and the nonce store are.
 */
public final class PopVerifier {
    /**
     * How far apart the clocks of instances sharing one nonce store may be: a nonce is kept this much longer than
     * its timestamp passes on the instance that claimed it, so an instance whose clock is behind by up to this much
     * never accepts a copy after the nonce has gone. Keep instances on NTP.
     */
    public static final Duration CLOCK_MARGIN = Duration.ofSeconds(5);

    private static final int SESSION_ID_LENGTH = 43;
    private static final int MAX_TIMESTAMP_DIGITS = 15;
    private static final int MIN_NONCE_LENGTH = 16;
    private static final int MAX_NONCE_LENGTH = 64;
    // 32 bytes are 43 base64url characters, or 44 with the one padding character.
    private static final int MAC_CHARACTERS = 43;

    private final PopSessionLookup sessions;
    private final NonceStore nonces;
    private final Clock clock;
    private final Duration window;

    /**
     * @param window how far X-TS may be from the server's clock, either way (30 s by default on the wire)
     * @throws IllegalArgumentException when the window is zero or negative
     */
    public PopVerifier(PopSessionLookup sessions, NonceStore nonces, Clock clock, Duration window) {
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.nonces = Objects.requireNonNull(nonces, "nonces");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.window = Objects.requireNonNull(window, "window");
        if (window.isZero() || window.isNegative()) {
            throw new IllegalArgumentException("the PoP window must be positive, got " + window);
        }
    }

    /**
     * Verifies {@code request} and returns its session.
     *
     * @throws PopVerificationException with the first failing check; no other exception for any header values
     */
    public PopSession verify(IncomingRequest request) throws PopVerificationException {
        Objects.requireNonNull(request, "request");
        if (request.authorization() == null
                || request.timestamp() == null
                || request.nonce() == null
                || request.pop() == null) {
            throw new PopVerificationException(PopFailure.MISSING_CREDENTIALS);
        }
        String sessionId = sessionIdOf(request.authorization());
        long timestamp = parseTimestamp(request.timestamp());
        if (!Base64Url.isAlphabet(request.nonce(), MIN_NONCE_LENGTH, MAX_NONCE_LENGTH)) {
            throw new PopVerificationException(PopFailure.MALFORMED_CREDENTIALS);
        }
        byte[] mac = decodeMac(request.pop());

        PopSession session =
                sessions.find(sessionId).orElseThrow(() -> new PopVerificationException(PopFailure.UNKNOWN_SESSION));
        Instant now = clock.instant();
        if (!now.isBefore(session.expiresAt())) {
            throw new PopVerificationException(PopFailure.EXPIRED_SESSION);
        }
        // Both sides are below 10^15, so the difference cannot overflow.
        Duration skew = Duration.ofSeconds(Math.abs(now.getEpochSecond() - timestamp));
        if (skew.compareTo(window) > 0) {
            throw new PopVerificationException(PopFailure.STALE_TIMESTAMP);
        }
        if (!macMatches(session.popKey(), request, sessionId, mac)) {
            throw new PopVerificationException(PopFailure.INVALID_SIGNATURE);
        }
        if (!nonces.claim(sessionId, request.nonce(), nonceTtl(timestamp, now))) {
            throw new PopVerificationException(PopFailure.REPLAYED_NONCE);
        }
        return session;
    }

    /**
     * How long a nonce must be kept: X-TS is compared in whole seconds, so X-TS = T passes until second T + window
     * has ended, on a clock that may be {@link #CLOCK_MARGIN} behind this one.
     */
    private Duration nonceTtl(long timestamp, Instant now) {
        Instant lastPassing = Instant.ofEpochSecond(timestamp).plus(window).plusSeconds(1);
        return Duration.between(now, lastPassing).plus(CLOCK_MARGIN);
    }

    private static String sessionIdOf(String authorization) throws PopVerificationException {
        String prefix = PopHeaders.BEARER_PREFIX;
        if (authorization.length() != prefix.length() + SESSION_ID_LENGTH
                || !startsWithIgnoringAsciiCase(authorization, prefix)) {
            throw new PopVerificationException(PopFailure.MALFORMED_CREDENTIALS);
        }
        String sessionId = authorization.substring(prefix.length());
        if (!Base64Url.isAlphabet(sessionId, SESSION_ID_LENGTH, SESSION_ID_LENGTH)) {
            throw new PopVerificationException(PopFailure.MALFORMED_CREDENTIALS);
        }
        return sessionId;
    }

    /**
     * The auth scheme is case-insensitive (RFC 9110 §11.1). ASCII only: Unicode case mapping would let
     * look-alikes such as U+212A KELVIN SIGN pass for Latin letters.
     */
    private static boolean startsWithIgnoringAsciiCase(String text, String prefix) {
        for (int i = 0; i < prefix.length(); i++) {
            if (asciiLower(text.charAt(i)) != asciiLower(prefix.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static char asciiLower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }

    private static long parseTimestamp(String timestamp) throws PopVerificationException {
        if (timestamp.isEmpty() || timestamp.length() > MAX_TIMESTAMP_DIGITS) {
            throw new PopVerificationException(PopFailure.MALFORMED_CREDENTIALS);
        }
        long value = 0;
        for (int i = 0; i < timestamp.length(); i++) {
            char c = timestamp.charAt(i);
            // Explicit ASCII range: Character.isDigit would also take Arabic-Indic and other digits.
            if (c < '0' || c > '9') {
                throw new PopVerificationException(PopFailure.MALFORMED_CREDENTIALS);
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static byte[] decodeMac(String pop) throws PopVerificationException {
        String unpadded = pop.length() == MAC_CHARACTERS + 1 && pop.charAt(MAC_CHARACTERS) == '='
                ? pop.substring(0, MAC_CHARACTERS)
                : pop;
        if (!Base64Url.isAlphabet(unpadded, MAC_CHARACTERS, MAC_CHARACTERS)) {
            throw new PopVerificationException(PopFailure.MALFORMED_CREDENTIALS);
        }
        return Base64Url.decode(unpadded);
    }

    private static boolean macMatches(PopKey key, IncomingRequest request, String sessionId, byte[] mac) {
        // A method or target with a line break has no canonical form (CanonicalRequest refuses to build one),
        // so no client can have signed it.
        if (CanonicalRequest.hasLineBreak(request.method()) || CanonicalRequest.hasLineBreak(request.target())) {
            return false;
        }
        byte[] canonical = CanonicalRequest.build(
                request.method(),
                request.target(),
                sessionId,
                request.timestamp(),
                request.nonce(),
                request.bodyUnsafe());
        return MessageDigest.isEqual(key.mac(canonical), mac);
    }

    @Override
    public String toString() {
        return "PopVerifier[window=" + window + "]";
    }
}
