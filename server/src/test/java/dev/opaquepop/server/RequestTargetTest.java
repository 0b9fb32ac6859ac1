package dev.opaquepop.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opaquepop.client.ClientSession;
import dev.opaquepop.client.OpaquePopClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The canonical request covers the target exactly as sent: percent-encoded queries, repeated and empty
 * parameters and non-ASCII must verify on the server exactly as the client signed them.
 */
class RequestTargetTest {
    @TempDir
    Path data;

    @Test
    void signedRequests_withEncodedQueries_verify() throws Exception {
        try (TestServer server = TestServer.start(data);
                OpaquePopClient client = OpaquePopClient.builder(server.uri())
                        .ksfPolicy(TestServer.CLIENT_POLICY)
                        .build()) {
            client.register("alice", "pw".getBytes(UTF_8));
            ClientSession session = client.login("alice", "pw".getBytes(UTF_8));
            for (String target : List.of(
                    "/api/me",
                    "/api/me?",
                    "/api/me?a=1&a=2&b=",
                    "/api/me?q=a%20b%2Fc%3F%26",
                    "/api/me?euro=%E2%82%AC&plus=a+b",
                    "/api/transfers?limit=10&order=asc")) {
                HttpResponse<byte[]> response = client.send(session, "GET", target, new byte[0]);
                assertThat(response.statusCode())
                        .as(target + " -> " + new String(response.body(), UTF_8))
                        .isEqualTo(200);
            }
        }
    }
}
