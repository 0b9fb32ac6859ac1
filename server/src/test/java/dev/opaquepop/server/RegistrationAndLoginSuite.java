package dev.opaquepop.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opaquepop.client.ClientSession;
import dev.opaquepop.client.OpaquePopClientException;
import dev.opaquepop.demo.TransferReceipt;
import dev.opaquepop.testfixtures.Race;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Registration and login end to end: the whole flow through the SDK, duplicate and racing registrations, failed logins alike for unknown users, single-use login ids, a restart, and what the server publishes. */
abstract class RegistrationAndLoginSuite extends EndToEndFixture {
    @Test
    void wholeFlow_registerLoginTransferListLogout() throws Exception {
        client.register("alice", PASSWORD);
        ClientSession session = client.login("alice", PASSWORD);
        assertThat(session.sessionId()).hasSize(43);
        assertThat(bank.me(session).username()).isEqualTo("alice");

        TransferReceipt first = bank.transfer(session, "bob", "12.5");
        TransferReceipt second = bank.transfer(session, "carol", "0.01");
        assertThat(first.from()).isEqualTo("alice");
        assertThat(first.amount()).isEqualTo("12.50");
        assertThat(bank.transfers(session))
                .extracting(TransferReceipt::transferId)
                .containsExactly(first.transferId(), second.transferId());

        client.logout(session);
        assertThatThrownBy(() -> bank.me(session)).isInstanceOfSatisfying(OpaquePopClientException.class, e -> {
            assertThat(e.status()).isEqualTo(401);
            assertThat(e.code()).isEqualTo("unknown_session");
        });
    }

    @Test
    void duplicateRegistration_is409() throws Exception {
        client.register("alice", PASSWORD);
        assertThatThrownBy(() -> client.register("alice", "other".getBytes(UTF_8)))
                .isInstanceOfSatisfying(OpaquePopClientException.class, e -> {
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.code()).isEqualTo("username_taken");
                });
        // The first record is intact.
        assertThat(bank.me(client.login("alice", PASSWORD)).username()).isEqualTo("alice");
    }

    @Test
    void racingRegistrations_exactlyOneWins_andTheRecordIsTheWinners() throws Exception {
        // Twelve registrations and eleven failed logins from one address at once: beyond the default limits.
        restart(b -> b.registerLimitAddress("100/1s").loginLimitUser("100/1s"));
        int racers = 12;
        List<Boolean> won = Race.run(racers, i -> {
            byte[] password = ("password-" + i).getBytes(UTF_8);
            return () -> Requests.registerUnlessTaken(client, "racer", password);
        });
        assertThat(won).as("registrations that succeeded").containsOnlyOnce(true);
        int winner = won.indexOf(true);
        assertThat(client.login("racer", ("password-" + winner).getBytes(UTF_8)).username())
                .isEqualTo("racer");
        for (int i = 0; i < racers; i++) {
            byte[] password = ("password-" + i).getBytes(UTF_8);
            if (i != winner) {
                // A login the client gives up on stays pending until it lapses: let each lapse before the next,
                // or the per-username cap on pending logins would answer instead.
                clock.advance(Duration.ofSeconds(61));
                assertThatThrownBy(() -> client.login("racer", password))
                        .isInstanceOfSatisfying(
                                OpaquePopClientException.class,
                                e -> assertThat(e.code()).isEqualTo("login_failed"));
            }
        }
    }

    @Test
    void wrongPassword_failsLogin() throws Exception {
        client.register("alice", PASSWORD);
        assertThatThrownBy(() -> client.login("alice", "wrong".getBytes(UTF_8)))
                .isInstanceOfSatisfying(
                        OpaquePopClientException.class,
                        e -> assertThat(e.code()).isEqualTo("login_failed"));
    }

    /** An unknown user gets a 200 with a KE2 of the real shape, then the same 401 as a wrong KE3 of a real user. */
    @Test
    void unknownUser_getsFakeKe2_andFailsLikeAWrongPassword() throws Exception {
        client.register("alice", PASSWORD);
        JsonNode known = loginStart("alice");
        JsonNode unknown = loginStart("nobody");
        assertThat(fieldNames(unknown)).isEqualTo(fieldNames(known));
        assertThat(Base64.getUrlDecoder().decode(unknown.get("ke2").asText())).hasSize(320);

        byte[] badKe3 = new byte[64];
        new SecureRandom().nextBytes(badKe3);
        HttpResponse<String> knownFinish = loginFinish(known.get("login_id").asText(), badKe3);
        HttpResponse<String> unknownFinish = loginFinish(unknown.get("login_id").asText(), badKe3);
        assertThat(knownFinish.statusCode()).isEqualTo(401);
        assertThat(unknownFinish.statusCode()).isEqualTo(401);
        assertThat(unknownFinish.body()).isEqualTo(knownFinish.body());
        assertThat(JSON.readTree(unknownFinish.body()).get("code").asText()).isEqualTo("login_failed");

        // And through the SDK: its OPAQUE client rejects the fake KE2 itself.
        assertThatThrownBy(() -> client.login("nobody", PASSWORD))
                .isInstanceOfSatisfying(
                        OpaquePopClientException.class,
                        e -> assertThat(e.code()).isEqualTo("login_failed"));
    }

    @Test
    void loginId_isSingleUse() throws Exception {
        client.register("alice", PASSWORD);
        JsonNode started = loginStart("alice");
        String loginId = started.get("login_id").asText();
        assertThat(loginFinish(loginId, new byte[64]).statusCode()).isEqualTo(401);
        assertThat(loginFinish(loginId, new byte[64]).statusCode()).isEqualTo(401);
    }

    // ---- every PoP failure code, produced by the situation it names

    /** Transfers are committed before the 200; users and the setup survive a restart. */
    @Test
    void restart_keepsTransfersAndUsersCanStillLogIn() throws Exception {
        ClientSession session = registeredSession();
        TransferReceipt booked = bank.transfer(session, "bob", "3.00");
        server.close();
        client.close();
        server = startServer();
        connect();

        ClientSession again = client.login("alice", PASSWORD);
        assertThat(bank.transfers(again))
                .extracting(TransferReceipt::transferId)
                .containsExactly(booked.transferId());
    }

    @Test
    void wellKnown_advertisesKeyAndParameters() throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(server.uri("/.well-known/opaque-pop")).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("protocol").asText()).isEqualTo("opaque-pop-v1");
        assertThat(Base64.getUrlDecoder().decode(body.get("server_public_key").asText()))
                .hasSize(32);
        assertThat(body.at("/opaque/ksf/memory_kib").asInt()).isEqualTo(TestServer.TEST_KSF.memoryKib());
        assertThat(body.at("/pop/window_seconds").asInt()).isEqualTo(30);
    }

    @Test
    void openApiAndMetrics_areServed() throws Exception {
        HttpResponse<String> openApi = HTTP.send(
                HttpRequest.newBuilder(server.uri("/openapi.yaml")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(openApi.statusCode()).isEqualTo(200);
        assertThat(openApi.body()).contains("/api/transfer").contains("/login/finish");
        registeredSession();
        HttpResponse<String> metrics =
                HTTP.send(HttpRequest.newBuilder(server.uri("/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.body()).contains("opaque_pop_logins_total{outcome=\"succeeded\"} 1.0");
        assertThat(metrics.body()).containsPattern("(?m)^process_cpu_seconds_total [0-9.E]+$");
    }

    // ---- rate limits (defaults unless the test says otherwise)

    /** An unknown purpose is a 400 that leaves the login to be finished properly. */
    @Test
    void loginFinish_withAnUnknownPurpose_is400_andTheLoginCanStillFinish() throws Exception {
        client.register("alice", PASSWORD);
        PreparedLogin login = prepareLogin("alice", PASSWORD);
        for (String purpose : List.of("\"admin\"", "1", "null")) {
            BadInputTest.assertProblem(login.finish(", \"purpose\": " + purpose), 400, "invalid_request");
        }
        assertThat(login.finish(", \"purpose\": \"password_change\"").statusCode())
                .isEqualTo(200);
    }
}
