package dev.opaquepop.samples.notes;

import dev.opaquepop.opaque.Argon2idKsf;
import dev.opaquepop.spring.OpaquePopCoreCustomizer;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * What the tests add to the sample: a count of the requests that reached one of its controllers (so a test can
 * prove a refused request never did), and the cheap KSF clients of a test server are told to use.
 */
@TestConfiguration(proxyBeanMethods = false)
class ControllerCalls implements HandlerInterceptor, WebMvcConfigurer {
    static final Argon2idKsf TEST_KSF = Argon2idKsf.of(1024, 1, 1);

    private final AtomicInteger calls = new AtomicInteger();

    int count() {
        return calls.get();
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        calls.incrementAndGet();
        return true;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(this).addPathPatterns("/api/notes/**", "/api/notes");
    }

    @Bean
    OpaquePopCoreCustomizer cheapTestKsf() {
        return builder -> builder.clientKsf(TEST_KSF);
    }
}
