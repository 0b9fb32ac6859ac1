package dev.opaquepop.server.address;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ClientAddressesTest {
    private static final ClientAddresses BEHIND_PROXIES =
            ClientAddresses.trusting(ClientAddresses.parseList("10.0.0.0/8, 192.168.1.1, ::1/128, fd00::/8"));

    // ---- without trusted proxies

    @Test
    void noTrustedProxies_theSocketPeerIsTheClient_whateverTheHeaderSays() {
        ClientAddresses none = ClientAddresses.socketOnly();
        assertThat(none.resolve("203.0.113.7", List.of("198.51.100.1"))).isEqualTo("203.0.113.7");
        assertThat(none.resolve("203.0.113.7", List.of())).isEqualTo("203.0.113.7");
    }

    // ---- the socket peer is a trusted proxy

    @Test
    void oneTrustedProxy_theForwardedAddressIsTheClient() {
        assertThat(BEHIND_PROXIES.resolve("10.1.2.3", List.of("198.51.100.9"))).isEqualTo("198.51.100.9");
    }

    @Test
    void chainOfTrustedProxies_isSkippedFromTheRight() {
        assertThat(BEHIND_PROXIES.resolve("10.0.0.1", List.of("198.51.100.9, 192.168.1.1, 10.20.30.40")))
                .isEqualTo("198.51.100.9");
    }

    /** The client writes whatever it likes on the left; only the last untrusted hop counts. */
    @Test
    void spoofedLeftmostEntries_areIgnored() {
        assertThat(BEHIND_PROXIES.resolve("10.0.0.1", List.of("1.2.3.4, 5.6.7.8, 198.51.100.9")))
                .isEqualTo("198.51.100.9");
        // A client claiming to be a trusted proxy itself gains nothing: the proxy appended the real address.
        assertThat(BEHIND_PROXIES.resolve("10.0.0.1", List.of("10.9.9.9, 198.51.100.9")))
                .isEqualTo("198.51.100.9");
    }

    @Test
    void severalHeaderLines_areOneListInOrder() {
        assertThat(BEHIND_PROXIES.resolve("10.0.0.1", List.of("1.2.3.4", "198.51.100.9", "10.0.0.2")))
                .isEqualTo("198.51.100.9");
    }

    @Test
    void everyHopTrusted_theLeftmostIsTheClient() {
        assertThat(BEHIND_PROXIES.resolve("10.0.0.1", List.of("10.0.0.7, 10.0.0.8")))
                .isEqualTo("10.0.0.7");
    }

    @Test
    void trustedPeerWithoutHeader_isTheClient() {
        assertThat(BEHIND_PROXIES.resolve("10.0.0.1", List.of())).isEqualTo("10.0.0.1");
    }

    @Test
    void untrustedPeer_headerIgnored() {
        assertThat(BEHIND_PROXIES.resolve("203.0.113.7", List.of("198.51.100.9")))
                .isEqualTo("203.0.113.7");
        assertThat(BEHIND_PROXIES.resolve("2001:db8::7", List.of("198.51.100.9")))
                .isEqualTo("2001:db8::7");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "garbage",
                "198.51.100.9, ",
                ",198.51.100.9",
                "198.51.100.9:443",
                "[2001:db8::1]",
                "[2001:db8::1]:443",
                "example.com",
                "unknown",
                "198.51.100.09",
                "198.51.100",
                "256.1.1.1",
                "fe80::1%eth0",
                "2001:db8::1::2",
                "198.51.100.9 198.51.100.10",
                "1.2.3.4;5.6.7.8"
            })
    void malformedHeader_theSocketPeerIsUsed(String header) {
        assertThat(BEHIND_PROXIES.resolve("10.0.0.1", List.of(header))).isEqualTo("10.0.0.1");
        assertThat(BEHIND_PROXIES.resolve("10.0.0.1", List.of("198.51.100.1", header)))
                .isEqualTo("10.0.0.1");
    }

    @Test
    void overlongChain_isMalformed() {
        String chain = String.join(",", java.util.Collections.nCopies(ClientAddresses.MAX_ENTRIES + 1, "10.0.0.5"));
        assertThat(BEHIND_PROXIES.resolve("10.0.0.1", List.of("198.51.100.9," + chain)))
                .isEqualTo("10.0.0.1");
        String fits = String.join(",", java.util.Collections.nCopies(ClientAddresses.MAX_ENTRIES - 1, "10.0.0.5"));
        assertThat(BEHIND_PROXIES.resolve("10.0.0.1", List.of("198.51.100.9," + fits)))
                .isEqualTo("198.51.100.9");
    }

    // ---- IPv6

    @Test
    void ipv6Proxy_andIpv6Client() {
        assertThat(BEHIND_PROXIES.resolve("::1", List.of("2001:DB8:0:0:0:0:0:42")))
                .isEqualTo("2001:db8::42");
        assertThat(BEHIND_PROXIES.resolve("[::1]", List.of("2001:db8::42"))).isEqualTo("2001:db8::42");
        assertThat(BEHIND_PROXIES.resolve("fd12:3456::1", List.of("2001:db8::42, fd00::9")))
                .isEqualTo("2001:db8::42");
        assertThat(BEHIND_PROXIES.resolve("::1", List.of("198.51.100.9"))).isEqualTo("198.51.100.9");
        assertThat(BEHIND_PROXIES.resolve("10.0.0.1", List.of("2001:db8::42"))).isEqualTo("2001:db8::42");
    }

    @Test
    void ipv4MappedIpv6_isTheIpv4Address() {
        assertThat(BEHIND_PROXIES.resolve("::ffff:10.0.0.1", List.of("::ffff:198.51.100.9")))
                .isEqualTo("198.51.100.9");
        assertThat(ClientAddresses.socketOnly().resolve("::ffff:203.0.113.7", List.of()))
                .isEqualTo("203.0.113.7");
    }

    @ParameterizedTest
    @CsvSource({
        "0:0:0:0:0:0:0:1, ::1",
        "0:0:0:0:0:0:0:0, ::",
        "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
        "2001:0db8:0000:0000:0000:ff00:0042:8329, 2001:db8::ff00:42:8329",
        "2001:db8:1:2:3:4:5:6, 2001:db8:1:2:3:4:5:6",
        "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
        "fe80:0:0:0:0:0:0:0, fe80::",
        "0:0:1:0:0:0:1:0, 0:0:1::1:0"
    })
    void ipv6_isWrittenAsRfc5952(String given, String canonical) {
        assertThat(ClientAddresses.socketOnly().resolve(given, List.of())).isEqualTo(canonical);
    }

    @Test
    void network_isTheIpv4AddressOrTheIpv6Slash64() {
        assertThat(ClientAddresses.network("203.0.113.7")).isEqualTo("203.0.113.7");
        assertThat(ClientAddresses.network("2001:db8:1:2:aaaa:bbbb:cccc:dddd")).isEqualTo("2001:db8:1:2::/64");
        assertThat(ClientAddresses.network("2001:db8:1:2::1")).isEqualTo(ClientAddresses.network("2001:db8:1:2::2"));
        assertThat(ClientAddresses.network("2001:db8:1:3::1")).isNotEqualTo(ClientAddresses.network("2001:db8:1:2::1"));
    }

    @Test
    void ipv6Block_isTheSlash48_andIpv4HasNone() {
        assertThat(ClientAddresses.ipv6Block("2001:db8:1:2:aaaa::1")).contains("2001:db8:1::/48");
        assertThat(ClientAddresses.ipv6Block("2001:db8:1:ffff::1")).contains("2001:db8:1::/48");
        assertThat(ClientAddresses.ipv6Block("2001:db8:2::1")).contains("2001:db8:2::/48");
        assertThat(ClientAddresses.ipv6Block("203.0.113.7")).isEmpty();
        assertThat(ClientAddresses.ipv6Block("::ffff:203.0.113.7")).isEmpty();
    }

    // ---- configuration

    @Test
    void trustedProxyList_isCanonical() {
        assertThat(ClientAddresses.parseList("10.1.2.3/8, 192.168.1.1,::1/128 , 2001:DB8::/32"))
                .containsExactly("10.0.0.0/8", "192.168.1.1/32", "::1/128", "2001:db8::/32");
        assertThat(ClientAddresses.parseList("")).isEmpty();
        assertThat(ClientAddresses.parseList(null)).isEmpty();
        assertThat(ClientAddresses.parseList("0.0.0.0/0")).containsExactly("0.0.0.0/0");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "10.0.0.0/33",
                "::/129",
                "proxy.internal",
                "10.0.0.0/",
                "10.0.0.0/-1",
                "10.0.0.0/8,",
                "1.2.3.4/08x"
            })
    void invalidTrustedProxy_isRefusedNamingIt(String list) {
        assertThatThrownBy(() -> ClientAddresses.parseList(list))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--trusted-proxies");
    }

    @Test
    void cidrMatching_respectsThePrefixLength() {
        ClientAddresses proxies = ClientAddresses.trusting(List.of("192.168.8.0/21", "2001:db8:ab00::/40"));
        assertThat(proxies.resolve("192.168.15.255", List.of("198.51.100.9"))).isEqualTo("198.51.100.9");
        assertThat(proxies.resolve("192.168.16.0", List.of("198.51.100.9"))).isEqualTo("192.168.16.0");
        assertThat(proxies.resolve("192.168.7.255", List.of("198.51.100.9"))).isEqualTo("192.168.7.255");
        assertThat(proxies.resolve("2001:db8:abff::1", List.of("198.51.100.9"))).isEqualTo("198.51.100.9");
        assertThat(proxies.resolve("2001:db8:ac00::1", List.of("198.51.100.9"))).isEqualTo("2001:db8:ac00::1");
    }

    /** What sessions keep: literals as written, anything else (too long, odd characters, none) as "unknown". */
    @Test
    void normalize_keepsAddressLiterals_andReplacesAnythingElse() {
        for (String kept : List.of("192.0.2.1", "2001:db8::1", "[2001:db8::1]", "fe80::1%eth0", "a".repeat(64))) {
            assertThat(ClientAddresses.normalize(kept)).isEqualTo(kept);
        }
        List<String> replaced = new java.util.ArrayList<>(
                List.of("", "a".repeat(65), "192.0.2.1\nforged log line", "<script>", "198.51.100.7, 10.0.0.1", "é"));
        replaced.add(null);
        for (String odd : replaced) {
            assertThat(ClientAddresses.normalize(odd)).isEqualTo(ClientAddresses.UNKNOWN);
        }
    }
}
