package dev.opaquepop.server.service;

import dev.opaquepop.pop.IncomingRequest;
import dev.opaquepop.pop.LoginPurpose;
import dev.opaquepop.pop.NonceStore;
import dev.opaquepop.pop.PopFailure;
import dev.opaquepop.pop.PopSession;
import dev.opaquepop.pop.PopVerificationException;
import dev.opaquepop.pop.PopVerifier;
import dev.opaquepop.server.address.ClientAddresses;
import dev.opaquepop.server.store.RecordTag;
import dev.opaquepop.server.store.Session;
import dev.opaquepop.server.store.SessionEndedException;
import dev.opaquepop.server.store.SessionIds;
import dev.opaquepop.server.store.SessionStore;
import dev.opaquepop.server.store.SessionSummary;
import dev.opaquepop.server.store.StoreException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session lifecycle: PoP verification of each protected request (a session past its idle or absolute end is
 * {@code expired_session}), recording uses, listing and ending a user's sessions, and the fresh-login rule for
 * sensitive changes.
 */
public final class SessionService {
    /** What listings show and {@link #end} accepts: the first 8 characters of a session id. */
    private static final Pattern ID_PREFIX = Pattern.compile("[A-Za-z0-9_-]{8}");

    private static final Logger LOG = LoggerFactory.getLogger(SessionService.class);

    private final SessionStore sessions;
    private final AccountStates accounts;
    private final NonceStore nonces;
    private final Clock clock;
    private final Duration popWindow;
    private final SessionPolicy policy;

    public SessionService(
            SessionStore sessions,
            AccountStates accounts,
            NonceStore nonces,
            Clock clock,
            Duration popWindow,
            SessionPolicy policy) {
        this.sessions = sessions;
        this.accounts = accounts;
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
     * (or when the address changes). Only a request that passed every check counts as a use. A session whose
     * account no longer holds the registration its login used ({@link AccountStates}) is unknown.
     *
     * @return the caller's session as it now stands
     */
    public Session authenticate(IncomingRequest request, String clientAddress) throws PopVerificationException {
        AtomicReference<Session> loaded = new AtomicReference<>();
        PopVerifier verifier = new PopVerifier(
                id -> sessions.findForCall(id)
                        .filter(this::ofCurrentRegistration)
                        .map(s -> {
                            loaded.set(s);
                            return new PopSession(s.sessionId(), s.username(), s.popKey(), s.endsAt());
                        }),
                nonces,
                clock,
                popWindow);
        try {
            verifier.verify(request);
        } catch (SessionEndedException e) {
            // Read (perhaps from a cache) while live, ended before its nonce could be claimed.
            throw new PopVerificationException(PopFailure.UNKNOWN_SESSION);
        }
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

    private boolean ofCurrentRegistration(Session session) {
        if (accounts.holds(session)) {
            return true;
        }
        // Left behind by a password change or deletion whose cleanup did not finish: finish it for this one.
        try {
            sessions.remove(session.username(), session.idHash());
        } catch (StoreException e) {
            LOG.warn(
                    "could not remove a session of an ended registration session={}",
                    SessionIds.prefix(session.sessionId()));
        }
        return false;
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

    /**
     * After the caller changed the password: moves the caller's session to the new registration and ends the
     * others. Cleanup only: once the new record committed, {@link AccountStates} refuses every older session
     * anyway. A session store that fails here leaves the others to be refused (and removed when next seen) and may
     * end the caller's session too; it is logged, not answered as an error, since the change itself is done.
     *
     * @return how many other sessions were ended, or -1 when the cleanup failed
     */
    int afterPasswordChange(Session caller, RecordTag replacement) {
        accounts.changed(caller.username());
        try {
            sessions.update(caller.afterPasswordChange(replacement));
            return sessions.removeAll(caller.username(), caller.idHash());
        } catch (StoreException e) {
            LOG.warn(
                    "password changed but its session cleanup failed; older sessions are refused anyway user={}",
                    caller.username());
            return -1;
        }
    }

    /**
     * After the user's account was deleted: ends every session of it, as cleanup ({@link #afterPasswordChange}).
     *
     * @return how many sessions were ended, or -1 when the cleanup failed
     */
    int afterDeletion(String username) {
        accounts.changed(username);
        try {
            return sessions.removeAll(username, null);
        } catch (StoreException e) {
            LOG.warn(
                    "account deleted but its session cleanup failed; its sessions are refused anyway user={}",
                    username);
            return -1;
        }
    }

    /**
     * A password change or account deletion needs the password again, not only a session: a login performed for
     * that operation ({@link LoginPurpose}), at most the re-authentication window old. Its proof is spent by the
     * operation (a deletion ends the session; a password change moves it to the new record as {@link
     * LoginPurpose#SIGN_IN}, in the same write that keeps it alive), so it serves once.
     *
     * @throws ReauthenticationRequiredException unless the caller's login was performed for {@code operation} and
     *     is younger than the re-authentication window
     */
    public void requireFreshLogin(Session caller, LoginPurpose operation) throws ReauthenticationRequiredException {
        if (caller.purpose() != operation) {
            throw new ReauthenticationRequiredException("this needs a login performed for it: log in again with"
                    + " \"purpose\": \"" + operation.wireName() + "\" at login/finish");
        }
        if (!clock.instant().isBefore(caller.createdAt().plus(policy.reauthenticationWindow()))) {
            throw new ReauthenticationRequiredException("this needs a login at most "
                    + policy.reauthenticationWindow().toSeconds() + " seconds old: log in again");
        }
    }
}
