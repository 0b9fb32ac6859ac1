package dev.opaquepop.spring.security;

import dev.opaquepop.pop.PopHeaders;
import dev.opaquepop.server.api.ServletApi;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.springframework.security.web.authentication.AuthenticationConverter;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Request to unauthenticated {@link PopAuthenticationToken}, for every request that carries any part of a PoP
 * signature (the session id as {@code Authorization: Bearer}, {@code X-TS}, {@code X-NONCE}, {@code X-POP}). Such a
 * request is the core's to judge, however incomplete: a session id sent alone is refused, not taken as anonymous.
 */
public final class PopAuthenticationConverter implements AuthenticationConverter {
    private static final List<String> SIGNATURE_HEADERS =
            List.of(PopHeaders.TIMESTAMP, PopHeaders.NONCE, PopHeaders.POP);

    /** Matches the requests this converter converts (e.g. to exempt them from CSRF: a browser cannot sign). */
    public static final RequestMatcher SIGNED_REQUESTS = PopAuthenticationConverter::isPopRequest;

    @Override
    public PopAuthenticationToken convert(HttpServletRequest request) {
        return isPopRequest(request) ? PopAuthenticationToken.unauthenticated(ServletApi.request(request, "")) : null;
    }

    static boolean isPopRequest(HttpServletRequest request) {
        for (String name : SIGNATURE_HEADERS) {
            if (request.getHeader(name) != null) {
                return true;
            }
        }
        String authorization = request.getHeader(PopHeaders.AUTHORIZATION);
        return authorization != null && authorization.regionMatches(true, 0, PopHeaders.BEARER_PREFIX, 0, 7);
    }
}
