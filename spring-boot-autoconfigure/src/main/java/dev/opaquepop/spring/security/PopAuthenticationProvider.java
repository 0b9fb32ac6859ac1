package dev.opaquepop.spring.security;

import dev.opaquepop.server.api.ApiProblem;
import dev.opaquepop.server.api.ProtocolApi;
import dev.opaquepop.server.api.Verified;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;

/**
 * Verifies a {@link PopAuthenticationToken} through the core, exactly as the stand-alone server verifies its own
 * signed calls: each PoP header once, the body within the limit and hashed as signed, the session live, the
 * timestamp in the window, the nonce unseen (and now spent), the signed-call limits.
 */
public final class PopAuthenticationProvider implements AuthenticationProvider {
    private final ProtocolApi api;

    public PopAuthenticationProvider(ProtocolApi api) {
        this.api = api;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        if (!(authentication instanceof PopAuthenticationToken token) || token.request() == null) {
            return null;
        }
        try {
            Verified verified = api.verify(token.request());
            return PopAuthenticationToken.authenticated(verified);
        } catch (ApiProblem problem) {
            throw new PopAuthenticationException(problem.code(), problem.response());
        } catch (RuntimeException e) {
            // Storage down and the like: the server's answer for it (503 with Retry-After, or 500, logged there).
            throw new PopAuthenticationException(
                    "unavailable", api.failure(e, token.request().path()));
        }
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return PopAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
