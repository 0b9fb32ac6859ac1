package dev.opaquepop.spring;

import dev.opaquepop.server.api.ApiResponse;
import dev.opaquepop.server.api.ProtocolApi;
import dev.opaquepop.server.api.ServletApi;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Serves the protocol's own endpoints (registration, login, logout, sessions, password change, account deletion,
 * {@code /.well-known/opaque-pop}) under the base path, ahead of Spring Security and the application: the core
 * answers them exactly as the stand-alone server does, verifying the signed ones itself. Every other request goes
 * on to the application.
 */
final class ProtocolEndpointsFilter extends OncePerRequestFilter {
    private final ProtocolApi api;
    private final String basePath;

    ProtocolEndpointsFilter(ProtocolApi api, String basePath) {
        this.api = api;
        this.basePath = basePath;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Optional<ApiResponse> answer = api.handle(ServletApi.request(request, basePath));
        if (answer.isPresent()) {
            ServletApi.write(answer.get(), response);
        } else {
            chain.doFilter(request, response);
        }
    }
}
