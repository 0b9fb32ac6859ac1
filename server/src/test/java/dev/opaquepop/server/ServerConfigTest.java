package dev.opaquepop.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opaquepop.server.limit.CallLimits;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The scale-out options: validated once with actionable messages, and never shown with their credentials. */
class ServerConfigTest {
    private static final String SETUP = SharedInfrastructure.newSetup();

    @Test
    void sharedStorageWithoutAnExplicitSetup_isRefused() {
        for (Consumer<ServerConfig.Builder> shared : List.<Consumer<ServerConfig.Builder>>of(
                b -> b.dbUrl("jdbc:postgresql://127.0.0.1:5432/app"), b -> b.redisUrl("redis://127.0.0.1:6379"))) {
            ServerConfig.Builder builder = ServerConfig.builder();
            shared.accept(builder);
            assertThatThrownBy(builder::build)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("OPAQUE_POP_SERVER_SETUP")
                    .hasMessageContaining("--setup-file");
            shared.accept(builder.setupValue(SETUP));
            assertThat(builder.build()).isNotNull();
        }
    }

    @Test
    void sharedStorageWithASetupFile_isAccepted(@TempDir Path directory) throws Exception {
        Path file = directory.resolve("setup");
        Files.writeString(file, SETUP, StandardCharsets.US_ASCII);
        ServerConfig config = ServerConfig.builder()
                .dbUrl("jdbc:postgresql://db/app")
                .redisUrl("redis://cache")
                .setupFile(file)
                .build();
        assertThat(config.core().storage().usesPostgres()).isTrue();
        assertThat(config.core().storage().usesRedis()).isTrue();
    }

    @Test
    void rateLimits_defaultsAsDocumented_andValidated() {
        ServerConfig config = ServerConfig.builder().build();
        assertThat(config.core().limits().rateLimit()).isTrue();
        assertThat(config.core().limits().loginLimitUser()).hasToString("5/30s,10/2m,20/15m");
        assertThat(config.core().limits().loginLimitAddress()).hasToString("50/1s,500/30s");
        assertThat(config.core().limits().loginLimitIpv6Block()).hasToString("200/1s,2000/10s");
        // 1000 calls a second per session, 2000 per user, 100 000 nonces per session per 66 s (2 x 30 s + 1 s + 5 s).
        assertThat(config.core().limits().callLimits())
                .isEqualTo(new CallLimits(1000, 2000, 100_000, Duration.ofSeconds(66)));
        assertThat(config.core().limits().registerLimitAddress()).hasToString("10/30s,200/10m");
        assertThat(config.core().limits().knownAddressTtl()).isEqualTo(Duration.ofDays(30));
        assertThat(config.core().limits().maxRateLimitBuckets()).isEqualTo(100_000);
        assertThat(config.core().trustedProxies()).isEmpty();
        assertThat(config.toString()).contains("loginUser=5/30s,10/2m,20/15m").contains("trustedProxies=[]");

        ServerConfig custom = ServerConfig.builder()
                .rateLimit(false)
                .trustedProxies(" 10.0.0.0/8 , ::1 ")
                .knownAddressTtl(Duration.ZERO)
                .build();
        assertThat(custom.core().limits().rateLimit()).isFalse();
        assertThat(custom.core().trustedProxies()).containsExactly("10.0.0.0/8", "::1/128");
        assertThat(custom.toString()).contains("rateLimit=off");
        assertThat(custom.core().limits().callLimits().enabled())
                .as("--rate-limit off: signed calls too")
                .isFalse();

        for (Consumer<ServerConfig.Builder> invalid : List.<Consumer<ServerConfig.Builder>>of(
                b -> b.loginLimitUser("5"),
                b -> b.loginLimitAddress("0/1s"),
                b -> b.registerLimitAddress(""),
                b -> b.knownAddressTtl(Duration.ofSeconds(59)),
                b -> b.knownAddressTtl(Duration.ofDays(366)),
                b -> b.maxRateLimitBuckets(0),
                b -> b.loginLimitIpv6Block("5"),
                b -> b.callLimitSession(0),
                b -> b.callLimitUser(1_000_001),
                b -> b.nonceQuotaSession(0),
                b -> b.nonceQuotaSession(2_000_001),
                b -> b.trustedProxies("10.0.0.0/33"))) {
            ServerConfig.Builder builder = ServerConfig.builder();
            invalid.accept(builder);
            assertThatThrownBy(builder::build)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("--");
        }
    }

    @Test
    void embeddedIsTheDefault() {
        ServerConfig config = ServerConfig.builder().build();
        assertThat(config.core().storage().usesPostgres()).isFalse();
        assertThat(config.core().storage().usesRedis()).isFalse();
        assertThat(config.core().storage().dbPoolSize()).isEqualTo(10);
        assertThat(config.core().storage().dbTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.core().storage().redisTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.core().storage().redisKeyPrefix()).isEqualTo("opaque-pop:");
        // Blank environment values mean "not set".
        assertThat(ServerConfig.builder()
                        .dbUrl(" ")
                        .redisUrl("")
                        .build()
                        .core()
                        .storage()
                        .usesRedis())
                .isFalse();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "dbUrl      | mysql://127.0.0.1/app          | --db-url must be a PostgreSQL JDBC URL",
                "dbUrl      | jdbc:sqlite:/tmp/x.db          | --db-url must be a PostgreSQL JDBC URL",
                "redisUrl   | http://127.0.0.1:6379          | --redis-url must be a Redis URI",
                "redisUrl   | cache.internal:6390            | --redis-url must be a Redis URI",
                "prefix     | opaque{pop}:                   | --redis-key-prefix must be",
                "prefix     | with space                     | --redis-key-prefix must be",
                "poolSize   | 0                              | --db-pool-size must be between 1 and 1000, got 0",
                "dbTimeout  | 0                              | --db-timeout must be between 1 and 60 seconds",
                "redisTimeout | 61                           | --redis-timeout must be between 1 and 60 seconds",
            })
    void invalidScaleOutOptions_nameTheOptionAndTheFix(String option, String value, String message) {
        ServerConfig.Builder builder = ServerConfig.builder().setupValue(SETUP);
        switch (option) {
            case "dbUrl" -> builder.dbUrl(value);
            case "redisUrl" -> builder.redisUrl(value);
            case "prefix" -> builder.redisKeyPrefix(value);
            case "poolSize" -> builder.dbPoolSize(Integer.parseInt(value));
            case "dbTimeout" -> builder.dbTimeout(Duration.ofSeconds(Long.parseLong(value)));
            case "redisTimeout" -> builder.redisTimeout(Duration.ofSeconds(Long.parseLong(value)));
            default -> throw new IllegalArgumentException(option);
        }
        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message)
                .hasMessageNotContaining(value.length() > 3 ? value : "\u0000");
    }

    @Test
    void sessionLifecycleDefaults_matchTheReadme() {
        ServerConfig config = ServerConfig.builder().build();
        assertThat(config.core().sessions().sessionIdleTimeout()).isEqualTo(Duration.ofMinutes(15));
        assertThat(config.core().sessions().sessionLifetime()).isEqualTo(Duration.ofHours(12));
        assertThat(config.core().sessions().reauthenticationWindow()).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.core().sessions().maxSessionsPerUser()).isEqualTo(16);
        assertThat(config.core().sessions().maxPendingLoginsPerUser()).isEqualTo(8);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "idle     | 29    | --session-idle-timeout must be between 30 and 86400 seconds, got 29",
                "lifetime | 59    | --session-lifetime must be between 60 and 2592000 seconds, got 59",
                "idle     | 50000 | --session-idle-timeout must not be longer than --session-lifetime",
                "reauth   | 3601  | --reauthentication-window must be between 10 and 3600 seconds, got 3601",
                "sessions | 0     | --max-sessions-per-user must be between 1 and 1000, got 0",
                "pending  | 1001  | --max-pending-logins-per-user must be between 1 and 1000, got 1001",
            })
    void invalidSessionOptions_nameTheOptionAndTheRange(String option, long value, String message) {
        ServerConfig.Builder builder = ServerConfig.builder();
        switch (option) {
            case "idle" -> builder.sessionIdleTimeout(Duration.ofSeconds(value));
            case "lifetime" -> builder.sessionLifetime(Duration.ofSeconds(value));
            case "reauth" -> builder.reauthenticationWindow(Duration.ofSeconds(value));
            case "sessions" -> builder.maxSessionsPerUser((int) value);
            case "pending" -> builder.maxPendingLoginsPerUser((int) value);
            default -> throw new IllegalArgumentException(option);
        }
        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void credentials_neverAppearInToString() {
        ServerConfig config = ServerConfig.builder()
                .setupValue(SETUP)
                .dbUrl("jdbc:postgresql://db.internal:5432/app?user=app&password=url-secret")
                .dbUser("app")
                .dbPassword("option-secret")
                .redisUrl("redis://:redis-secret@cache.internal:6379/2")
                .build();
        assertThat(config.toString())
                .contains("jdbc:postgresql://db.internal:5432/app")
                .contains("redis://cache.internal:6379/2")
                .doesNotContain("secret")
                .doesNotContain(SETUP);
    }

    @Test
    void redisCluster_takesSeedsSeparatedByCommas_andShowsThemWithoutCredentials() {
        ServerConfig config = ServerConfig.builder()
                .setupValue(SETUP)
                .redisCluster(true)
                .redisUrl("redis://:seed-secret@10.0.0.1:6379, rediss://:seed-secret@10.0.0.2:6380")
                .build();
        assertThat(config.core().storage().redisCluster()).isTrue();
        assertThat(config.toString())
                .contains("cluster redis://10.0.0.1:6379,rediss://10.0.0.2:6380")
                .doesNotContain("secret");
        assertThat(ServerConfig.builder().build().core().storage().redisCluster())
                .isFalse();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            nullValues = "none",
            value = {
                "none                                        | --redis-cluster needs --redis-url",
                "redis-sentinel://10.0.0.1:26379/0#primary   | with --redis-cluster, --redis-url must list seed nodes",
                "redis://10.0.0.1:6379,http://10.0.0.2:6379  | with --redis-cluster, --redis-url must list seed nodes",
                "redis://10.0.0.1:6379,                      | with --redis-cluster, --redis-url must list seed nodes",
            })
    void redisCluster_withoutProperSeeds_isRefused(String url, String message) {
        ServerConfig.Builder builder =
                ServerConfig.builder().setupValue(SETUP).redisCluster(true).redisUrl(url);
        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "jdbc:postgresql://db:5432/app?user=u&password=p | jdbc:postgresql://db:5432/app",
                "jdbc:postgresql://u:p@db/app                      | jdbc:postgresql://db/app",
                "redis://:p@cache:6379/0                           | redis://cache:6379/0",
                "redis://user:p%40ss@cache                         | redis://cache",
                "rediss://cache:6380?timeout=5s                    | rediss://cache:6380",
                "redis-sentinel://:p@s1:26379,s2:26379/0#primary   | redis-sentinel://s1:26379,s2:26379/0",
                "redis://cache:6379                                | redis://cache:6379",
            })
    void redaction_dropsUserInformationAndParameters(String url, String shown) {
        assertThat(Redaction.url(url)).isEqualTo(shown);
    }
}
