package dev.opaquepop.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opaquepop.server.http.OpaquePopServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The socket peer as the HTTP server reports it over IPv6 (with or without brackets) is understood: a server
 * on {@code ::1} trusting {@code ::1/128} counts clients by their forwarded address, and one not trusting it
 * counts the peer. Skipped where the machine has no IPv6 loopback.
 */
class Ipv6ClientAddressTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path data;

    @Test
    void ipv6Peer_trustedProxy_countsForwardedClients() throws Exception {
        assumeIpv6Loopback();
        try (OpaquePopServer server = OpaquePopServer.start(ServerConfig.builder()
                .bind("::1")
                .port(0)
                .dataDirectory(data.resolve("data"))
                .clientKsf(TestServer.TEST_KSF)
                .trustedProxies("::1/128")
                .loginLimitAddress("1/1h")
                .build())) {
            URI uri = URI.create("http://[::1]:" + server.port());
            assertThat(loginStart(uri, "a", Map.of("X-Forwarded-For", "2001:db8:1::1"))
                            .statusCode())
                    .isEqualTo(200);
            BadInputTest.assertProblem(
                    loginStart(uri, "b", Map.of("X-Forwarded-For", "2001:db8:1::2")), 429, "rate_limited");
            assertThat(loginStart(uri, "c", Map.of("X-Forwarded-For", "2001:db8:2::1"))
                            .statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void ipv6Peer_untrusted_isTheClient() throws Exception {
        assumeIpv6Loopback();
        try (OpaquePopServer server = OpaquePopServer.start(ServerConfig.builder()
                .bind("::1")
                .port(0)
                .dataDirectory(data.resolve("data"))
                .clientKsf(TestServer.TEST_KSF)
                .loginLimitAddress("1/1h")
                .build())) {
            URI uri = URI.create("http://[::1]:" + server.port());
            assertThat(loginStart(uri, "a", Map.of("X-Forwarded-For", "2001:db8:1::1"))
                            .statusCode())
                    .isEqualTo(200);
            BadInputTest.assertProblem(
                    loginStart(uri, "b", Map.of("X-Forwarded-For", "2001:db8:2::1")), 429, "rate_limited");
        }
    }

    private static void assumeIpv6Loopback() {
        try (ServerSocket socket = new ServerSocket()) {
            byte[] one = new byte[16];
            one[15] = 1;
            socket.bind(new InetSocketAddress(InetAddress.getByAddress(one), 0));
        } catch (IOException e) {
            Assumptions.abort("no IPv6 loopback on this machine: " + e.getMessage());
        }
    }

    private static HttpResponse<String> loginStart(URI server, String username, Map<String, String> headers)
            throws Exception {
        String ke1 = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(
                        Requests.opaque().startLogin(new byte[] {1, 2, 3}).ke1().encode());
        HttpRequest.Builder request = HttpRequest.newBuilder(server.resolve("/login/start"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"username\":\"" + username + "\",\"ke1\":\"" + ke1 + "\"}"));
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
