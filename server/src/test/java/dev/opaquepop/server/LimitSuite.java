package dev.opaquepop.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opaquepop.client.ClientSession;
import dev.opaquepop.client.OpaquePopClientException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The online-guessing limits end to end: failed logins per user (alike for unknown names), per address and per IPv6 block, registrations per address, trusted proxies, the pending-login cap, and limits off. */
abstract class LimitSuite extends EndToEndFixture {
    /**
     * Five login/starts of a name without a finish, then 429 with Retry-After 30, and byte for byte the same answer
     * (status, headers, body) whether the name is registered or not.
     */
    @Test
    void failedLogins_thenRateLimited_theSameForKnownAndUnknownUsernames() throws Exception {
        client.register("alice", PASSWORD);
        for (int i = 0; i < 5; i++) {
            assertThat(loginStartResponse("alice", Map.of()).statusCode()).isEqualTo(200);
            assertThat(loginStartResponse("nobody", Map.of()).statusCode()).isEqualTo(200);
        }
        HttpResponse<String> known = loginStartResponse("alice", Map.of());
        HttpResponse<String> unknown = loginStartResponse("nobody", Map.of());

        assertRateLimited(known, "30");
        assertThat(unknown.statusCode()).isEqualTo(known.statusCode());
        assertThat(unknown.body()).isEqualTo(known.body());
        assertThat(headersWithoutDate(unknown)).isEqualTo(headersWithoutDate(known));

        // The SDK reports it as such.
        assertThatThrownBy(() -> client.login("alice", PASSWORD))
                .isInstanceOfSatisfying(OpaquePopClientException.class, e -> {
                    assertThat(e.status()).isEqualTo(429);
                    assertThat(e.code()).isEqualTo("rate_limited");
                });
        HttpResponse<String> metrics =
                HTTP.send(HttpRequest.newBuilder(server.uri("/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.body()).contains("opaque_pop_rate_limited_total{limit=\"login_user\"} 3.0");
    }

    /** A wrong password counts like a start without a finish; the delay passes, and a success starts afresh. */
    @Test
    void afterTheDelay_theUserLogsIn_andSuccessResetsTheCount() throws Exception {
        client.register("alice", PASSWORD);
        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> client.login("alice", "wrong".getBytes(UTF_8)))
                    .isInstanceOfSatisfying(
                            OpaquePopClientException.class,
                            e -> assertThat(e.code()).isEqualTo("login_failed"));
        }
        assertRateLimited(loginStartResponse("alice", Map.of()), "30");

        // Past the delay, and past the login TTL: the client abandoned its five failed logins after KE2 (a wrong
        // password fails on the client), and they hold places under the per-username pending-login cap until then.
        clock.advance(Duration.ofSeconds(61));
        ClientSession session = client.login("alice", PASSWORD);
        assertThat(bank.me(session).username()).isEqualTo("alice");

        for (int i = 0; i < 5; i++) {
            HttpResponse<String> started = loginStartResponse("alice", Map.of());
            assertThat(started.statusCode())
                    .as("attempt %d: %s", i, started.body())
                    .isEqualTo(200);
        }
        assertRateLimited(loginStartResponse("alice", Map.of()), "30");
    }

    /** Fifty login/starts from one address, each for another name, then 429 for the address. */
    @Test
    void loginsPerAddress_areLimitedAcrossUsernames() throws Exception {
        for (int i = 0; i < 50; i++) {
            assertThat(loginStartResponse("spray" + i, Map.of()).statusCode()).isEqualTo(200);
        }
        assertRateLimited(loginStartResponse("spray50", Map.of()), "1");
        clock.advance(Duration.ofSeconds(1));
        assertThat(loginStartResponse("spray50", Map.of()).statusCode()).isEqualTo(200);
    }

    /** Each of register/start and register/finish takes a token: five registrations, then 429 for a while. */
    @Test
    void registrationsPerAddress_areLimited() throws Exception {
        for (int i = 0; i < 5; i++) {
            client.register("user" + i, PASSWORD);
        }
        assertRateLimited(registerStartResponse("user5"), "30");
        assertThatThrownBy(() -> client.register("user5", PASSWORD))
                .isInstanceOfSatisfying(
                        OpaquePopClientException.class,
                        e -> assertThat(e.status()).isEqualTo(429));
        clock.advance(Duration.ofMinutes(1));
        client.register("user5", PASSWORD);
        assertThat(client.login("user5", PASSWORD).username()).isEqualTo("user5");
    }

    /** Behind a trusted proxy each client is counted by X-Forwarded-For, and a spoofed left part changes nothing. */
    @Test
    void trustedProxy_clientsCountedByForwardedAddress_spoofedEntriesIgnored() throws Exception {
        restart(b -> b.trustedProxies("127.0.0.1/32, ::1/128").loginLimitAddress("2/1h"));
        Map<String, String> first = Map.of("X-Forwarded-For", "198.51.100.1");
        assertThat(loginStartResponse("a1", first).statusCode()).isEqualTo(200);
        assertThat(loginStartResponse("a2", first).statusCode()).isEqualTo(200);
        assertRateLimited(loginStartResponse("a3", first), "3600");
        // Another client behind the same proxy has its own count.
        assertThat(loginStartResponse("a3", Map.of("X-Forwarded-For", "198.51.100.2"))
                        .statusCode())
                .isEqualTo(200);
        // Prepending made-up hops does not make the first client someone else.
        assertRateLimited(loginStartResponse("a4", Map.of("X-Forwarded-For", "203.0.113.9, 198.51.100.1")), "3600");
        // Nor does a header that is not a list of addresses: then the proxy itself is the client.
        assertThat(loginStartResponse("a5", Map.of("X-Forwarded-For", "not-an-address"))
                        .statusCode())
                .isEqualTo(200);
    }

    /** Without trusted proxies X-Forwarded-For is ignored: a client cannot pose as many. */
    @Test
    void untrustedPeer_forwardedForIsIgnored() throws Exception {
        restart(b -> b.loginLimitAddress("2/1h"));
        assertThat(loginStartResponse("b1", Map.of("X-Forwarded-For", "198.51.100.1"))
                        .statusCode())
                .isEqualTo(200);
        assertThat(loginStartResponse("b2", Map.of("X-Forwarded-For", "198.51.100.2"))
                        .statusCode())
                .isEqualTo(200);
        assertRateLimited(loginStartResponse("b3", Map.of("X-Forwarded-For", "198.51.100.3")), "3600");
    }

    @Test
    void rateLimitOff_letsEveryAttemptThrough_andSaysSoAtStart() throws Exception {
        try (CapturedLogs logs = new CapturedLogs(ProtocolCore.class)) {
            restart(b -> b.rateLimit(false));
            assertThat(logs.lines()).anyMatch(line -> line.startsWith("WARN rate limits are off"));
        }
        client.register("alice", PASSWORD);
        // Sixty attempts from one address; alice's six stay under her cap of 8 unfinished logins (not a rate limit).
        for (int i = 0; i < 60; i++) {
            assertThat(loginStartResponse(i % 10 == 0 ? "alice" : "nobody" + i, Map.of())
                            .statusCode())
                    .isEqualTo(200);
        }
        for (int i = 0; i < 12; i++) {
            client.register("many" + i, PASSWORD);
        }
    }

    // ---- session lifecycle

    /**
     * At most 8 unfinished logins per username, counted for any username string: an unknown one is answered
     * exactly like a known one, and a place frees up when a login finishes or lapses.
     */
    @Test
    void perUsernamePendingLoginCap_isA429_alikeForKnownAndUnknownNames() throws Exception {
        // The cap is a resource bound of its own: without the guessing limits, which would answer 429 first.
        restart(b -> b.rateLimit(false));
        client.register("alice", PASSWORD);
        List<HttpResponse<String>> refusals = new ArrayList<>();
        List<String> aliceLogins = new ArrayList<>();
        for (String username : List.of("alice", "nobody")) {
            for (int i = 0; i < 8; i++) {
                HttpResponse<String> started = loginStartResponse(username);
                assertThat(started.statusCode()).isEqualTo(200);
                if (username.equals("alice")) {
                    aliceLogins.add(
                            JSON.readTree(started.body()).get("login_id").asText());
                }
            }
            HttpResponse<String> refused = loginStartResponse(username);
            BadInputTest.assertProblem(refused, 429, "too_many_pending_logins");
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("60");
            refusals.add(refused);
        }
        assertThat(refusals.get(1).body()).isEqualTo(refusals.get(0).body());
        assertThat(refusals.get(1).headers().map().keySet())
                .isEqualTo(refusals.get(0).headers().map().keySet());
        assertThat(loginStartResponse("carol").statusCode())
                .as("other names are not affected")
                .isEqualTo(200);

        // A finished login (even a failed one) frees its place at once.
        assertThat(loginFinish(aliceLogins.get(0), new byte[64]).statusCode()).isEqualTo(401);
        assertThat(loginStartResponse("alice").statusCode()).isEqualTo(200);
        assertThat(loginStartResponse("alice").statusCode()).isEqualTo(429);
        // Lapsed logins free theirs.
        clock.advance(Duration.ofSeconds(61));
        assertThat(loginStartResponse("nobody").statusCode()).isEqualTo(200);
        assertThat(client.login("alice", PASSWORD).username()).isEqualTo("alice");
    }
}
