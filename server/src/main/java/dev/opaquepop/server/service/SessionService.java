package dev.opaquepop.server.service;

import dev.opaquepop.pop.IncomingRequest;
import dev.opaquepop.pop.NonceStore;
import dev.opaquepop.pop.PopSession;
import dev.opaquepop.pop.PopVerificationException;
import dev.opaquepop.pop.PopVerifier;
import dev.opaquepop.server.store.Session;
import dev.opaquepop.server.store.SessionIds;
import dev.opaquepop.server.store.SessionStore;
import dev.opaquepop.server.store.SessionSummary;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

/**
 * The session lifecycle: PoP verification of each protected request (a session past its idle or absolute end is
 * {@code expired_session}), recording uses, listing and ending a user's sessions, and the fresh-login rule for
 * sensitive changes.
 */
public final class SessionService {
    /** What listings show and {@link #end} accepts: the first 8 characters of a session id. */
    private static final Pattern ID_PREFIX = Pattern.compile("[A-Za-z0-9_-]{8}");

    private final SessionStore sessions;
    private final NonceStore nonces;
    private final Clock clock;
    private final Duration popWindow;
    private final SessionPolicy policy;

    public SessionService(
            SessionStore sessions, NonceStore nonces, Clock clock, Duration popWindow, SessionPolicy policy) {
        this.sessions = sessions;
        this.nonces = nonces;
        this.clock = clock;
        this.popWindow = popWindow;
        this.policy = policy;
    }

    /** One of the caller's sessions as the API lists it. */
    public record View(String idPrefix, Instant createdAt, Instant lastUsedAt, String clientAddress, boolean current) {}

    /**
     * Verifies a protected request's PoP (docs/protocol.md, "Server checks") and records the use: the session's
     * last use, idle deadline and client address, written at most once per {@link SessionPolicy#USE_RESOLUTION}
     * (or when the address changes). Only a request that passed every check counts as a use.
     *
     * @return the caller's session as it now stands
     */
    public Session authenticate(IncomingRequest request, String clientAddress) throws PopVerificationException {
        AtomicReference<Session> loaded = new AtomicReference<>();
        PopVerifier verifier = new PopVerifier(
                id -> sessions.find(id).map(s -> {
                    loaded.set(s);
                    return new PopSession(s.sessionId(), s.username(), s.popKey(), s.endsAt());
                }),
                nonces,
                clock,
                popWindow);
        verifier.verify(request);
        Session session = loaded.get();
        String address = ClientAddresses.normalize(clientAddress);
        Instant now = clock.instant();
        boolean due = !now.isBefore(session.lastUsedAt().plus(SessionPolicy.USE_RESOLUTION))
                || !session.clientAddress().equals(address);
        if (due) {
            session = session.usedAt(now, address, policy.idleTimeout());
            sessions.update(session);
        }
        return session;
    }

    /** The caller's live sessions, oldest first, the caller's own marked {@code current}. */
    public List<View> list(Session caller) {
        Instant now = clock.instant();
        String current = caller.idHash();
        return sessions.list(caller.username()).stream()
                .filter(s -> s.isLiveAt(now))
                .sorted(Comparator.comparing(SessionSummary::createdAt).thenComparing(SessionSummary::idPrefix))
                .map(s -> new View(
                        s.idPrefix(),
                        s.createdAt(),
                        s.lastUsedAt(),
                        s.clientAddress(),
                        SessionIds.sameHash(s.idHash(), current)))
                .toList();
    }

    /**
     * Ends the caller's session whose id starts with {@code idPrefix} (as listed).
     *
     * @return false when the caller has no such live session
     * @throws InvalidInputException when {@code idPrefix} is not 8 base64url characters
     */
    public boolean end(Session caller, String idPrefix) throws InvalidInputException {
        if (idPrefix == null || !ID_PREFIX.matcher(idPrefix).matches()) {
            throw new InvalidInputException("a session is named by the 8-character id_prefix its listing shows");
        }
        Instant now = clock.instant();
        for (SessionSummary summary : sessions.list(caller.username())) {
            if (summary.idPrefix().equals(idPrefix) && summary.isLiveAt(now)) {
                return sessions.remove(caller.username(), summary.idHash());
            }
        }
        return false;
    }

    /** Ends the caller's session. */
    public void logout(Session caller) {
        sessions.remove(caller.username(), caller.idHash());
    }

    /** Ends every session of the caller's user, the caller's included; answers how many. */
    public int logoutAll(Session caller) {
        return sessions.removeAll(caller.username(), null);
    }

    /** Ends every session of the caller's user but the caller's; answers how many. */
    int endOthers(Session caller) {
        return sessions.removeAll(caller.username(), caller.idHash());
    }

    /** Ends every session of the user. */
    int endAll(String username) {
        return sessions.removeAll(username, null);
    }

    /**
     * @throws ReauthenticationRequiredException unless the caller's login is younger than the re-authentication
     *     window
     */
    public void requireFreshLogin(Session caller) throws ReauthenticationRequiredException {
        if (!clock.instant().isBefore(caller.createdAt().plus(policy.reauthenticationWindow()))) {
            throw new ReauthenticationRequiredException("this needs a login at most "
                    + policy.reauthenticationWindow().toSeconds() + " seconds old: log in again");
        }
    }

    /** For logs: the session's id prefix. */
    public static String prefix(Session session) {
        return SessionIds.prefix(session.sessionId());
    }
}
