package dev.opaquepop.server.service;

import dev.opaquepop.opaque.OpaqueException;
import dev.opaquepop.opaque.OpaqueServer;
import dev.opaquepop.opaque.RegistrationRecord;
import dev.opaquepop.opaque.RegistrationRequest;
import dev.opaquepop.opaque.RegistrationResponse;
import dev.opaquepop.pop.LoginPurpose;
import dev.opaquepop.server.store.RecordTag;
import dev.opaquepop.server.store.Session;
import dev.opaquepop.server.store.UserStore;

/**
 * Password change and account deletion, both for the caller's own account and only with a fresh login performed
 * for the operation (see {@link SessionService#requireFreshLogin}): a session alone, however young, never suffices.
 *
 * <p>A password change is an OPAQUE re-registration (RFC 9807 §5): the client runs registration again with the new
 * password and fresh randomness (new envelope nonce, new client key pair), and the server replaces the record in
 * one compare-and-set against the record the caller's login used. Of a change racing another change or a
 * deletion, at most one applies; the record is never half written. A caller whose login used a record the account
 * no longer holds must log in again.
 */
public final class AccountService {
    private final OpaqueServer opaque;
    private final UserStore users;
    private final SessionService sessions;

    public AccountService(OpaqueServer opaque, UserStore users, SessionService sessions) {
        this.opaque = opaque;
        this.users = users;
        this.sessions = sessions;
    }

    /** The registration response for the caller's new password (the OPRF evaluation, as in registration). */
    public RegistrationResponse startPasswordChange(Session caller, RegistrationRequest request)
            throws ReauthenticationRequiredException, OpaqueException {
        sessions.requireFreshLogin(caller, LoginPurpose.PASSWORD_CHANGE);
        currentRecord(caller);
        return opaque.registrationResponse(request, Usernames.credentialIdentifier(caller.username()));
    }

    /**
     * Stores the caller's new record; from that commit every other session of the user is refused ({@link
     * AccountStates}), and they are then ended as cleanup (pending logins made with the old record fail at their
     * finish, see {@link LoginService}).
     *
     * @return how many other sessions were ended, or -1 when the cleanup failed (they are refused all the same)
     */
    public int finishPasswordChange(Session caller, RegistrationRecord replacement)
            throws ReauthenticationRequiredException {
        sessions.requireFreshLogin(caller, LoginPurpose.PASSWORD_CHANGE);
        RegistrationRecord current = currentRecord(caller);
        if (!users.replace(caller.username(), current, replacement)) {
            throw changedMeanwhile();
        }
        return sessions.afterPasswordChange(caller, RecordTag.of(replacement));
    }

    /**
     * Deletes the caller's account (its record, and the rows the schema deletes with it); from that commit its sessions
     * are refused, and they are then ended as cleanup. The username is then free: a login for it behaves as for any unknown user, and it can be registered
     * again.
     *
     * @return how many sessions were ended, the caller's included, or -1 when the cleanup failed
     */
    public int delete(Session caller) throws ReauthenticationRequiredException {
        sessions.requireFreshLogin(caller, LoginPurpose.ACCOUNT_DELETION);
        RegistrationRecord current = currentRecord(caller);
        if (!users.delete(caller.username(), current)) {
            throw changedMeanwhile();
        }
        return sessions.afterDeletion(caller.username());
    }

    /** The account's record, if it is still the one the caller's login used. */
    private RegistrationRecord currentRecord(Session caller) throws ReauthenticationRequiredException {
        RegistrationRecord current = users.find(caller.username()).orElseThrow(AccountService::changedMeanwhile);
        if (!caller.recordTag().matches(current)) {
            throw changedMeanwhile();
        }
        return current;
    }

    private static ReauthenticationRequiredException changedMeanwhile() {
        return new ReauthenticationRequiredException(
                "the account's password changed (or the account was deleted) since this login: log in again");
    }
}
