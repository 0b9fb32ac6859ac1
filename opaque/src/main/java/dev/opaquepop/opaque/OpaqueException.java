package dev.opaquepop.opaque;

import java.security.GeneralSecurityException;

/**
 * The one checked exception of the library: every protocol or crypto failure is an {@code OpaqueException}.
 * Messages are bare and never contain key material; subclasses tell decoding problems ({@link
 * InvalidMessageException}) from authentication failures ({@link LoginFailedException}).
 */
public class OpaqueException extends GeneralSecurityException {
    private static final long serialVersionUID = 1L;

    public OpaqueException(String message) {
        super(message);
    }
}
