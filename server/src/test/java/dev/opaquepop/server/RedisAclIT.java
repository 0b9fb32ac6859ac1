package dev.opaquepop.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opaquepop.server.Requests.LoggedIn;
import dev.opaquepop.testfixtures.HandMovedTime;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Redis ACL docs/deploy.md documents, as one Redis user created with exactly that line (read from the page):
 * the server's whole Redis-backed flow works as that user. A command the line lacks would make some step answer
 * 503 instead.
 */
class RedisAclIT {
    private static final Path DEPLOY = Path.of("..", "docs", "deploy.md");
    private static final Pattern ACL_LINE = Pattern.compile("(?m)^\\s*(ACL SETUSER opaque-pop on >PASSWORD .+)$");
    private static final String TRANSFER = "{\"to\":\"bob\",\"amount\":\"1.00\"}";
    private static final byte[] PASSWORD = "correct horse battery staple".getBytes(UTF_8);

    @TempDir
    Path directory;

    @Test
    void theDocumentedAcl_isEnoughForTheWholeFlow() throws Exception {
        SharedInfrastructure.assumeAvailable();
        String documented = documentedAcl();
        byte[] random = new byte[12];
        Requests.RANDOM.nextBytes(random);
        String suffix = HexFormat.of().formatHex(random);
        String user = "opaque-pop-acl-test-" + suffix.substring(0, 8);
        String password = "acl-" + suffix;

        RedisClient admin = RedisClient.create(SharedInfrastructure.REDIS_URL);
        try (Namespace namespace = SharedInfrastructure.newNamespace();
                StatefulRedisConnection<String, String> connection = admin.connect()) {
            RedisCommands<String, String> redis = connection.sync();
            List<String> rules = rulesFor(documented, namespace.prefix, password, redisVersion(redis));
            try {
                // Sent as the page gives it, word for word: no client-side rule builder in between.
                String answer = redis.dispatch(
                        CommandType.ACL,
                        new StatusOutput<>(StringCodec.UTF8),
                        new CommandArgs<>(StringCodec.UTF8)
                                .add("SETUSER")
                                .add(user)
                                .add("reset")
                                .addValues(rules));
                assertThat(answer).isEqualTo("OK");
                runFlowAs(namespace, user, password);
            } finally {
                redis.aclDeluser(user);
            }
        } finally {
            admin.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    private void runFlowAs(Namespace namespace, String user, String password) throws Exception {
        URI redisAsUser = URI.create(SharedInfrastructure.REDIS_URL);
        String url = redisAsUser.getScheme() + "://" + user + ":" + password + "@" + redisAsUser.getHost() + ":"
                + (redisAsUser.getPort() < 0 ? 6379 : redisAsUser.getPort());
        HandMovedTime now = new HandMovedTime(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        try (TestServer server = TestServer.start(directory, b -> {
            namespace.configure(b, SharedInfrastructure.DB_URL, url);
            b.clock(now.clock())
                    .popWindow(Duration.ofMinutes(5))
                    .callLimitSession(3)
                    .loginLimitUser("3/1h");
        })) {
            Requests.register(server.uri(), "alice", PASSWORD);
            Requests.register(server.uri(), "bob", PASSWORD);
            LoggedIn session = Requests.login(server.uri(), server.uri(), "alice", PASSWORD);
            assertThat(signed(server, session, "GET", "/api/me", "").statusCode())
                    .isEqualTo(200);
            assertThat(signed(server, session, "POST", "/api/transfer", TRANSFER)
                            .statusCode())
                    .isEqualTo(200);
            assertThat(signed(server, session, "GET", "/api/sessions", "").statusCode())
                    .isEqualTo(200);
            // The session's fourth signed call in this second: the call limit, counted in Redis.
            Requests.assertProblem(signed(server, session, "GET", "/api/me", ""), 429, "rate_limited");
            now.advance(Duration.ofSeconds(1));
            assertThat(signed(server, session, "POST", "/logout", "").statusCode())
                    .isEqualTo(204);
            Requests.assertProblem(signed(server, session, "GET", "/api/me", ""), 401, "unknown_session");

            // The login limit (Bucket4j in Redis): three unfinished starts take the burst, the fourth is refused.
            List<Integer> starts = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                starts.add(loginStart(server, "alice").statusCode());
            }
            assertThat(starts).containsExactly(200, 200, 200, 429);
        }
    }

    private static HttpResponse<String> signed(
            TestServer server, LoggedIn session, String method, String target, String body) throws Exception {
        return Requests.signed(server.uri(), session, method, target, body);
    }

    private static HttpResponse<String> loginStart(TestServer server, String username) throws Exception {
        String ke1 = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(Requests.opaque().startLogin(PASSWORD).ke1().encode());
        return Requests.postJson(
                server.uri(), "/login/start", "{\"username\":\"" + username + "\",\"ke1\":\"" + ke1 + "\"}");
    }

    /** The rules after the user name and the password placeholder, as the page gives them. */
    private static String documentedAcl() throws Exception {
        Matcher matcher = ACL_LINE.matcher(Files.readString(DEPLOY, UTF_8));
        assertThat(matcher.find()).as("docs/deploy.md has the ACL SETUSER line").isTrue();
        return matcher.group(1).strip();
    }

    /**
     * The documented rules for this test's key prefix and password: the key pattern {@code ~opaque-pop:*} is the
     * default prefix's, so it becomes this run's; on Redis 7.2 or newer the documented addition is made.
     */
    private static List<String> rulesFor(String documented, String prefix, String password, int[] version) {
        List<String> words = List.of(documented.split("\\s+"));
        assertThat(words.subList(0, 4)).containsExactly("ACL", "SETUSER", "opaque-pop", "on");
        List<String> rules = new ArrayList<>();
        rules.add("on");
        for (String word : words.subList(4, words.size())) {
            if (word.equals(">PASSWORD")) {
                rules.add(">" + password);
            } else if (word.equals("~opaque-pop:*")) {
                rules.add("~" + prefix + "*");
            } else {
                rules.add(word);
            }
        }
        assertThat(rules).contains("~" + prefix + "*", ">" + password);
        if (version[0] > 7 || (version[0] == 7 && version[1] >= 2)) {
            rules.add("+client|setinfo");
        }
        return rules;
    }

    private static int[] redisVersion(RedisCommands<String, String> redis) {
        Matcher matcher = Pattern.compile("redis_version:(\\d+)\\.(\\d+)").matcher(redis.info("server"));
        assertThat(matcher.find()).isTrue();
        return new int[] {Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2))};
    }
}
