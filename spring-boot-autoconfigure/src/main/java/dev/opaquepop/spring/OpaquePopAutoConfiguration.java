package dev.opaquepop.spring;

import dev.opaquepop.server.CoreConfig;
import dev.opaquepop.server.ProtocolCore;
import dev.opaquepop.server.api.ProtocolApi;
import dev.opaquepop.spring.security.OpaquePopConfigurer;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.security.autoconfigure.web.servlet.ConditionalOnDefaultWebSecurity;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * opaque-pop in a servlet Spring Boot application (unless {@code opaque-pop.enabled=false}). The server setup comes
 * from {@code opaque-pop.server-setup} ({@code OPAQUE_POP_SERVER_SETUP}) or {@code opaque-pop.setup-file}, else,
 * as for the stand-alone server, from a file beside the data directory created on the first start (which a shared
 * PostgreSQL database refuses: its instances must share one setup).
 *
 * <ul>
 *   <li>the {@link ProtocolCore}: users in the application's PostgreSQL DataSource (a schema of their own, with
 *       their own Flyway history) or else the embedded SQLite database; sessions, pending logins, nonces and limits
 *       in memory or in Redis; meters in the application's registry;
 *   <li>the protocol's endpoints, served ahead of Spring Security under {@code opaque-pop.base-path};
 *   <li>when the application defines no {@code SecurityFilterChain}: one where every other request needs a valid
 *       PoP signature; an application with its own applies {@link OpaquePopConfigurer} to it;
 *   <li>with Actuator, a health contributor {@code opaquePop}.
 * </ul>
 */
@AutoConfiguration(
        afterName = {
            "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
            "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration",
            "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration"
        },
        beforeName = {
            "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration"
        })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnBooleanProperty(name = "opaque-pop.enabled", matchIfMissing = true)
@EnableConfigurationProperties(OpaquePopProperties.class)
public class OpaquePopAutoConfiguration {
    /**
     * The protocol endpoints' filter runs before Spring Security's (-100 by default), so that registration and login
     * need no rule in the application's chain.
     */
    public static final int ENDPOINTS_FILTER_ORDER = -200;

    private static final Logger LOG = LoggerFactory.getLogger(OpaquePopAutoConfiguration.class);

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public ProtocolCore opaquePopCore(
            OpaquePopProperties properties,
            ObjectProvider<OpaquePopCoreCustomizer> customizers,
            ObjectProvider<DataSource> dataSources,
            ObjectProvider<MeterRegistry> meterRegistries) {
        CoreConfig.Builder builder = properties.toBuilder();
        customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
        CoreConfig config;
        try {
            config = builder.build();
        } catch (IllegalArgumentException e) {
            // The server's own words, which name its command-line option: --pop-window is opaque-pop.pop-window.
            throw new IllegalArgumentException(
                    "opaque-pop: " + e.getMessage() + " (the server's --option is the property opaque-pop.option)", e);
        }
        ProtocolCore.Options options = new ProtocolCore.Options();
        DataSource dataSource = dataSources.getIfUnique();
        if (dataSource != null && ApplicationDatabase.isPostgres(dataSource)) {
            options.dataSource(dataSource, properties.getDbSchema());
        }
        MeterRegistry registry = meterRegistries.getIfUnique();
        if (registry != null) {
            options.meterRegistry(registry);
        }
        try {
            ProtocolCore core = ProtocolCore.open(config, options);
            LOG.info("opaque-pop: {}", core.description());
            return core;
        } catch (IOException e) {
            throw new UncheckedIOException("opaque-pop: " + e.getMessage(), e);
        }
    }

    /** The protocol's endpoints and PoP verification over the core: what every adapter part here calls. */
    @Bean
    @ConditionalOnMissingBean
    public ProtocolApi opaquePopApi(ProtocolCore core) {
        return ProtocolApi.over(core);
    }

    @Bean
    public FilterRegistrationBean<ProtocolEndpointsFilter> opaquePopEndpoints(
            ProtocolApi api, OpaquePopProperties properties) {
        FilterRegistrationBean<ProtocolEndpointsFilter> registration =
                new FilterRegistrationBean<>(new ProtocolEndpointsFilter(api, properties.normalizedBasePath()));
        registration.setOrder(ENDPOINTS_FILTER_ORDER);
        registration.setName("opaquePopEndpoints");
        return registration;
    }

    /** Secure by default: the chain when the application has none of its own. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(SecurityFilterChain.class)
    @ConditionalOnDefaultWebSecurity
    static class DefaultSecurity {
        @Bean
        SecurityFilterChain opaquePopSecurityFilterChain(HttpSecurity http) {
            // Stateless: each signed request proves itself, so there is no HTTP session, no login page, no saved
            // request, and nothing for CSRF to protect (signed requests are exempt in any case).
            http.authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
                    .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                    .requestCache(cache -> cache.disable())
                    .csrf(csrf -> csrf.disable())
                    .with(OpaquePopConfigurer.opaquePop(), Customizer.withDefaults());
            return http.build();
        }

        /** No password users: PoP is the only way in (and Spring Boot prints no generated password). */
        @Bean
        @ConditionalOnMissingBean
        UserDetailsService opaquePopNoUsers() {
            return new InMemoryUserDetailsManager();
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    static class Health {
        @Bean
        @ConditionalOnMissingBean(name = "opaquePopHealthIndicator")
        HealthIndicator opaquePopHealthIndicator(ProtocolCore core) {
            return new OpaquePopHealthIndicator(core.readiness());
        }
    }
}
