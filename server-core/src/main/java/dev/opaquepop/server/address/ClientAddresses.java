package dev.opaquepop.server.address;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which address a request comes from. Without trusted proxies it is the socket peer, whatever headers say. With
 * a trusted-proxy list ({@code --trusted-proxies}) and a request whose socket peer is one of them, {@code
 * X-Forwarded-For} is read right to left, skipping trusted proxies, and the first untrusted address wins: each
 * proxy appends the address it saw, so entries left of the last untrusted one were written by the client and
 * prove nothing. A header that is not a plain list of IP literals is ignored as a whole (the socket peer is
 * used): garbage is never trusted.
 *
 * <p>Addresses are returned in one canonical text form (IPv4 dotted quad; IPv6 as RFC 5952: lower case, the
 * longest run of zero groups shortened to {@code ::}; IPv4-mapped IPv6 as the IPv4 address), so one client
 * always gets one string. Nothing here resolves a host name.
 *
 * <p>Sessions keep an address in the form {@link #normalize} gives, whatever it came from, so a stored or listed
 * address can neither be arbitrarily long nor carry characters that would break a log line or a listing.
 */
public final class ClientAddresses {
    /** A header longer than this (a chain of 64 proxies) is treated as malformed. */
    static final int MAX_ENTRIES = 64;
    /** What a session keeps for an address that is not one ({@link #normalize}). */
    public static final String UNKNOWN = "unknown";

    private static final int MAX_STORED_LENGTH = 64;

    // Hex digits, colons and (for an embedded IPv4 tail) dots only, starting with a hex digit or a colon, and
    // holding a colon: the JDK parses such text as an IPv6 literal (or fails) and never asks DNS.
    private static final Pattern IPV6_CHARACTERS = Pattern.compile("[0-9A-Fa-f:][0-9A-Fa-f:.]{1,44}");
    /** The wider IPv6 block of the login limits ({@link #ipv6Block}). */
    private static final int IPV6_BLOCK_BITS = 48;

    private final List<Cidr> trusted;

    private ClientAddresses(List<Cidr> trusted) {
        this.trusted = List.copyOf(trusted);
    }

    /** No trusted proxies: the socket peer is always the client. */
    public static ClientAddresses socketOnly() {
        return new ClientAddresses(List.of());
    }

    /**
     * @param cidrs trusted proxies as CIDR blocks ({@code 10.0.0.0/8}, {@code ::1/128}) or single addresses
     * @throws IllegalArgumentException naming the entry that is not one
     */
    public static ClientAddresses trusting(List<String> cidrs) {
        List<Cidr> parsed = new ArrayList<>();
        for (String cidr : cidrs) {
            parsed.add(Cidr.parse(cidr));
        }
        return new ClientAddresses(parsed);
    }

    /**
     * Parses a comma-separated list such as {@code "10.0.0.0/8, ::1/128"} into its canonical entries; blank
     * means none.
     *
     * @throws IllegalArgumentException naming the entry that is not a CIDR block
     */
    public static List<String> parseList(String text) {
        List<String> entries = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return entries;
        }
        for (String part : text.split(",", -1)) {
            entries.add(Cidr.parse(part.strip()).toString());
        }
        return entries;
    }

    /** The trusted proxies, canonical. */
    public List<String> trustedProxies() {
        return trusted.stream().map(Cidr::toString).toList();
    }

    /**
     * The client's address.
     *
     * @param socketPeer the TCP peer's address as the HTTP server reports it (brackets around IPv6 allowed)
     * @param forwardedFor every {@code X-Forwarded-For} header value in the order received (empty when none)
     */
    public String resolve(String socketPeer, List<String> forwardedFor) {
        Optional<byte[]> peer = parse(stripBrackets(socketPeer));
        if (peer.isEmpty()) {
            // The server always knows its peer; should it ever not, say so rather than inventing one.
            return "unknown";
        }
        if (trusted.isEmpty() || !isTrusted(peer.get()) || forwardedFor.isEmpty()) {
            return format(peer.get());
        }
        List<byte[]> chain = new ArrayList<>();
        for (String header : forwardedFor) {
            for (String entry : header.split(",", -1)) {
                Optional<byte[]> address = parse(entry.strip());
                if (address.isEmpty() || chain.size() == MAX_ENTRIES) {
                    return format(peer.get());
                }
                chain.add(address.get());
            }
        }
        for (int i = chain.size() - 1; i >= 0; i--) {
            if (!isTrusted(chain.get(i))) {
                return format(chain.get(i));
            }
        }
        // Every hop is a trusted proxy: the leftmost is as far back as anyone vouches for.
        return format(chain.get(0));
    }

    /**
     * The network a rate limit counts by: an IPv4 address itself, an IPv6 address's /64 (one subscriber usually
     * holds a whole /64, so counting single IPv6 addresses would let one client use 2^64 of them).
     */
    public static String network(String address) {
        Optional<byte[]> parsed = parse(address);
        if (parsed.isEmpty() || parsed.get().length == 4) {
            return address;
        }
        byte[] prefix = Arrays.copyOf(parsed.get(), 16);
        Arrays.fill(prefix, 8, 16, (byte) 0);
        return format(prefix) + "/64";
    }

    /**
     * The wider block a second login limit counts IPv6 clients by: the /48 around the address's /64. A /48 is what
     * a site (and a free tunnel broker) hands out, 65,536 /64s: counted per /64 alone, one holder of a /48 would
     * have 65,536 address budgets. IPv4 addresses have no wider block: empty.
     */
    public static Optional<String> ipv6Block(String address) {
        Optional<byte[]> parsed = parse(address);
        if (parsed.isEmpty() || parsed.get().length == 4) {
            return Optional.empty();
        }
        byte[] prefix = Arrays.copyOf(parsed.get(), 16);
        Arrays.fill(prefix, IPV6_BLOCK_BITS / 8, 16, (byte) 0);
        return Optional.of(format(prefix) + "/" + IPV6_BLOCK_BITS);
    }

    /**
     * True when the socket peer is one of the trusted proxies, so that what it says of the request's earlier hops
     * ({@code X-Forwarded-Proto}, {@code X-Forwarded-Host}) may be passed on.
     */
    public boolean trustsPeer(String socketPeer) {
        Optional<byte[]> peer = parse(stripBrackets(socketPeer));
        return peer.isPresent() && isTrusted(peer.get());
    }

    private boolean isTrusted(byte[] address) {
        for (Cidr cidr : trusted) {
            if (cidr.contains(address)) {
                return true;
            }
        }
        return false;
    }

    private static String stripBrackets(String address) {
        if (address != null && address.length() > 2 && address.startsWith("[") && address.endsWith("]")) {
            return address.substring(1, address.length() - 1);
        }
        return address;
    }

    /**
     * An IP literal's bytes (4 for IPv4 and IPv4-mapped IPv6, else 16), or empty for anything else: host names,
     * zone ids, ports, brackets, leading zeros in IPv4 octets.
     */
    static Optional<byte[]> parse(String text) {
        if (text == null || text.isEmpty()) {
            return Optional.empty();
        }
        Optional<byte[]> ipv4 = parseIpv4(text);
        if (ipv4.isPresent()) {
            return ipv4;
        }
        if (!text.contains(":") || !IPV6_CHARACTERS.matcher(text).matches()) {
            return Optional.empty();
        }
        try {
            // Only hex digits, colons and dots: a literal, parsed without any lookup. For an IPv4-mapped literal
            // (::ffff:a.b.c.d) the JDK hands back the IPv4 address: one client, one form.
            return Optional.of(InetAddress.getByName(text).getAddress());
        } catch (UnknownHostException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * A dotted quad's bytes, or empty: exactly four decimal octets of 0 to 255, ASCII digits only, no sign and no
     * leading zero (so {@code 010.0.0.1} cannot be read as octal by anyone downstream). Every request with a
     * client address passes here, hence a scan rather than a regular expression.
     */
    private static Optional<byte[]> parseIpv4(String text) {
        byte[] out = new byte[4];
        int octet = 0;
        int value = 0;
        int digits = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                if (digits > 0 && value == 0) {
                    return Optional.empty(); // a leading zero
                }
                value = value * 10 + (c - '0');
                digits++;
                if (value > 255) {
                    return Optional.empty();
                }
            } else if (c == '.' && digits > 0 && octet < 3) {
                out[octet++] = (byte) value;
                value = 0;
                digits = 0;
            } else {
                return Optional.empty();
            }
        }
        if (octet != 3 || digits == 0) {
            return Optional.empty();
        }
        out[3] = (byte) value;
        return Optional.of(out);
    }

    /** Canonical text: dotted quad, or RFC 5952 IPv6. */
    static String format(byte[] address) {
        if (address.length == 4) {
            return (address[0] & 0xff) + "." + (address[1] & 0xff) + "." + (address[2] & 0xff) + "."
                    + (address[3] & 0xff);
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((address[2 * i] & 0xff) << 8) | (address[2 * i + 1] & 0xff);
        }
        // The longest run of at least two zero groups (the first one on a tie) becomes "::".
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
    }

    /**
     * An address as sessions keep it: the text itself when it is 1 to 64 of {@code [0-9A-Za-z.:%[]_-]} (an IPv4
     * or IPv6 literal, with brackets or a zone, as a socket or a proxy may write it), else {@link #UNKNOWN}.
     */
    public static String normalize(String address) {
        if (address == null || address.isEmpty() || address.length() > MAX_STORED_LENGTH) {
            return UNKNOWN;
        }
        for (int i = 0; i < address.length(); i++) {
            if (!storable(address.charAt(i))) {
                return UNKNOWN;
            }
        }
        return address;
    }

    private static boolean storable(char c) {
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

    /** An address block: the first {@code bits} bits of {@code network}. */
    private static final class Cidr {
        private final byte[] network;
        private final int bits;

        private Cidr(byte[] network, int bits) {
            this.network = network;
            this.bits = bits;
        }

        static Cidr parse(String text) {
            String invalid = "--trusted-proxies: '" + text + "' is not an IP address or CIDR block such as"
                    + " 10.0.0.0/8 or ::1/128";
            int slash = text.indexOf('/');
            String addressPart = slash < 0 ? text : text.substring(0, slash);
            byte[] address =
                    ClientAddresses.parse(addressPart).orElseThrow(() -> new IllegalArgumentException(invalid));
            int max = address.length * 8;
            int bits = max;
            if (slash >= 0) {
                String length = text.substring(slash + 1);
                if (!length.matches("\\d{1,3}")) {
                    throw new IllegalArgumentException(invalid);
                }
                bits = Integer.parseInt(length);
                if (bits > max) {
                    throw new IllegalArgumentException(
                            "--trusted-proxies: '" + text + "' has a prefix longer than " + max + " bits");
                }
            }
            byte[] network = address.clone();
            for (int i = 0; i < network.length; i++) {
                int keep = Math.min(8, Math.max(0, bits - 8 * i));
                network[i] = (byte) (network[i] & (0xff << (8 - keep)));
            }
            return new Cidr(network, bits);
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            for (int i = 0; i < network.length; i++) {
                int keep = Math.min(8, Math.max(0, bits - 8 * i));
                int mask = (0xff << (8 - keep)) & 0xff;
                if ((address[i] & mask) != (network[i] & 0xff)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public String toString() {
            return format(network) + "/" + bits;
        }
    }
}
