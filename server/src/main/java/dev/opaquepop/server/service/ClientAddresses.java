package dev.opaquepop.server.service;

/**
 * Client addresses as sessions keep them: an IPv4 or IPv6 literal (with brackets or a zone, as a socket or a
 * proxy may write it), at most 64 characters. Anything else is kept as {@code "unknown"}, so a stored or listed
 * address can neither be arbitrarily long nor carry characters that would break a log line or a listing.
 */
final class ClientAddresses {
    static final String UNKNOWN = "unknown";
    private static final int MAX_LENGTH = 64;

    private ClientAddresses() {}

    /** The address itself when it is 1 to 64 of {@code [0-9A-Za-z.:%[]_-]}, else {@code "unknown"}. */
    static String normalize(String address) {
        if (address == null || address.isEmpty() || address.length() > MAX_LENGTH) {
            return UNKNOWN;
        }
        for (int i = 0; i < address.length(); i++) {
            if (!allowed(address.charAt(i))) {
                return UNKNOWN;
            }
        }
        return address;
    }

    private static boolean allowed(char c) {
        return (c >= '0' && c <= '9')
                || (c >= 'A' && c <= 'Z')
                || (c >= 'a' && c <= 'z')
                || c == '.'
                || c == ':'
                || c == '%'
                || c == '['
                || c == ']'
                || c == '_'
                || c == '-';
    }
}
