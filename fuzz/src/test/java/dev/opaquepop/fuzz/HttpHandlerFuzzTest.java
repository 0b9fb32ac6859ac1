package dev.opaquepop.fuzz;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.opaquepop.client.ClientSession;
import dev.opaquepop.client.OpaquePopClientException;
import dev.opaquepop.pop.PopSigner;
import dev.opaquepop.pop.SignedRequest;
import dev.opaquepop.testfixtures.RawHttp;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The HTTP handlers of a real in-process server fed fuzzer-chosen methods, targets (mostly its own routes),
 * headers (PoP ones included, and correctly signed ones when the input asks) and bodies, over one keep-alive
 * connection. Whatever arrives: never a 5xx (a 503 would be allowed for an unavailable store, and is checked
 * to be one), every 4xx is problem+json naming its status, and the server still answers {@code /healthz/live}.
 */
class HttpHandlerFuzzTest {
    /**
     * How long an answer may take, in time this JVM ran, before the server counts as hung. Above the longest
     * wait the server itself allows before answering 503: SQLite's busy timeout (10 s) and then the pool's
     * connection timeout (10 s), as a request behind the write lock can meet both.
     */
    private static final int TIMEOUT_MILLIS = 60_000;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final PopSigner SIGNER = new PopSigner(Clock.systemUTC(), new SecureRandom());
    private static final byte[] HEALTH =
            "GET /healthz/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private static KeptAliveConnection connection;
    private static KeptAliveConnection health;
    private static long inputs;

    /**
     * The last exchanges on both connections, oldest first, for the message of a failed health check: what the
     * server got just before it stopped answering is where a cross-connection fault shows (see {@code Transport}).
     */
    private static final ArrayDeque<String> RECENT = new ArrayDeque<>();

    @FuzzTest(maxDuration = "30s")
    void handlers(byte[] data) throws IOException, OpaquePopClientException {
        // The harness talks to its own server on loopback; any other connection would be a finding.
        SilentCloseable allowed = BugDetectors.allowNetworkConnections((host, port) -> isLoopback(host));
        try {
            InProcessServer server = InProcessServer.get();
            FuzzedRequest request = FuzzedRequest.parse(data);
            List<String[]> signature = request.sign() ? sign(server.session(), request) : List.of();
            byte[] wire = request.encode("127.0.0.1:" + server.port(), signature);
            RawHttp.Response response = send(server, wire, request);
            remember("input " + describe(request) + " -> " + outcome(response));
            if (response != null) {
                check(request, response);
                if (endedTheSession(request, response)) {
                    relogin(server);
                }
            }
            // Liveness after every input the server answered oddly (or not at all), and every eighth one besides:
            // half the requests would otherwise be health checks.
            if (response == null || response.closed() || response.status() >= 400 || ++inputs % 8 == 0) {
                RawHttp.Response live = healthCheck(server);
                if (live.status() != 200) {
                    throw new AssertionError("/healthz/live answered " + live.status() + " after " + describe(request)
                            + "; " + recentExchanges());
                }
            }
        } finally {
            allowed.close();
        }
    }

    /**
     * Logs the harness in again. Fuzzed login/starts may name the harness's user too, so its own login can meet
     * that user's guessing limit or pending-login cap: a 429 is the server doing its job, not a finding. Signed
     * inputs then use the ended session (answered 401) until a later login gets through.
     */
    private static void relogin(InProcessServer server) throws OpaquePopClientException {
        try {
            server.login();
        } catch (OpaquePopClientException e) {
            if (e.status() != 429) {
                throw e;
            }
        }
    }

    /**
     * The response, or null when the server closed the connection without one (malformed framing may end a
     * connection at any point, so here a dropped connection is not a finding; the health check that follows is).
     */
    private static RawHttp.Response send(InProcessServer server, byte[] wire, FuzzedRequest request)
            throws IOException {
        if (connection == null) {
            connection = server.connect(TIMEOUT_MILLIS);
        }
        try {
            return connection.exchange(wire, request.head());
        } catch (SocketTimeoutException e) {
            connection.close();
            throw new AssertionError(
                    "no answer within " + TIMEOUT_MILLIS + " ms (time this JVM ran) to " + describe(request)
                            + " (" + wire.length + " bytes on the wire); threads at that moment: "
                            + ThreadDump.write("hung-server"),
                    e);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * The server's answer to {@code /healthz/live} on a connection of its own. Only the server's close of a
     * connection idle for its idle timeout is retried (see {@link KeptAliveConnection}); anything else that keeps
     * the answer from arriving is a finding.
     */
    private static RawHttp.Response healthCheck(InProcessServer server) throws IOException {
        if (health == null) {
            health = server.connect(TIMEOUT_MILLIS);
        }
        try {
            RawHttp.Response live = health.exchange(HEALTH, false);
            remember("health check -> " + outcome(live));
            return live;
        } catch (IOException e) {
            throw new AssertionError("/healthz/live did not answer; " + recentExchanges(), e);
        }
    }

    private static void check(FuzzedRequest request, RawHttp.Response response) throws IOException {
        int status = response.status();
        String contentType = response.header("content-type");
        boolean problem = contentType != null && contentType.startsWith("application/problem+json");
        if (status >= 500) {
            JsonNode body = problem ? parse(response) : null;
            boolean declaredUnavailable =
                    status == 503 && body != null && "service_unavailable".equals(text(body, "code"));
            if (!declaredUnavailable) {
                throw new AssertionError(
                        "server error " + status + " for " + describe(request) + ": " + response.body());
            }
        }
        if (status >= 400 && status < 500) {
            if (!problem) {
                throw new AssertionError(
                        status + " without problem+json (" + contentType + ") for " + describe(request));
            }
            if (!request.head()) {
                JsonNode body = parse(response);
                if (body == null
                        || body.path("status").asInt() != status
                        || text(body, "code") == null
                        || text(body, "title") == null) {
                    throw new AssertionError("malformed problem details for " + status + " for " + describe(request)
                            + ": " + response.body());
                }
            }
        }
    }

    /** The PoP headers for this exact method, target and body, as a client with the live session sends them. */
    private static List<String[]> sign(ClientSession session, FuzzedRequest request) {
        SignedRequest signed;
        try {
            signed = SIGNER.sign(
                    session.sessionId(), session.popKey(), request.method(), request.target(), request.body());
        } catch (IllegalArgumentException unsignable) {
            return List.of();
        }
        List<String[]> headers = new ArrayList<>();
        for (Map.Entry<String, String> header : signed.headers().entrySet()) {
            headers.add(new String[] {header.getKey(), header.getValue()});
        }
        return headers;
    }

    private static boolean endedTheSession(FuzzedRequest request, RawHttp.Response response) throws IOException {
        if (!request.sign()) {
            return false;
        }
        if (response.status() == 204) {
            return true;
        }
        if (response.status() == 401) {
            JsonNode body = parse(response);
            String code = body == null ? null : text(body, "code");
            return "unknown_session".equals(code) || "expired_session".equals(code);
        }
        return false;
    }

    private static void remember(String exchange) {
        if (RECENT.size() == 8) {
            RECENT.removeFirst();
        }
        RECENT.addLast(exchange);
    }

    private static String recentExchanges() {
        return "the last exchanges, oldest first: " + String.join(" | ", RECENT);
    }

    private static String outcome(RawHttp.Response response) {
        if (response == null) {
            return "connection closed without an answer";
        }
        return response.status() + (response.closed() ? " (connection closed after it)" : "");
    }

    private static JsonNode parse(RawHttp.Response response) {
        try {
            JsonNode node = JSON.readTree(response.body());
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? value.asText() : null;
    }

    private static boolean isLoopback(String host) {
        return host.equals("127.0.0.1") || host.equals("localhost") || host.equals("::1");
    }

    private static String describe(FuzzedRequest request) {
        String target = request.target();
        return request.method() + " " + (target.length() > 120 ? target.substring(0, 120) + "..." : target);
    }
}
