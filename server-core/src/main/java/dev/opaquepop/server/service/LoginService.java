package dev.opaquepop.server.service;

import dev.opaquepop.opaque.Identities;
import dev.opaquepop.opaque.InvalidMessageException;
import dev.opaquepop.opaque.Ke1;
import dev.opaquepop.opaque.Ke3;
import dev.opaquepop.opaque.LoginFailedException;
import dev.opaquepop.opaque.OpaqueException;
import dev.opaquepop.opaque.OpaqueServer;
import dev.opaquepop.opaque.RegistrationRecord;
import dev.opaquepop.opaque.SecretBytes;
import dev.opaquepop.opaque.ServerLogin;
import dev.opaquepop.pop.LoginPurpose;
import dev.opaquepop.pop.PopKey;
import dev.opaquepop.server.address.ClientAddresses;
import dev.opaquepop.server.store.PendingLogin;
import dev.opaquepop.server.store.PendingLoginLimitException;
import dev.opaquepop.server.store.PendingLoginStore;
import dev.opaquepop.server.store.RecordTag;
import dev.opaquepop.server.store.Session;
import dev.opaquepop.server.store.SessionStore;
import dev.opaquepop.server.store.UserStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * OPAQUE login (RFC 9807 §6) turned into a PoP session. Unknown users get a fake KE2 from the library and then
 * fail exactly like a wrong password. Only the PoP key derived from the session key is kept.
 *
 * <p>Each username (known or not, so the answer tells nothing) may have a bounded number of unfinished logins;
 * each user a bounded number of sessions, a new one ending the oldest. A login remembers the registration record
 * its KE2 came from; if the account's record is another one by the time the session exists (a password change or
 * a deletion ran in between), the session is ended and the login fails, so no session outlives the registration
 * it was made with.
 */
public final class LoginService {
    /** 256-bit login ids; the spec asks for at least 128. */
    private static final int LOGIN_ID_BYTES = 32;
    /** 256-bit session ids. */
    private static final int SESSION_ID_BYTES = 32;

    private final OpaqueServer opaque;
    private final byte[] decoyRecord;
    private final UserStore users;
    private final PendingLoginStore pendingLogins;
    private final SessionStore sessions;
    private final AccountStates accounts;
    private final Clock clock;
    private final SecureRandom random;
    private final Duration loginTtl;
    private final SessionPolicy policy;

    public LoginService(
            OpaqueServer opaque,
            UserStore users,
            PendingLoginStore pendingLogins,
            SessionStore sessions,
            AccountStates accounts,
            Clock clock,
            SecureRandom random,
            Duration loginTtl,
            SessionPolicy policy) {
        this.opaque = opaque;
        // A well-formed record nobody has: the server's public key is a valid element, the rest is zeros.
        this.decoyRecord = new byte[RegistrationRecord.LENGTH];
        byte[] element = opaque.publicKey();
        System.arraycopy(element, 0, decoyRecord, 0, element.length);
        this.users = users;
        this.pendingLogins = pendingLogins;
        this.sessions = sessions;
        this.accounts = accounts;
        this.clock = clock;
        this.random = random;
        this.loginTtl = loginTtl;
        this.policy = policy;
    }

    /**
     * @throws TooManyPendingLoginsException when the username has {@link SessionPolicy#maxPendingLoginsPerUser()}
     *     unfinished logins, whether or not it is registered
     */
    public LoginStarted start(String username, Ke1 ke1) throws OpaqueException, TooManyPendingLoginsException {
        Optional<RegistrationRecord> record = users.find(username);
        RecordTag tag = record.isPresent() ? RecordTag.of(record.get()) : decoyTag();
        ServerLogin login = opaque.startLogin(
                record.orElse(null), ke1, Usernames.credentialIdentifier(username), Identities.none());
        String loginId = RandomIds.next(random, LOGIN_ID_BYTES);
        Instant now = clock.instant();
        SecretBytes state = login.exportState();
        try {
            pendingLogins.put(
                    loginId,
                    new PendingLogin(username, tag, state, now.plus(loginTtl)),
                    policy.maxPendingLoginsPerUser());
        } catch (PendingLoginLimitException e) {
            state.destroy();
            Duration wait = Duration.between(now, e.retryAt());
            throw new TooManyPendingLoginsException(wait.isNegative() ? Duration.ZERO : wait);
        }
        return new LoginStarted(loginId, login.ke2());
    }

    /**
     * For an unknown username, the work a known one costs beyond the OPAQUE step: decoding a stored record (which
     * validates its public key) and tagging it. Without it, unknown names were answered about 25 µs sooner at the
     * median (of ~1 ms), which {@code bench enumeration} could tell apart; see docs/threat-model.md.
     */
    private RecordTag decoyTag() {
        try {
            RecordTag.of(RegistrationRecord.decode(decoyRecord.clone()));
        } catch (InvalidMessageException e) {
            throw new IllegalStateException("the decoy registration record does not decode", e);
        }
        return RecordTag.NONE;
    }

    /**
     * @param clientAddress where the login came from, recorded as the session's address
     * @param purpose what the login is for: a password change or deletion needs a login made for it
     * @return the new session and how many of the user's older sessions were ended to stay within the cap
     */
    public Finished finish(String loginId, Ke3 ke3, String clientAddress, LoginPurpose purpose)
            throws AuthenticationFailedException {
        PendingLogin pending = pendingLogins.take(loginId).orElseThrow(AuthenticationFailedException::new);
        SecretBytes sessionKey;
        try {
            sessionKey = ServerLogin.restore(pending.state()).finish(ke3);
        } catch (LoginFailedException | InvalidMessageException e) {
            throw new AuthenticationFailedException();
        } finally {
            pending.state().destroy();
        }
        PopKey popKey = PopKey.derive(sessionKey);
        sessionKey.destroy();
        Session session = Session.created(
                RandomIds.next(random, SESSION_ID_BYTES),
                pending.username(),
                popKey,
                clock.instant(),
                policy.idleTimeout(),
                policy.lifetime(),
                ClientAddresses.normalize(clientAddress),
                pending.recordTag(),
                purpose);
        int ended = sessions.create(session, policy.maxSessionsPerUser());
        // After the session is stored, so that a change or deletion either sees it (and ends it) or is seen here.
        Optional<RegistrationRecord> current = users.find(pending.username());
        if (current.isEmpty() || !pending.recordTag().matches(current.get())) {
            sessions.remove(session.username(), session.idHash());
            throw new AuthenticationFailedException();
        }
        // What was just read is the account's state: signed calls on this instance need not read it again soon,
        // and can go on through a database outage.
        accounts.observed(pending.username(), pending.recordTag());
        return new Finished(session, ended);
    }

    /** A finished login. */
    public record Finished(Session session, int endedSessions) {}
}
