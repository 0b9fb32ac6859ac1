package dev.opaquepop.spring.security;

import dev.opaquepop.server.api.ProtocolApi;
import org.springframework.context.ApplicationContext;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.annotation.web.configurers.CsrfConfigurer;
import org.springframework.security.config.annotation.web.configurers.ExceptionHandlingConfigurer;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.util.matcher.AnyRequestMatcher;

/**
 * PoP authentication for an application's own {@code SecurityFilterChain}, in one line:
 *
 * <pre>{@code
 * http.with(OpaquePopConfigurer.opaquePop(), Customizer.withDefaults());
 * }</pre>
 *
 * It adds the {@link PopAuthenticationFilter} (converter, provider over the application's {@link ProtocolApi}),
 * makes the {@link PopAuthenticationEntryPoint} the default answer for requests that need authentication, and
 * exempts PoP-signed requests from CSRF protection (a browser cannot forge a signature with a key it does not
 * have). Which paths need a user stays the application's {@code authorizeHttpRequests}.
 */
public final class OpaquePopConfigurer extends AbstractHttpConfigurer<OpaquePopConfigurer, HttpSecurity> {
    private ProtocolApi api;

    /** A configurer over the {@link ProtocolApi} bean of the application context (the starter's, over its core). */
    public static OpaquePopConfigurer opaquePop() {
        return new OpaquePopConfigurer();
    }

    /** Uses this core instead of the context's (for a chain built outside an application context). */
    public OpaquePopConfigurer api(ProtocolApi protocolApi) {
        this.api = protocolApi;
        return this;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void init(HttpSecurity http) {
        CsrfConfigurer<HttpSecurity> csrf = http.getConfigurer(CsrfConfigurer.class);
        if (csrf != null) {
            csrf.ignoringRequestMatchers(PopAuthenticationConverter.SIGNED_REQUESTS);
        }
        ExceptionHandlingConfigurer<HttpSecurity> exceptions = http.getConfigurer(ExceptionHandlingConfigurer.class);
        if (exceptions != null) {
            exceptions.defaultAuthenticationEntryPointFor(
                    new PopAuthenticationEntryPoint(api(http)), AnyRequestMatcher.INSTANCE);
        }
    }

    @Override
    public void configure(HttpSecurity http) {
        ProtocolApi protocol = api(http);
        PopAuthenticationFilter filter = new PopAuthenticationFilter(
                new PopAuthenticationConverter(),
                new ProviderManager(new PopAuthenticationProvider(protocol)),
                new PopAuthenticationEntryPoint(protocol),
                getSecurityContextHolderStrategy());
        http.addFilterBefore(postProcess(filter), BasicAuthenticationFilter.class);
    }

    private ProtocolApi api(HttpSecurity http) {
        if (api == null) {
            ApplicationContext context = http.getSharedObject(ApplicationContext.class);
            if (context == null) {
                throw new IllegalStateException("no application context: give the core with api(...)");
            }
            api = context.getBean(ProtocolApi.class);
        }
        return api;
    }
}
