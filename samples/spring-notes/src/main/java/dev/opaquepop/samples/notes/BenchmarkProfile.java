package dev.opaquepop.samples.notes;

import dev.opaquepop.spring.security.OpaquePopConfigurer;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A benchmark aid, active only with the Spring profile {@code benchmark} (BENCHMARKS.md, "The Spring sample"): a
 * public twin of {@code GET /api/notes/count}, {@code GET /bench/public/notes-count}, doing the same work without a
 * signature, so one run can set the cost of PoP against the same endpoint unprotected. It needs a filter chain of
 * the application's own (the starter's default protects every path), which is the documented one-line way to
 * combine opaque-pop with an application's rules.
 */
@Configuration(proxyBeanMethods = false)
@Profile("benchmark")
class BenchmarkProfile {
    /** The owner whose notes the public twin counts: nobody registers under it, so the count is 0 like a user's. */
    static final String PUBLIC_OWNER = "bench-public";

    @Bean
    SecurityFilterChain benchmarkSecurityFilterChain(HttpSecurity http) {
        http.authorizeHttpRequests(requests -> requests.requestMatchers("/bench/public/**")
                        .permitAll()
                        .anyRequest()
                        .authenticated())
                .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.disable())
                .csrf(csrf -> csrf.disable())
                .with(OpaquePopConfigurer.opaquePop(), Customizer.withDefaults());
        return http.build();
    }

    /** No password users, as with the starter's default chain. */
    @Bean
    UserDetailsService benchmarkNoUsers() {
        return new InMemoryUserDetailsManager();
    }

    /** The public twin: the same query and the same shape of answer as {@code /api/notes/count}. */
    @RestController
    @Profile("benchmark")
    static class PublicTwin {
        private final NoteRepository notes;

        PublicTwin(NoteRepository notes) {
            this.notes = notes;
        }

        @GetMapping("/bench/public/notes-count")
        Map<String, Object> count() {
            return Map.of("user", PUBLIC_OWNER, "count", notes.count(PUBLIC_OWNER));
        }
    }
}
