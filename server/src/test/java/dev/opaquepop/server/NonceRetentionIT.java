package dev.opaquepop.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opaquepop.opaque.SecretBytes;
import dev.opaquepop.pop.IncomingRequest;
import dev.opaquepop.pop.NonceStore;
import dev.opaquepop.pop.PopFailure;
import dev.opaquepop.pop.PopKey;
import dev.opaquepop.pop.PopSession;
import dev.opaquepop.pop.PopSigner;
import dev.opaquepop.pop.PopVerificationException;
import dev.opaquepop.pop.PopVerifier;
import dev.opaquepop.pop.SignedRequest;
import dev.opaquepop.server.store.memory.MemoryNonceStore;
import dev.opaquepop.server.store.redis.RedisNonceStore;
import dev.opaquepop.testfixtures.HandMovedTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A nonce outlives the time its request's timestamp passes the window (issue: with a fixed TTL of twice the
 * window, a request stamped by a client clock 30 s fast had its nonce forgotten up to a second before its
 * timestamp stopped passing, and a copy sent in that second was accepted). The real stores, on one hand-moved
 * time for the clock and the store's expiry.
 */
class NonceRetentionIT {
    private static final Duration WINDOW = Duration.ofSeconds(30);
    private static final Instant STAMPED = Instant.ofEpochSecond(1_800_000_000L);
    private static final String SESSION_ID = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

    private final HandMovedTime time = new HandMovedTime(STAMPED);
    private final Clock clock = time.clock();
    private final PopKey key = PopKey.derive(SecretBytes.copyOf(new byte[64]));
    private final PopSession session = new PopSession(SESSION_ID, "alice", key, STAMPED.plus(Duration.ofHours(1)));

    @Test
    void inMemory_aCopyAtTheLastPassingInstantIsStillAReplay() throws Exception {
        PopVerifier verifier = verifier(new MemoryNonceStore(1000, time::nanos));
        IncomingRequest request = signedAt(STAMPED);

        at(WINDOW.negated()); // the earliest instant X-TS passes: the client's clock was 30 s fast
        verifier.verify(request);
        at(WINDOW.plusMillis(999)); // the last instant it passes: 61 s later, beyond twice the window
        assertThatThrownBy(() -> verifier.verify(request))
                .isInstanceOfSatisfying(
                        PopVerificationException.class,
                        e -> assertThat(e.failure()).isEqualTo(PopFailure.REPLAYED_NONCE));
    }

    @Test
    void inRedis_theNonceIsKeptUntilTheTimestampCanNoLongerPass() throws Exception {
        SharedInfrastructure.withRedis((namespace, redis) -> {
            namespace.liveSession(session.sessionId());
            PopVerifier verifier = verifier(new RedisNonceStore(redis, namespace.prefix));
            at(WINDOW.negated());
            verifier.verify(signedAt(STAMPED));

            // Redis keeps its own time: what the claim asked for is the key's TTL. X-TS passes for 61 s from
            // here (whole seconds), and the nonce is kept the clock margin beyond that.
            long expected = WINDOW.multipliedBy(2)
                    .plusSeconds(1)
                    .plus(PopVerifier.CLOCK_MARGIN)
                    .toMillis();
            assertThat(namespace.keys("*:nonce:*").stream()
                            .map(k -> namespace.redis().pttl(k)))
                    .singleElement()
                    .satisfies(ttl -> assertThat(ttl).isBetween(expected - 5_000, expected));
        });
    }

    private PopVerifier verifier(NonceStore nonces) {
        return new PopVerifier(
                id -> Optional.of(session).filter(s -> s.sessionId().equals(id)), nonces, clock, WINDOW);
    }

    private IncomingRequest signedAt(Instant instant) {
        Clock fixed = Clock.fixed(instant, ZoneOffset.UTC);
        SignedRequest signed = new PopSigner(fixed, Requests.RANDOM).sign(SESSION_ID, key, "GET", "/api/me", null);
        return IncomingRequest.of(
                "GET", "/api/me", signed.authorization(), signed.timestamp(), signed.nonce(), signed.pop(), null);
    }

    private void at(Duration offset) {
        time.set(offset);
    }
}
