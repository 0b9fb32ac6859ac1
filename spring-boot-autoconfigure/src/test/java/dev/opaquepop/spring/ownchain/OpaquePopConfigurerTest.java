package dev.opaquepop.spring.ownchain;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opaquepop.client.ClientSession;
import dev.opaquepop.client.KsfPolicy;
import dev.opaquepop.client.OpaquePopClient;
import dev.opaquepop.opaque.Argon2idKsf;
import dev.opaquepop.pop.PopSigner;
import dev.opaquepop.pop.SignedRequest;
import dev.opaquepop.spring.OpaquePopCoreCustomizer;
import dev.opaquepop.spring.security.OpaquePopConfigurer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * (In a package of its own: the application's component scan must not pick up the starter's configuration classes,
 * as it never does in a real application.) An application with its own {@code SecurityFilterChain} (a public path, CSRF on) that applies the integration in
 * one line, with the protocol under a base path: its public path stays public, its private ones need PoP, a signed
 * POST passes CSRF, the controller reads the verified body and the user from {@code @AuthenticationPrincipal}.
 */
@SpringBootTest(
        classes = OpaquePopConfigurerTest.App.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"opaque-pop.base-path=/auth", "opaque-pop.register-limit-address=1000/30s"})
class OpaquePopConfigurerTest {
    private static final Argon2idKsf TEST_KSF = Argon2idKsf.of(1024, 1, 1);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path directory;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void storage(DynamicPropertyRegistry properties) {
        properties.add(
                "opaque-pop.data-directory", () -> directory.resolve("data").toString());
    }

    @Test
    void ownChain_keepsItsPublicPath_andProtectsTheRest_withThePrincipal() throws Exception {
        assertThat(get("/public").statusCode()).isEqualTo(200);
        HttpResponse<String> unsigned = get("/private");
        assertThat(unsigned.statusCode()).isEqualTo(401);
        assertThat(unsigned.headers().firstValue("WWW-Authenticate")).hasValue("PoP");

        try (OpaquePopClient client = OpaquePopClient.builder(URI.create("http://127.0.0.1:" + port + "/auth"))
                .ksfPolicy(KsfPolicy.insecureFloor(TEST_KSF.memoryKib(), TEST_KSF.iterations()))
                .build()) {
            byte[] password = "correct horse battery staple".getBytes(UTF_8);
            client.register("alice", password);
            ClientSession session = client.login("alice", password);

            assertThat(signed(session, "GET", "/private", "").body()).isEqualTo("alice");
            HttpResponse<String> echoed = signed(session, "POST", "/private/echo", "{\"n\":1}");
            assertThat(echoed.statusCode()).isEqualTo(200);
            assertThat(echoed.body()).isEqualTo("alice:{\"n\":1}");

            // A refused signature is answered at once, even on a path the application's rules leave public.
            HttpResponse<String> replayed = signed(session, "GET", "/public", "", true);
            assertThat(replayed.statusCode()).isEqualTo(401);
            assertThat(replayed.body()).contains("\"code\":\"replayed_nonce\"");
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> signed(ClientSession session, String method, String path, String body)
            throws Exception {
        return signed(session, method, path, body, false);
    }

    /** A signed request; {@code twice}: sent a second time, the copy's answer returned. */
    private HttpResponse<String> signed(ClientSession session, String method, String path, String body, boolean twice)
            throws Exception {
        byte[] bytes = body.getBytes(UTF_8);
        SignedRequest signed = new PopSigner(Clock.systemUTC(), new SecureRandom())
                .sign(session.sessionId(), session.popKey(), method, path, bytes);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(
                        method,
                        bytes.length == 0
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(bytes));
        signed.headers().forEach(request::header);
        request.header("Content-Type", "application/json");
        HttpResponse<String> answer = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return twice ? HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString()) : answer;
    }

    // An application without a database of its own: the users go to the embedded SQLite default.
    @SpringBootApplication
    @RestController
    static class App {
        @Bean
        SecurityFilterChain chain(HttpSecurity http) {
            http.authorizeHttpRequests(requests -> requests.requestMatchers("/public")
                            .permitAll()
                            .anyRequest()
                            .authenticated())
                    .with(OpaquePopConfigurer.opaquePop(), Customizer.withDefaults());
            return http.build();
        }

        @Bean
        OpaquePopCoreCustomizer cheapKsf() {
            return builder -> builder.clientKsf(TEST_KSF);
        }

        @GetMapping("/public")
        String publicPage() {
            return "hello";
        }

        @GetMapping("/private")
        String me(@AuthenticationPrincipal String username) {
            return username;
        }

        @PostMapping("/private/echo")
        String echo(@AuthenticationPrincipal String username, @RequestBody String body) {
            return username + ":" + body;
        }
    }
}
