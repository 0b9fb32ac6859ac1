package dev.opaquepop.spring.security;

import dev.opaquepop.server.api.ApiResponse;
import org.springframework.security.core.AuthenticationException;

/**
 * A refused PoP-signed request, with the answer the core decided for it: the stand-alone server's problem+json (401
 * with {@code WWW-Authenticate: PoP}, 413, 429 with {@code Retry-After}, or 503 when storage is down).
 */
public final class PopAuthenticationException extends AuthenticationException {
    private static final long serialVersionUID = 1L;

    private final transient ApiResponse response;

    public PopAuthenticationException(String code, ApiResponse response) {
        super(code);
        this.response = response;
    }

    /** The complete answer to send. */
    public ApiResponse response() {
        return response;
    }
}
