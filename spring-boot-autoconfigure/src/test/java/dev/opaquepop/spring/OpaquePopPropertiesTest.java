package dev.opaquepop.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opaquepop.server.ProtocolCore;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** The properties reach the core, bad values stop the start with the server's words, and the beans appear. */
class OpaquePopPropertiesTest {
    @TempDir
    Path directory;

    private WebApplicationContextRunner runner() {
        return new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(
                        OpaquePopAutoConfiguration.class, ServletWebSecurityAutoConfiguration.class))
                .withPropertyValues("opaque-pop.data-directory=" + directory.resolve("data"));
    }

    @Test
    void serverSetup_isReadFromTheServersEnvironmentVariable() {
        StandardEnvironment environment = new StandardEnvironment();
        environment
                .getPropertySources()
                .addFirst(new SystemEnvironmentPropertySource(
                        "env", Map.of("OPAQUE_POP_SERVER_SETUP", "c2V0dXA", "OPAQUE_POP_BASE_PATH", "/auth")));
        OpaquePopProperties properties = new Binder(ConfigurationPropertySources.get(environment))
                .bind("opaque-pop", OpaquePopProperties.class)
                .get();
        assertThat(properties.getServerSetup()).isEqualTo("c2V0dXA");
        assertThat(properties.normalizedBasePath()).isEqualTo("/auth");
    }

    @Test
    void badValue_stopsTheStart_withTheServersMessage() {
        runner().withPropertyValues("opaque-pop.pop-window=601")
                .run(context -> assertThat(context)
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("--pop-window must be between 1 and 600 seconds, got 601"));
    }

    @Test
    void secondsAreTheUnit_asForTheServer() {
        runner().withPropertyValues("opaque-pop.session-idle-timeout=120", "opaque-pop.session-lifetime=2m")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(OpaquePopProperties.class).getSessionIdleTimeout())
                            .hasSeconds(120);
                });
    }

    @Test
    void core_andHealth_whenEnabled_andNothing_whenDisabled() {
        runner().run(context -> {
            assertThat(context).hasSingleBean(ProtocolCore.class);
            Health health = context.getBean("opaquePopHealthIndicator", HealthIndicator.class)
                    .health();
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsEntry("database", "sqlite up");
        });
        runner().withPropertyValues("opaque-pop.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(ProtocolCore.class));
    }
}
