package dev.opaquepop.pop;

import java.util.Objects;

/** A request's PoP credentials were refused. The message is the bare {@link PopFailure#code()}. */
public final class PopVerificationException extends Exception {
    private static final long serialVersionUID = 1L;

    private final PopFailure failure;

    public PopVerificationException(PopFailure failure) {
        super(Objects.requireNonNull(failure, "failure").code());
        this.failure = failure;
    }

    public PopFailure failure() {
        return failure;
    }
}
