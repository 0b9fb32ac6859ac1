package dev.opaquepop.spring.security;

import dev.opaquepop.server.api.ApiRequest;
import dev.opaquepop.server.api.Verified;
import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;

/**
 * A PoP-signed request on its way through Spring Security: unauthenticated, it carries the request for the core to
 * verify; authenticated, its principal is the session's username and it holds the body bytes the signature covered.
 * It carries no secret: the session's PoP key never leaves the core.
 */
public final class PopAuthenticationToken extends AbstractAuthenticationToken {
    private static final long serialVersionUID = 1L;

    // Neither is serializable, nor needed after the request: a token in an HTTP session would lose them, and the
    // integration never stores one there.
    private final transient ApiRequest request;
    private final transient Verified verified;
    private final String username;

    private PopAuthenticationToken(ApiRequest request, Verified verified) {
        super(List.of());
        this.request = request;
        this.verified = verified;
        this.username = verified == null ? null : verified.username();
        setAuthenticated(verified != null);
    }

    /** A request to verify. */
    public static PopAuthenticationToken unauthenticated(ApiRequest request) {
        return new PopAuthenticationToken(request, null);
    }

    /** A request the core verified. */
    public static PopAuthenticationToken authenticated(Verified verified) {
        return new PopAuthenticationToken(null, verified);
    }

    /** The request to verify; {@code null} once authenticated. */
    public ApiRequest request() {
        return request;
    }

    /** The body the signature covered, which is what the application reads (a copy). */
    public byte[] verifiedBody() {
        if (verified == null) {
            throw new IllegalStateException("the request is not verified");
        }
        return verified.body();
    }

    /** The session's username once verified, else {@code null}. */
    @Override
    public Object getPrincipal() {
        return username;
    }

    /** Nothing: the proof was the signature, checked and spent. */
    @Override
    public Object getCredentials() {
        return null;
    }

    @Override
    public String getName() {
        return username == null ? "" : username;
    }

    @Override
    public boolean equals(Object other) {
        return super.equals(other);
    }

    @Override
    public int hashCode() {
        return super.hashCode();
    }
}
