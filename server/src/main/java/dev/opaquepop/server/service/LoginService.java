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
import dev.opaquepop.pop.PopKey;
import dev.opaquepop.server.store.PendingLogin;
import dev.opaquepop.server.store.PendingLoginStore;
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
 */
public final class LoginService {
    /** 256-bit login ids; the spec asks for at least 128. */
    private static final int LOGIN_ID_BYTES = 32;
    /** 256-bit session ids. */
    private static final int SESSION_ID_BYTES = 32;

    private final OpaqueServer opaque;
    private final UserStore users;
    private final PendingLoginStore pendingLogins;
    private final SessionStore sessions;
    private final Clock clock;
    private final SecureRandom random;
    private final Duration loginTtl;
    private final Duration sessionTtl;

    public LoginService(
            OpaqueServer opaque,
            UserStore users,
            PendingLoginStore pendingLogins,
            SessionStore sessions,
            Clock clock,
            SecureRandom random,
            Duration loginTtl,
            Duration sessionTtl) {
        this.opaque = opaque;
        this.users = users;
        this.pendingLogins = pendingLogins;
        this.sessions = sessions;
        this.clock = clock;
        this.random = random;
        this.loginTtl = loginTtl;
        this.sessionTtl = sessionTtl;
    }

    public LoginStarted start(String username, Ke1 ke1) throws OpaqueException {
        Optional<RegistrationRecord> record = users.find(username);
        ServerLogin login = opaque.startLogin(
                record.orElse(null), ke1, Usernames.credentialIdentifier(username), Identities.none());
        String loginId = RandomIds.next(random, LOGIN_ID_BYTES);
        pendingLogins.put(
                loginId,
                new PendingLogin(username, login.exportState(), clock.instant().plus(loginTtl)));
        return new LoginStarted(loginId, login.ke2());
    }

    public Session finish(String loginId, Ke3 ke3) throws AuthenticationFailedException {
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
        Instant now = clock.instant();
        Session session = new Session(
                RandomIds.next(random, SESSION_ID_BYTES), pending.username(), popKey, now, now.plus(sessionTtl));
        sessions.put(session);
        return session;
    }
}
