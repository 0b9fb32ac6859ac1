package dev.opaquepop.server.api;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** Reads a query parameter out of a request-target, decoded as a form would be. */
final class QueryParameters {
    private QueryParameters() {}

    /** The first value of {@code name} in {@code target}'s query, or {@code null} when it has none. */
    static String single(String target, String name) {
        int question = target.indexOf('?');
        if (question < 0) {
            return null;
        }
        for (String pair : target.substring(question + 1).split("&", -1)) {
            int equals = pair.indexOf('=');
            String key = equals < 0 ? pair : pair.substring(0, equals);
            if (decode(key).equals(name)) {
                return equals < 0 ? "" : decode(pair.substring(equals + 1));
            }
        }
        return null;
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            // A malformed escape names no parameter of ours.
            return text;
        }
    }
}
