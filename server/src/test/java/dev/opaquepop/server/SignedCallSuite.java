package dev.opaquepop.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opaquepop.client.ClientSession;
import dev.opaquepop.client.OpaquePopClientException;
import dev.opaquepop.pop.PopKey;
import dev.opaquepop.pop.PopSigner;
import dev.opaquepop.pop.SignedRequest;
import dev.opaquepop.testfixtures.Race;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Signed calls end to end: every way a PoP check fails (missing, malformed, unknown, expired, stale, stolen, tampered, replayed), replays racing, and a bad call that books nothing. */
abstract class SignedCallSuite extends EndToEndFixture {
    @Test
    void pop_missingCredentials() throws Exception {
        HttpResponse<String> response =
                HTTP.send(HttpRequest.newBuilder(server.uri("/api/me")).build(), HttpResponse.BodyHandlers.ofString());
        assertPopFailure(response, "missing_credentials");
    }

    @Test
    void pop_malformedCredentials() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(server.uri("/api/me"))
                .header("Authorization", "Bearer not-a-session-id")
                .header("X-TS", "12")
                .header("X-NONCE", "abcdefghijklmnopqrstuvwxyz")
                .header("X-POP", "AAAA")
                .build();
        assertPopFailure(HTTP.send(request, HttpResponse.BodyHandlers.ofString()), "malformed_credentials");
    }

    @Test
    void pop_unknownSession() throws Exception {
        String sessionId = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]);
        PopKey key = PopKey.fromBytes(new byte[32]);
        assertPopFailure(signedGet(sessionId, key, "/api/me", clock), "unknown_session");
    }

    @Test
    void pop_expiredSession() throws Exception {
        ClientSession session = registeredSession();
        clock.advance(Duration.ofHours(1).plusSeconds(1));
        assertPopFailure(signedGet(session.sessionId(), session.popKey(), "/api/me", clock), "expired_session");
    }

    @Test
    void pop_staleTimestamp() throws Exception {
        ClientSession session = registeredSession();
        Clock behind = Clock.fixed(clock.instant().minusSeconds(31), ZoneOffset.UTC);
        assertPopFailure(signedGet(session.sessionId(), session.popKey(), "/api/me", behind), "stale_timestamp");
        Clock ahead = Clock.fixed(clock.instant().plusSeconds(31), ZoneOffset.UTC);
        assertPopFailure(signedGet(session.sessionId(), session.popKey(), "/api/me", ahead), "stale_timestamp");
    }

    /** A stolen bearer id is worthless without the PoP key. */
    @Test
    void pop_stolenBearerIdWithoutKey_isInvalidSignature() throws Exception {
        ClientSession session = registeredSession();
        byte[] guess = new byte[32];
        new SecureRandom().nextBytes(guess);
        assertPopFailure(
                signedGet(session.sessionId(), PopKey.fromBytes(guess), "/api/me", clock), "invalid_signature");
    }

    @Test
    void pop_tamperedBody_isInvalidSignature() throws Exception {
        ClientSession session = registeredSession();
        byte[] signedBody = "{\"to\":\"bob\",\"amount\":\"1.00\"}".getBytes(UTF_8);
        byte[] sentBody = "{\"to\":\"eve\",\"amount\":\"1.00\"}".getBytes(UTF_8);
        SignedRequest signed = new PopSigner(clock, new SecureRandom())
                .sign(session.sessionId(), session.popKey(), "POST", "/api/transfer", signedBody);
        HttpResponse<String> response = send(signed, "POST", "/api/transfer", sentBody);
        assertPopFailure(response, "invalid_signature");
        assertThat(bank.transfers(session)).isEmpty();
    }

    @Test
    void pop_tamperedQuery_isInvalidSignature() throws Exception {
        ClientSession session = registeredSession();
        SignedRequest signed = new PopSigner(clock, new SecureRandom())
                .sign(session.sessionId(), session.popKey(), "GET", "/api/transfers?limit=1", new byte[0]);
        assertPopFailure(send(signed, "GET", "/api/transfers?limit=2", new byte[0]), "invalid_signature");
    }

    @Test
    void pop_exactReplay_isReplayedNonce() throws Exception {
        ClientSession session = registeredSession();
        byte[] body = "{\"to\":\"bob\",\"amount\":\"5\"}".getBytes(UTF_8);
        SignedRequest signed = new PopSigner(clock, new SecureRandom())
                .sign(session.sessionId(), session.popKey(), "POST", "/api/transfer", body);
        assertThat(send(signed, "POST", "/api/transfer", body).statusCode()).isEqualTo(200);
        assertPopFailure(send(signed, "POST", "/api/transfer", body), "replayed_nonce");
        assertThat(bank.transfers(session)).hasSize(1);
    }

    /** A read has no database constraint behind it: the nonce cache alone refuses the replay. */
    @Test
    void pop_exactReplayOfARead_isReplayedNonce() throws Exception {
        ClientSession session = registeredSession();
        SignedRequest signed = new PopSigner(clock, new SecureRandom())
                .sign(session.sessionId(), session.popKey(), "GET", "/api/me", new byte[0]);
        assertThat(send(signed, "GET", "/api/me", new byte[0]).statusCode()).isEqualTo(200);
        assertPopFailure(send(signed, "GET", "/api/me", new byte[0]), "replayed_nonce");
    }

    /** One signed transfer sent from many threads at once books exactly once. */
    @Test
    void concurrentReplays_bookExactlyOnce() throws Exception {
        ClientSession session = registeredSession();
        byte[] body = "{\"to\":\"bob\",\"amount\":\"7.25\"}".getBytes(UTF_8);
        SignedRequest signed = new PopSigner(clock, new SecureRandom())
                .sign(session.sessionId(), session.popKey(), "POST", "/api/transfer", body);
        List<HttpResponse<String>> answers = Race.run(64, i -> () -> send(signed, "POST", "/api/transfer", body));
        for (HttpResponse<String> answer : answers) {
            if (answer.statusCode() != 200) {
                assertPopFailure(answer, "replayed_nonce");
            }
        }
        assertThat(answers).filteredOn(answer -> answer.statusCode() == 200).hasSize(1);
        assertThat(bank.transfers(session)).hasSize(1);
    }

    @Test
    void invalidTransfer_is400AndBooksNothing() throws Exception {
        ClientSession session = registeredSession();
        for (String amount : List.of("0", "-1", "1.234", "1e3", "abc", "01.00", "0.00")) {
            assertThatThrownBy(() -> bank.transfer(session, "bob", amount))
                    .isInstanceOfSatisfying(
                            OpaquePopClientException.class,
                            e -> assertThat(e.status()).as(amount).isEqualTo(400));
        }
        assertThat(bank.transfers(session)).isEmpty();
    }
}
