package dev.opaquepop.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway's options: validated with messages that name the option, and its key kept across restarts. */
class GatewayConfigTest {
    @TempDir
    Path data;

    private static ServerConfig.Builder base(Path data) {
        return ServerConfig.builder().dataDirectory(data.resolve("data"));
    }

    @Test
    void upstream_isParsed_audienceIsItsOrigin() {
        GatewayConfig config = base(data)
                .upstream("HTTP://API.Example:80/base/")
                .publicPaths("/static/**, /favicon.ico")
                .build()
                .gateway()
                .orElseThrow();
        assertThat(config.upstream()).hasToString("http://API.Example:80/base");
        assertThat(config.audience()).isEqualTo("http://api.example");
        assertThat(config.upstreamTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.keyFile())
                .isEqualTo(data.resolve("data-secrets/gateway-key.jwk").toAbsolutePath());
        assertThat(config.publicPaths().matches("/static")).isTrue();
        assertThat(config.publicPaths().matches("/static/css/a.css")).isTrue();
        assertThat(config.publicPaths().matches("/staticx")).isFalse();
        assertThat(config.publicPaths().matches("/favicon.ico")).isTrue();
        assertThat(config.publicPaths().matches("/favicon.icox")).isFalse();
        assertThat(base(data).build().gateway()).isEmpty();
    }

    @Test
    void starPattern_staysWithinOneSegment() {
        GatewayConfig config = base(data)
                .upstream("https://api.example:8443")
                .publicPaths("/docs/*.html")
                .build()
                .gateway()
                .orElseThrow();
        assertThat(config.audience()).isEqualTo("https://api.example:8443");
        assertThat(config.publicPaths().matches("/docs/a.html")).isTrue();
        assertThat(config.publicPaths().matches("/docs/a/b.html")).isFalse();
    }

    @Test
    void badOptions_areRefusedByName() {
        assertThatThrownBy(() -> base(data).upstream("ftp://x").build()).hasMessageContaining("--upstream");
        assertThatThrownBy(() -> base(data).upstream("http://x/?q=1").build()).hasMessageContaining("--upstream");
        assertThatThrownBy(() -> base(data).upstream("http://user@x").build()).hasMessageContaining("--upstream");
        assertThatThrownBy(() ->
                        base(data).upstream("http://x").publicPaths("static/**").build())
                .hasMessageContaining("--public-path 'static/**'");
        assertThatThrownBy(() ->
                        base(data).upstream("http://x").publicPaths("/a/**/b").build())
                .hasMessageContaining("--public-path");
        assertThatThrownBy(() ->
                        base(data).upstream("http://x").publicPaths("/a/../b").build())
                .hasMessageContaining("--public-path");
        assertThatThrownBy(() -> base(data)
                        .upstream("http://x")
                        .upstreamTimeout(Duration.ZERO)
                        .build())
                .hasMessageContaining("--upstream-timeout");
        assertThatThrownBy(() -> base(data).upstream("http://x").web(true).build())
                .hasMessageContaining("--web");
    }

    @Test
    void signingKey_isCreatedOwnerOnly_keptAcrossRestarts_andRefusedWhenExposed() throws Exception {
        Path keyFile = data.resolve("data-secrets/gateway-key.jwk");
        String firstJwks;
        try (TestServer first = TestServer.start(data, b -> b.upstream("http://127.0.0.1:9"))) {
            firstJwks = Requests.get(first.uri(), "/.well-known/jwks.json").body();
        }
        assertThat(Files.getPosixFilePermissions(keyFile)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.readString(keyFile)).contains("\"d\"");
        try (TestServer second = TestServer.start(data, b -> b.upstream("http://127.0.0.1:9"))) {
            assertThat(Requests.get(second.uri(), "/.well-known/jwks.json").body())
                    .isEqualTo(firstJwks);
        }
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> TestServer.start(data, b -> b.upstream("http://127.0.0.1:9")))
                .hasMessageContaining("chmod 600");
    }
}
