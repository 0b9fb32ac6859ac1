package dev.opaquepop.server;

import static java.time.temporal.ChronoUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opaquepop.client.ClientSession;
import dev.opaquepop.client.OpaquePopClientException;
import dev.opaquepop.client.SessionInfo;
import dev.opaquepop.pop.PopSigner;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Session lifetimes end to end: idle and absolute expiry, the listing, ending one session or all, and the per-user session cap. */
abstract class SessionSuite extends EndToEndFixture {
    /** Each signed request moves the idle deadline; a session left alone for the idle timeout ends. */
    @Test
    void idleSession_expires_whileAUsedOneLivesOn() throws Exception {
        ClientSession used = registeredSession();
        ClientSession idle = client.login("alice", PASSWORD);
        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofMinutes(10));
            assertThat(bank.me(used).username()).isEqualTo("alice");
        }
        assertPopFailure(signedGet(idle.sessionId(), idle.popKey(), "/api/me", clock), "expired_session");
        clock.advance(Duration.ofMinutes(15));
        assertPopFailure(signedGet(used.sessionId(), used.popKey(), "/api/me", clock), "expired_session");
    }

    /** However busy, a session ends at its absolute lifetime (12 h by default). */
    @Test
    void absoluteLifetime_endsABusySession() throws Exception {
        ClientSession session = registeredSession();
        assertThat(session.expiresAt())
                .isEqualTo(clock.instant().plus(Duration.ofHours(12)).truncatedTo(SECONDS));
        for (int minutes = 10; minutes < 12 * 60; minutes += 10) {
            clock.advance(Duration.ofMinutes(10));
            assertThat(bank.me(session).username())
                    .as("after %d minutes", minutes)
                    .isEqualTo("alice");
        }
        clock.advance(Duration.ofMinutes(10));
        assertPopFailure(signedGet(session.sessionId(), session.popKey(), "/api/me", clock), "expired_session");
    }

    @Test
    void listing_showsCreatedLastUsedAddressAndCurrent_neverTheId() throws Exception {
        ClientSession first = registeredSession();
        Instant firstLogin = clock.instant();
        clock.advance(Duration.ofMinutes(1));
        ClientSession second = client.login("alice", PASSWORD);
        Instant secondLogin = clock.instant();
        clock.advance(Duration.ofMinutes(2));

        List<SessionInfo> sessions = client.sessions(first);
        assertThat(sessions).hasSize(2);
        SessionInfo mine = sessions.get(0);
        assertThat(mine.idPrefix()).isEqualTo(first.sessionId().substring(0, 8));
        assertThat(mine.current()).isTrue();
        assertThat(mine.createdAt()).isEqualTo(firstLogin.truncatedTo(SECONDS));
        assertThat(mine.lastUsedAt())
                .as("this very request")
                .isEqualTo(clock.instant().truncatedTo(SECONDS));
        assertThat(mine.clientAddress()).isEqualTo("127.0.0.1");
        SessionInfo other = sessions.get(1);
        assertThat(other.idPrefix()).isEqualTo(second.sessionId().substring(0, 8));
        assertThat(other.current()).isFalse();
        assertThat(other.createdAt()).isEqualTo(secondLogin.truncatedTo(SECONDS));
        assertThat(other.lastUsedAt()).isEqualTo(secondLogin.truncatedTo(SECONDS));
        assertThat(other.clientAddress()).isEqualTo("127.0.0.1");

        HttpResponse<String> raw = signedGet(first.sessionId(), first.popKey(), "/api/sessions", clock);
        assertThat(raw.body()).doesNotContain(first.sessionId()).doesNotContain(second.sessionId());
        assertThat(fieldNames(JSON.readTree(raw.body()).at("/sessions/0")))
                .containsExactly("id_prefix", "created_at", "last_used_at", "client_address", "current");

        // An idle-expired session drops out of the listing.
        clock.advance(Duration.ofMinutes(14));
        assertThat(client.sessions(first)).extracting(SessionInfo::current).containsExactly(true);
    }

    @Test
    void endingOneSession_makesItsNextCall401_andOnlyTheCallersCanBeEnded() throws Exception {
        ClientSession first = registeredSession();
        ClientSession second = client.login("alice", PASSWORD);
        client.register("mallory", PASSWORD);
        ClientSession mallory = client.login("mallory", PASSWORD);

        assertThatThrownBy(() -> client.endSession(mallory, second.sessionId().substring(0, 8)))
                .isInstanceOfSatisfying(OpaquePopClientException.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.code()).isEqualTo("session_not_found");
                });
        assertThat(bank.me(second).username()).isEqualTo("alice");

        client.endSession(first, second.sessionId().substring(0, 8));
        assertPopFailure(signedGet(second.sessionId(), second.popKey(), "/api/me", clock), "unknown_session");
        assertThat(bank.me(first).username()).isEqualTo("alice");
        assertThat(client.sessions(first)).hasSize(1);
        assertThatThrownBy(() -> client.endSession(first, second.sessionId().substring(0, 8)))
                .isInstanceOfSatisfying(
                        OpaquePopClientException.class,
                        e -> assertThat(e.code()).isEqualTo("session_not_found"));
        BadInputTest.assertProblem(
                send(
                        new PopSigner(clock, new SecureRandom())
                                .sign(first.sessionId(), first.popKey(), "DELETE", "/api/sessions/short", new byte[0]),
                        "DELETE",
                        "/api/sessions/short",
                        new byte[0]),
                400,
                "invalid_request");
        assertThat(bank.me(mallory).username()).isEqualTo("mallory");
    }

    @Test
    void logoutAll_endsEverySessionOfTheUser_only() throws Exception {
        ClientSession first = registeredSession();
        ClientSession second = client.login("alice", PASSWORD);
        client.register("bob", PASSWORD);
        ClientSession bob = client.login("bob", PASSWORD);

        client.logoutAll(first);
        for (ClientSession ended : List.of(first, second)) {
            assertPopFailure(signedGet(ended.sessionId(), ended.popKey(), "/api/me", clock), "unknown_session");
        }
        assertThat(bank.me(bob).username()).isEqualTo("bob");
        HttpResponse<String> bad = send(
                new PopSigner(clock, new SecureRandom())
                        .sign(bob.sessionId(), bob.popKey(), "POST", "/logout?all=yes", new byte[0]),
                "POST",
                "/logout?all=yes",
                new byte[0]);
        BadInputTest.assertProblem(bad, 400, "invalid_request");
        assertThat(bank.me(bob).username()).isEqualTo("bob");
    }

    /** Past 16 sessions a user's oldest ends. */
    @Test
    void perUserSessionCap_endsTheOldest() throws Exception {
        client.register("alice", PASSWORD);
        List<ClientSession> sessions = new ArrayList<>();
        for (int i = 0; i < 17; i++) {
            sessions.add(client.login("alice", PASSWORD));
            clock.advance(Duration.ofSeconds(1));
        }
        ClientSession oldest = sessions.get(0);
        assertPopFailure(signedGet(oldest.sessionId(), oldest.popKey(), "/api/me", clock), "unknown_session");
        for (ClientSession live : sessions.subList(1, 17)) {
            assertThat(bank.me(live).username()).isEqualTo("alice");
        }
        assertThat(client.sessions(sessions.get(16))).hasSize(16);
    }
}
