package dev.opaquepop.server.gateway;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which headers cross the gateway. Hop-by-hop headers (RFC 9110 §7.6.1: {@code Connection} and every header it
 * names, {@code Proxy-Connection}, {@code Keep-Alive}, {@code TE}, {@code Transfer-Encoding}, {@code Upgrade})
 * describe one connection and stop here in both directions; message framing ({@code Content-Length}, {@code
 * Host}) is the upstream connection's own. Requests also lose the PoP credentials, which are the gateway's to
 * check and nobody else's to see, and every identity or forwarding header a client could forge: the gateway sets
 * those itself.
 */
final class ForwardedHeaders {
    /** Never forwarded in either direction. */
    private static final Set<String> HOP_BY_HOP = Set.of(
            "connection",
            "proxy-connection",
            "keep-alive",
            "te",
            "trailer",
            "transfer-encoding",
            "upgrade",
            "proxy-authenticate",
            "proxy-authorization",
            "http2-settings",
            "content-length",
            "host",
            "expect");

    /** Never forwarded upstream: the PoP credentials, and what the gateway alone may say. */
    private static final Set<String> REQUEST_ONLY_STRIPPED = Set.of(
            "authorization",
            "x-ts",
            "x-nonce",
            "x-pop",
            "x-forwarded-user",
            "x-forwarded-for",
            "x-forwarded-proto",
            "x-forwarded-host",
            "x-forwarded-port",
            "x-real-ip",
            "forwarded",
            IdentityAssertions.HEADER.toLowerCase(Locale.ROOT));

    private ForwardedHeaders() {}

    /** True when the request header {@code name} goes upstream ({@code connection}: every Connection value). */
    static boolean forwardRequestHeader(String name, Set<String> namedByConnection) {
        String lower = name.toLowerCase(Locale.ROOT);
        return !HOP_BY_HOP.contains(lower)
                && !REQUEST_ONLY_STRIPPED.contains(lower)
                && !namedByConnection.contains(lower);
    }

    /** True when the upstream's answer header {@code name} goes back to the client. */
    static boolean forwardResponseHeader(String name, Set<String> namedByConnection) {
        String lower = name.toLowerCase(Locale.ROOT);
        // HTTP/2 pseudo-headers never appear as names here, but a stray ':status' must not become a header.
        return !HOP_BY_HOP.contains(lower) && !namedByConnection.contains(lower) && !lower.startsWith(":");
    }

    /** A header name in lower case (names are ASCII tokens). */
    static String lowerCase(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    /** The header names listed in {@code Connection} values, lower case. */
    static Set<String> namedByConnection(List<String> connectionValues) {
        Set<String> names = new HashSet<>();
        for (String value : connectionValues) {
            for (String token : value.split(",", -1)) {
                String name = token.strip().toLowerCase(Locale.ROOT);
                if (!name.isEmpty()) {
                    names.add(name);
                }
            }
        }
        return names;
    }
}
