package dev.opaquepop.pop;

import java.util.Optional;

/**
 * What a login was performed for. An ordinary login ({@link #SIGN_IN}) opens a session for everyday calls; a
 * password change or an account deletion needs a session whose login was performed for that operation, recently,
 * and whose proof has not been spent. So a session copied off a client (its saved file) is never enough to take
 * the account over or destroy it: that takes the password, typed again for the operation.
 *
 * <p>On the wire it is the optional {@code "purpose"} of {@code login/finish}, named by {@link #wireName()};
 * without one, a login is {@link #SIGN_IN}.
 */
public enum LoginPurpose {
    SIGN_IN("sign_in"),
    PASSWORD_CHANGE("password_change"),
    ACCOUNT_DELETION("account_deletion");

    private final String wireName;

    LoginPurpose(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** The purpose {@code name} names on the wire, if any. */
    public static Optional<LoginPurpose> fromWireName(String name) {
        for (LoginPurpose purpose : values()) {
            if (purpose.wireName.equals(name)) {
                return Optional.of(purpose);
            }
        }
        return Optional.empty();
    }
}
