package dev.opaquepop.client;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Builds request URIs so that the target the client signs is byte for byte the target {@code HttpClient} puts
 * on the request line: ASCII only, and no {@code ?} for an empty query, which the JDK drops when sending.
 *
 * <p>Non-ASCII characters are percent-encoded here, as their UTF-8 bytes, rather than by {@link
 * URI#toASCIIString()}: that one first applies Unicode NFC normalization, which can turn a character into a
 * different ASCII one (U+037E GREEK QUESTION MARK becomes {@code ;}), so the path sent would not be the path
 * asked for.
 */
final class RequestTarget {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
    private static final Pattern IPV4_LITERAL = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");

    private RequestTarget() {}

    /**
     * Checks and normalizes a server base URI: absolute http or https, a host, no user info, query or fragment;
     * a trailing slash is dropped so paths can be appended.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    static URI normalizeBase(URI base) {
        String scheme = base.getScheme() == null ? "" : asciiLowerCase(base.getScheme());
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("the server base URI must be http or https, got " + base);
        }
        if (base.getHost() == null) {
            throw new IllegalArgumentException("the server base URI needs a host, got " + base);
        }
        if (base.getRawUserInfo() != null || base.getRawQuery() != null || base.getRawFragment() != null) {
            throw new IllegalArgumentException(
                    "the server base URI must not have user info, a query or a fragment, got " + base);
        }
        String text = encodeNonAscii(base.toString());
        return URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
    }

    /**
     * The server a base URI names, as trust on first use keys it: normalized, the scheme and host in lower case
     * and a default port (80 for http, 443 for https) dropped, so that spellings of the same server share one
     * entry. The path stays: two deployments under one host are two servers with their own keys.
     *
     * @throws IllegalArgumentException as {@link #normalizeBase}
     */
    static URI identity(URI base) {
        URI normalized = normalizeBase(base);
        String scheme = asciiLowerCase(normalized.getScheme());
        int port = normalized.getPort();
        boolean defaultPort = port == (scheme.equals("https") ? 443 : 80);
        String authority = asciiLowerCase(normalized.getHost()) + (port == -1 || defaultPort ? "" : ":" + port);
        String path = normalized.getRawPath() == null ? "" : normalized.getRawPath();
        return URI.create(scheme + "://" + authority + path);
    }

    /** Whether {@code base} is a plain {@code http://} URI. */
    static boolean isPlainHttp(URI base) {
        return base.getScheme() != null && asciiLowerCase(base.getScheme()).equals("http");
    }

    /**
     * Whether {@code host} (as {@link URI#getHost()} gives it) names this machine without a name lookup: {@code
     * localhost}, an IPv4 literal in 127.0.0.0/8, or the IPv6 literal {@code [::1]}. Traffic to it never
     * crosses a network. Any other name is not loopback, whatever it resolves to.
     */
    static boolean isLoopback(String host) {
        if (asciiLowerCase(host).equals("localhost")) {
            return true;
        }
        boolean ipv6 = host.startsWith("[") && host.endsWith("]");
        if (!ipv6 && !IPV4_LITERAL.matcher(host).matches()) {
            return false;
        }
        try {
            // A literal address is parsed, never looked up.
            return InetAddress.getByName(ipv6 ? host.substring(1, host.length() - 1) : host)
                    .isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /**
     * The URI for {@code pathAndQuery} under a normalized base.
     *
     * @throws IllegalArgumentException unless {@code pathAndQuery} starts with {@code /}, has no fragment and is
     *     a valid URI reference once non-ASCII characters are encoded
     */
    static URI resolve(URI base, String pathAndQuery) {
        if (!pathAndQuery.startsWith("/") || pathAndQuery.indexOf('#') >= 0) {
            throw new IllegalArgumentException("pathAndQuery must start with / and have no fragment");
        }
        return URI.create(base + encodeNonAscii(pathAndQuery));
    }

    /** The request target as the JDK sends it: raw path plus {@code ?query} when the query is not empty. */
    static String of(URI uri) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String query = uri.getRawQuery();
        return query == null || query.isEmpty() ? path : path + "?" + query;
    }

    /** Percent-encodes the UTF-8 bytes of every non-ASCII character; ASCII is left exactly as it is. */
    static String encodeNonAscii(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); ) {
            int codePoint = text.codePointAt(i);
            int length = Character.charCount(codePoint);
            if (codePoint < 0x80) {
                out.append((char) codePoint);
            } else {
                for (byte b : text.substring(i, i + length).getBytes(StandardCharsets.UTF_8)) {
                    out.append('%').append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
                }
            }
            i += length;
        }
        return out.toString();
    }

    private static String asciiLowerCase(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            out.append(c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c);
        }
        return out.toString();
    }
}
