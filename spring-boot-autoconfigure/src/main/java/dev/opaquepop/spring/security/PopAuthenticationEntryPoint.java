package dev.opaquepop.spring.security;

import dev.opaquepop.server.api.ApiProblem;
import dev.opaquepop.server.api.ApiResponse;
import dev.opaquepop.server.api.ProtocolApi;
import dev.opaquepop.server.api.ServletApi;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;

/**
 * Answers a request that needs PoP and has none that passed, with the core's answer: for a refused signature the
 * one the core gave; for an unsigned request the one the stand-alone server gives an unsigned call (401 {@code
 * missing_credentials}, {@code WWW-Authenticate: PoP}, problem+json), which the core decides by verifying it.
 */
public final class PopAuthenticationEntryPoint implements AuthenticationEntryPoint {
    private final ProtocolApi api;

    public PopAuthenticationEntryPoint(ProtocolApi api) {
        this.api = api;
    }

    @Override
    public void commence(
            HttpServletRequest request, HttpServletResponse response, AuthenticationException authException)
            throws IOException {
        ApiResponse answer =
                authException instanceof PopAuthenticationException refused ? refused.response() : unsigned(request);
        response.resetBuffer();
        ServletApi.write(answer, response);
    }

    /** What the core answers this request that carries no PoP credentials (it cannot pass: nothing is signed). */
    private ApiResponse unsigned(HttpServletRequest request) {
        try {
            api.verify(ServletApi.request(request, ""));
            throw new IllegalStateException("a request without PoP credentials verified");
        } catch (ApiProblem problem) {
            return problem.response();
        } catch (RuntimeException e) {
            return api.failure(e, request.getRequestURI());
        }
    }
}
