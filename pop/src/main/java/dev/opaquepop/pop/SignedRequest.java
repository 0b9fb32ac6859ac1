package dev.opaquepop.pop;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The four header values that make a request PoP-signed. {@link #toString()} leaves out the session id and the
 * MAC: neither belongs in a log.
 *
 * @param authorization {@code Bearer <session_id>}
 * @param timestamp the {@code X-TS} value, unix seconds
 * @param nonce the {@code X-NONCE} value
 * @param pop the {@code X-POP} value, base64url of the MAC
 */
public record SignedRequest(String authorization, String timestamp, String nonce, String pop) {
    public SignedRequest {
        Objects.requireNonNull(authorization, "authorization");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(nonce, "nonce");
        Objects.requireNonNull(pop, "pop");
    }

    /** Header name to value, in the order of {@link PopHeaders}; unmodifiable. */
    public Map<String, String> headers() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(PopHeaders.AUTHORIZATION, authorization);
        headers.put(PopHeaders.TIMESTAMP, timestamp);
        headers.put(PopHeaders.NONCE, nonce);
        headers.put(PopHeaders.POP, pop);
        return Collections.unmodifiableMap(headers);
    }

    @Override
    public String toString() {
        return "SignedRequest[ts=" + timestamp + ", nonce=" + nonce + ", session and MAC redacted]";
    }
}
