package dev.opaquepop.server.service;

import java.security.SecureRandom;
import java.util.Base64;

/** Unguessable identifiers: {@code bytes} random bytes as unpadded base64url. */
final class RandomIds {
    private RandomIds() {}

    static String next(SecureRandom random, int bytes) {
        byte[] raw = new byte[bytes];
        random.nextBytes(raw);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }
}
