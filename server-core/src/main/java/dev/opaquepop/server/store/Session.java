package dev.opaquepop.server.store;

import dev.opaquepop.pop.LoginPurpose;
import dev.opaquepop.pop.PopKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A logged-in session: the PoP key derived from the OPAQUE session key (never the session key itself), and its
 * lifecycle. A session ends at {@link #idleExpiresAt()} (its last recorded use plus the idle timeout) or at
 * {@link #expiresAt()} (its creation plus the absolute lifetime), whichever comes first.
 *
 * @param createdAt when the login finished; a password change or account deletion needs it to be recent
 * @param lastUsedAt the last recorded use (the login, then signed requests, recorded at a bounded resolution)
 * @param idleExpiresAt {@code lastUsedAt} plus the idle timeout, never after {@code expiresAt}
 * @param expiresAt the absolute end: {@code createdAt} plus the lifetime
 * @param clientAddress the client address of the last recorded use
 * @param recordTag the registration the login used
 * @param purpose what the login was performed for; a password change or deletion needs its own, unspent (see
 *     {@link LoginPurpose}); spending it makes it {@link LoginPurpose#SIGN_IN}
 */
public record Session(
        String sessionId,
        String username,
        PopKey popKey,
        Instant createdAt,
        Instant lastUsedAt,
        Instant idleExpiresAt,
        Instant expiresAt,
        String clientAddress,
        RecordTag recordTag,
        LoginPurpose purpose) {
    public Session {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(popKey, "popKey");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(lastUsedAt, "lastUsedAt");
        Objects.requireNonNull(idleExpiresAt, "idleExpiresAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(clientAddress, "clientAddress");
        Objects.requireNonNull(recordTag, "recordTag");
        Objects.requireNonNull(purpose, "purpose");
    }

    /** A session created {@code now}, used for the first time by its login. */
    public static Session created(
            String sessionId,
            String username,
            PopKey popKey,
            Instant now,
            Duration idleTimeout,
            Duration lifetime,
            String clientAddress,
            RecordTag recordTag,
            LoginPurpose purpose) {
        Instant expiresAt = now.plus(lifetime);
        return new Session(
                sessionId,
                username,
                popKey,
                now,
                now,
                earlier(now.plus(idleTimeout), expiresAt),
                expiresAt,
                clientAddress,
                recordTag,
                purpose);
    }

    /** The first instant the session is no longer accepted: the idle deadline or the absolute one. */
    public Instant endsAt() {
        return earlier(idleExpiresAt, expiresAt);
    }

    public boolean isLiveAt(Instant now) {
        return now.isBefore(endsAt());
    }

    /**
     * The caller's own session after its password change: moved to the registration {@code tag} names, and the
     * proof of the password its login gave spent, so that it cannot change the password (or delete the account)
     * again without a new login.
     */
    public Session afterPasswordChange(RecordTag tag) {
        return new Session(
                sessionId,
                username,
                popKey,
                createdAt,
                lastUsedAt,
                idleExpiresAt,
                expiresAt,
                clientAddress,
                tag,
                LoginPurpose.SIGN_IN);
    }

    /** This session as used at {@code now} from {@code address}: the idle deadline moves, the absolute one not. */
    public Session usedAt(Instant now, String address, Duration idleTimeout) {
        return new Session(
                sessionId,
                username,
                popKey,
                createdAt,
                now,
                earlier(now.plus(idleTimeout), expiresAt),
                expiresAt,
                address,
                recordTag,
                purpose);
    }

    /** The SHA-256 of the id, which is how storage names the session. */
    public String idHash() {
        return SessionIds.hash(sessionId);
    }

    private static Instant earlier(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    @Override
    public String toString() {
        return "Session[" + SessionIds.prefix(sessionId) + "…, user=" + username + ", createdAt=" + createdAt
                + ", lastUsedAt=" + lastUsedAt + ", endsAt=" + endsAt() + ", purpose=" + purpose.wireName()
                + ", key redacted]";
    }
}
