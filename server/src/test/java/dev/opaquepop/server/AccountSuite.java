package dev.opaquepop.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opaquepop.client.ClientSession;
import dev.opaquepop.client.OpaquePopClientException;
import dev.opaquepop.demo.TransferReceipt;
import dev.opaquepop.pop.LoginPurpose;
import dev.opaquepop.pop.PopSigner;
import dev.opaquepop.pop.SignedRequest;
import dev.opaquepop.testfixtures.Race;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Password change and account deletion end to end: fresh logins required for them, races, stale logins, and what each ends. */
abstract class AccountSuite extends EndToEndFixture {
    @Test
    void passwordChange_replacesTheRecord_andEndsEveryOtherSession() throws Exception {
        ClientSession other = registeredSession();
        ClientSession caller = client.login("alice", PASSWORD, LoginPurpose.PASSWORD_CHANGE);
        TransferReceipt before = bank.transfer(caller, "bob", "1.00");
        byte[] newPassword = "a new password".getBytes(UTF_8);

        client.changePassword(caller, newPassword);

        assertThat(bank.me(caller).username()).as("the calling session stays").isEqualTo("alice");
        assertPopFailure(signedGet(other.sessionId(), other.popKey(), "/api/me", clock), "unknown_session");
        assertThatThrownBy(() -> client.login("alice", PASSWORD))
                .isInstanceOfSatisfying(
                        OpaquePopClientException.class,
                        e -> assertThat(e.code()).isEqualTo("login_failed"));
        ClientSession again = client.login("alice", newPassword);
        assertThat(bank.transfers(again))
                .extracting(TransferReceipt::transferId)
                .containsExactly(before.transferId());
    }

    /** A login whose KE2 came from the old record, finished after the change, gets no session. */
    @Test
    void loginStartedBeforeAPasswordChange_failsAtFinish() throws Exception {
        ClientSession caller = registeredSession(LoginPurpose.PASSWORD_CHANGE);
        PreparedLogin inFlight = prepareLogin("alice", PASSWORD);
        client.changePassword(caller, "a new password".getBytes(UTF_8));
        HttpResponse<String> finished = inFlight.finish();
        BadInputTest.assertProblem(finished, 401, "login_failed");
        assertThat(client.sessions(caller)).hasSize(1);
    }

    /** Two sessions changing the password at once: exactly one change applies, and only its password works. */
    @Test
    void racingPasswordChanges_exactlyOneWins_andTheRecordIsTheWinners() throws Exception {
        ClientSession first = registeredSession(LoginPurpose.PASSWORD_CHANGE);
        ClientSession second = client.login("alice", PASSWORD, LoginPurpose.PASSWORD_CHANGE);
        byte[][] passwords = {"first new password".getBytes(UTF_8), "second new password".getBytes(UTF_8)};
        ClientSession[] sessions = {first, second};
        List<Boolean> won = Race.run(2, racer -> () -> {
            try {
                client.changePassword(sessions[racer], passwords[racer]);
                return true;
            } catch (OpaquePopClientException e) {
                assertThat(e.status()).isEqualTo(401);
                assertThat(e.code()).isIn("unknown_session", "reauthentication_required");
                return false;
            }
        });
        assertThat(won).as("password changes that applied").containsOnlyOnce(true);
        int winner = won.indexOf(true);
        assertThat(client.login("alice", passwords[winner]).username()).isEqualTo("alice");
        assertThatThrownBy(() -> client.login("alice", passwords[1 - winner]))
                .isInstanceOf(OpaquePopClientException.class);
        assertThatThrownBy(() -> client.login("alice", PASSWORD)).isInstanceOf(OpaquePopClientException.class);
    }

    @Test
    void staleLogin_isAskedToReauthenticate_forPasswordChangeAndDeletion() throws Exception {
        ClientSession forChange = registeredSession(LoginPurpose.PASSWORD_CHANGE);
        ClientSession session = client.login("alice", PASSWORD, LoginPurpose.ACCOUNT_DELETION);
        clock.advance(Duration.ofMinutes(5));
        for (ThrowingCall call : List.<ThrowingCall>of(
                () -> client.changePassword(forChange, "a new password".getBytes(UTF_8)),
                () -> client.deleteAccount(session))) {
            assertThatThrownBy(call::run).isInstanceOfSatisfying(OpaquePopClientException.class, e -> {
                assertThat(e.status()).isEqualTo(401);
                assertThat(e.code()).isEqualTo("reauthentication_required");
            });
        }
        HttpResponse<String> raw = send(
                new PopSigner(clock, new SecureRandom())
                        .sign(session.sessionId(), session.popKey(), "DELETE", "/api/account", new byte[0]),
                "DELETE",
                "/api/account",
                new byte[0]);
        assertPopFailure(raw, "reauthentication_required");
        // Nothing changed: the session still works and the password still logs in, freshly enough to proceed.
        assertThat(bank.me(session).username()).isEqualTo("alice");
        ClientSession fresh = client.login("alice", PASSWORD, LoginPurpose.PASSWORD_CHANGE);
        client.changePassword(fresh, "a new password".getBytes(UTF_8));
    }

    /**
     * A session alone, however young, never changes the password or deletes the account: that takes a login
     * performed for the operation (so a session file copied off the client is not enough), each for its own.
     */
    @Test
    void passwordChangeAndDeletion_needALoginPerformedForThem() throws Exception {
        ClientSession everyday = registeredSession();
        ClientSession forDeletion = client.login("alice", PASSWORD, LoginPurpose.ACCOUNT_DELETION);
        ClientSession forChange = client.login("alice", PASSWORD, LoginPurpose.PASSWORD_CHANGE);
        for (ThrowingCall call : List.<ThrowingCall>of(
                () -> client.changePassword(everyday, "a new password".getBytes(UTF_8)),
                () -> client.deleteAccount(everyday),
                () -> client.changePassword(forDeletion, "a new password".getBytes(UTF_8)),
                () -> client.deleteAccount(forChange))) {
            assertThatThrownBy(call::run).isInstanceOfSatisfying(OpaquePopClientException.class, e -> {
                assertThat(e.status()).isEqualTo(401);
                assertThat(e.code()).isEqualTo("reauthentication_required");
            });
        }
        // Nothing changed, and every one of them is still an ordinary session.
        for (ClientSession session : List.of(everyday, forDeletion, forChange)) {
            assertThat(bank.me(session).username()).isEqualTo("alice");
        }
        assertThat(client.login("alice", PASSWORD).username()).isEqualTo("alice");
    }

    /** The proof a login gives serves one password change: the same session cannot change it again. */
    @Test
    void aPasswordChangeLogin_servesOnce() throws Exception {
        ClientSession caller = registeredSession(LoginPurpose.PASSWORD_CHANGE);
        byte[] second = "a second new password".getBytes(UTF_8);
        client.changePassword(caller, "a new password".getBytes(UTF_8));

        assertThatThrownBy(() -> client.changePassword(caller, second))
                .isInstanceOfSatisfying(
                        OpaquePopClientException.class,
                        e -> assertThat(e.code()).isEqualTo("reauthentication_required"));
        assertThatThrownBy(() -> client.deleteAccount(caller))
                .isInstanceOfSatisfying(
                        OpaquePopClientException.class,
                        e -> assertThat(e.code()).isEqualTo("reauthentication_required"));
        assertThat(bank.me(caller).username())
                .as("still good for everyday calls")
                .isEqualTo("alice");
        assertThat(client.login("alice", "a new password".getBytes(UTF_8)).username())
                .isEqualTo("alice");
        assertThatThrownBy(() -> client.login("alice", second)).isInstanceOf(OpaquePopClientException.class);
    }

    @Test
    void accountDeletion_removesRecordSessionsAndTransfers_andTheNameCanRegisterAgain() throws Exception {
        ClientSession other = registeredSession();
        ClientSession caller = client.login("alice", PASSWORD, LoginPurpose.ACCOUNT_DELETION);
        bank.transfer(caller, "bob", "2.00");
        client.register("bob", PASSWORD);
        ClientSession bob = client.login("bob", PASSWORD);
        TransferReceipt toAlice = bank.transfer(bob, "alice", "3.00");
        PreparedLogin inFlight = prepareLogin("alice", PASSWORD);

        client.deleteAccount(caller);

        for (ClientSession ended : List.of(caller, other)) {
            assertPopFailure(signedGet(ended.sessionId(), ended.popKey(), "/api/me", clock), "unknown_session");
        }
        BadInputTest.assertProblem(inFlight.finish(), 401, "login_failed");
        assertThatThrownBy(() -> client.login("alice", PASSWORD))
                .isInstanceOfSatisfying(
                        OpaquePopClientException.class,
                        e -> assertThat(e.code()).isEqualTo("login_failed"));
        // Like any unknown user: a KE2 of the real shape.
        assertThat(Base64.getUrlDecoder().decode(loginStart("alice").get("ke2").asText()))
                .hasSize(320);

        byte[] newcomers = "someone else entirely".getBytes(UTF_8);
        client.register("alice", newcomers);
        ClientSession newcomer = client.login("alice", newcomers);
        assertThat(bank.transfers(newcomer)).as("no history inherited").isEmpty();
        assertThat(client.sessions(newcomer)).hasSize(1);
        assertThat(bank.transfers(bob))
                .extracting(TransferReceipt::transferId)
                .as("the sender keeps their history")
                .containsExactly(toAlice.transferId());
    }

    /** Malformed password-change bodies are 4xx problems, and change nothing. */
    @Test
    void passwordChange_badBodies_are400() throws Exception {
        ClientSession session = registeredSession(LoginPurpose.PASSWORD_CHANGE);
        String zeros = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]);
        String[][] cases = {
            {"/api/password/start", "{}", "invalid_request"},
            {"/api/password/start", "{\"registration_request\":\"***\"}", "invalid_request"},
            {"/api/password/start", "{\"registration_request\":\"" + zeros + "\"}", "invalid_message"},
            {"/api/password/finish", "[1]", "invalid_request"},
            {"/api/password/finish", "{\"registration_record\":\"" + zeros + "\"}", "invalid_message"},
        };
        for (String[] bad : cases) {
            byte[] body = bad[1].getBytes(UTF_8);
            SignedRequest signed = new PopSigner(clock, new SecureRandom())
                    .sign(session.sessionId(), session.popKey(), "POST", bad[0], body);
            BadInputTest.assertProblem(send(signed, "POST", bad[0], body), 400, bad[2]);
        }
        assertThat(client.login("alice", PASSWORD).username()).isEqualTo("alice");
    }
}
