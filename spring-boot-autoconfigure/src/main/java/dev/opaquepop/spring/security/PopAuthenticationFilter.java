package dev.opaquepop.spring.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Runs the {@link PopAuthenticationConverter} and the {@link PopAuthenticationProvider} on each request. A request
 * without PoP credentials passes on unauthenticated (the application's rules decide); a signed one either passes on
 * authenticated, with its body replaced by the verified bytes, or is answered here and goes no further, whatever
 * the rules of its path: a replayed, tampered or stale request never reaches a controller.
 */
public final class PopAuthenticationFilter extends OncePerRequestFilter {
    private final PopAuthenticationConverter converter;
    private final AuthenticationManager authenticationManager;
    private final AuthenticationEntryPoint entryPoint;
    private final SecurityContextHolderStrategy contexts;
    // Per request only, never an HTTP session: every signed request proves itself. Kept so that an error dispatch
    // of the same request still knows its user.
    private final SecurityContextRepository repository = new RequestAttributeSecurityContextRepository();

    public PopAuthenticationFilter(
            PopAuthenticationConverter converter,
            AuthenticationManager authenticationManager,
            AuthenticationEntryPoint entryPoint,
            SecurityContextHolderStrategy contexts) {
        this.converter = converter;
        this.authenticationManager = authenticationManager;
        this.entryPoint = entryPoint;
        this.contexts = contexts;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        PopAuthenticationToken token = converter.convert(request);
        if (token == null) {
            chain.doFilter(request, response);
            return;
        }
        PopAuthenticationToken verified;
        try {
            verified = (PopAuthenticationToken) authenticationManager.authenticate(token);
        } catch (AuthenticationException e) {
            contexts.clearContext();
            entryPoint.commence(request, response, e);
            return;
        }
        SecurityContext context = contexts.createEmptyContext();
        context.setAuthentication(verified);
        contexts.setContext(context);
        repository.saveContext(context, request, response);
        chain.doFilter(new VerifiedBodyRequest(request, verified.verifiedBody()), response);
    }
}
