package dev.opaquepop.server.service;

import java.util.regex.Pattern;

/**
 * Client addresses as sessions keep them: an IPv4 or IPv6 literal (with brackets or a zone, as a socket or a
 * proxy may write it), at most 64 characters. Anything else is kept as {@code "unknown"}, so a stored or listed
 * address can neither be arbitrarily long nor carry characters that would break a log line or a listing.
 */
final class ClientAddresses {
    static final String UNKNOWN = "unknown";
    private static final Pattern ADDRESS = Pattern.compile("[0-9A-Za-z.:%\\[\\]_-]{1,64}");

    private ClientAddresses() {}

    static String normalize(String address) {
        return address != null && ADDRESS.matcher(address).matches() ? address : UNKNOWN;
    }
}
