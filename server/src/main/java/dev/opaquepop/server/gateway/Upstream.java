package dev.opaquepop.server.gateway;

import dev.opaquepop.server.GatewayConfig;
import dev.opaquepop.server.address.ClientAddresses;
import dev.opaquepop.server.api.ApiProblem;
import dev.opaquepop.server.api.ApiRequest;
import io.micrometer.core.instrument.Counter;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection to the upstream: Jetty's HTTP client (the server's own Jetty) over a pool of kept-alive HTTP/1.1
 * connections. It sends a new, well-formed request built from parsed values (method, target, filtered headers,
 * and the body the core already read and verified, with its exact length), never bytes copied off the client's
 * connection, so no framing a client chose (chunking, duplicate or conflicting lengths) can reach the upstream
 * connection.
 */
final class Upstream implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Upstream.class);

    private final URI base;
    private final HttpClient http;
    private final IdentityAssertions assertions;
    private final ClientAddresses addresses;
    private final Counter unreachable;
    private final Counter timedOut;
    private final GatewayConfig config;

    Upstream(
            GatewayConfig config,
            HttpClient http,
            IdentityAssertions assertions,
            ClientAddresses addresses,
            Counter unreachable,
            Counter timedOut) {
        this.config = config;
        this.base = config.upstream();
        this.http = http;
        this.assertions = assertions;
        this.addresses = addresses;
        this.unreachable = unreachable;
        this.timedOut = timedOut;
    }

    /**
     * A started client that adds nothing of its own to a forwarded request: no {@code User-Agent}, no {@code
     * Accept-Encoding} (the upstream's bytes pass through as they are, never decoded here), no default {@code
     * Content-Type}, and no redirects followed. {@code --upstream-timeout} also bounds silence: a connection on which
     * no byte moved for that long is closed, whether it idles in the pool or stalls in the middle of an answer (Jetty's
     * own default, 30 s, would otherwise apply whatever the option says).
     */
    static HttpClient client(GatewayConfig config) {
        HttpClient client = new HttpClient();
        client.setConnectTimeout(config.upstreamTimeout().toMillis());
        client.setIdleTimeout(config.upstreamTimeout().toMillis());
        client.setFollowRedirects(false);
        client.setUserAgentField(null);
        client.getContentDecoderFactories().clear();
        client.setDefaultRequestContentType(null);
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the upstream HTTP client", e);
        }
        return client;
    }

    /**
     * Sends the request upstream and returns its answer once the status and headers have arrived.
     *
     * @param headerNames the names of the request's headers, each once
     * @param user the verified user, or {@code null} for a public path (then no identity is asserted)
     * @param secure whether the client reached this server over TLS
     * @throws ApiProblem 400 for a target the upstream URL cannot carry, 502 unreachable, 504 too slow
     */
    Forwarded send(ApiRequest request, List<String> headerNames, String user, byte[] body, boolean secure)
            throws ApiProblem {
        URI uri;
        try {
            uri = URI.create(base + request.target());
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badRequest("the request target cannot be forwarded");
        }
        Request out = http.newRequest(uri)
                .method(request.method())
                // Silence within the exchange, including between the answer's bytes (the connection's own idle
                // timeout covers only the pooled, unused connection).
                .idleTimeout(config.upstreamTimeout().toMillis(), TimeUnit.MILLISECONDS);
        if (body.length > 0 || request.declaredLength() > 0) {
            out.body(new BytesRequestContent((String) null, body));
        }
        out.headers(headers -> {
            copyHeaders(request, headerNames, headers);
            forwardingHeaders(request, secure, headers);
            if (user != null) {
                headers.add("X-Forwarded-User", user);
                headers.add(IdentityAssertions.HEADER, assertions.sign(user, request.method(), request.target()));
            }
        });
        InputStreamResponseListener answer = new InputStreamResponseListener();
        out.send(answer);
        Response response;
        try {
            // Until the status and headers: the body then streams for as long as it takes.
            response = answer.get(config.upstreamTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            abort(out, e);
            throw timedOut(request);
        } catch (ExecutionException e) {
            // The connection's idle timeout (the same length) may fire before the wait above ends: still too slow.
            if (e.getCause() instanceof TimeoutException) {
                throw timedOut(request);
            }
            throw unreachable(request, e.getCause() != null ? e.getCause() : e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abort(out, e);
            throw unreachable(request, e);
        }
        HttpFields fields = response.getHeaders();
        return new Forwarded(
                response.getStatus(),
                fields.get(HttpHeader.CONTENT_TYPE),
                announcedLength(response.getStatus(), fields),
                answerHeaders(fields),
                answer.getInputStream());
    }

    /**
     * The body length the upstream announced, which the client is told in turn (so a download shows its size, and
     * an answer cut short cannot pass for whole), or {@code -1}: none, or one that cannot describe a body (an
     * answer to HEAD keeps it: it is the size of the GET's body, which the client is owed as well).
     */
    private static long announcedLength(int status, HttpFields fields) {
        if (status < 200 || status == 204 || status == 304) {
            return -1;
        }
        // Jetty's client refuses an answer whose lengths disagree or do not parse; should one pass, it is absent.
        try {
            return Math.max(-1, fields.getLongField(HttpHeader.CONTENT_LENGTH));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Gives up on an exchange; whether it was still running does not matter to the answer already chosen. */
    @SuppressWarnings("FutureReturnValueIgnored")
    private static void abort(Request exchange, Throwable why) {
        exchange.abort(why);
    }

    private ApiProblem timedOut(ApiRequest request) {
        timedOut.increment();
        LOG.warn(
                "upstream timeout method={} path={} timeout_s={}",
                request.method(),
                request.path(),
                config.upstreamTimeout().toSeconds());
        return new ApiProblem(504, "upstream_timeout", "The upstream did not answer in time", null);
    }

    private ApiProblem unreachable(ApiRequest request, Throwable e) {
        unreachable.increment();
        LOG.warn(
                "upstream unreachable method={} path={} upstream={} error={}",
                request.method(),
                request.path(),
                config.audience(),
                e.getClass().getSimpleName());
        return new ApiProblem(502, "upstream_unreachable", "The upstream could not be reached", null)
                .withHeader("Retry-After", "5");
    }

    private static void copyHeaders(ApiRequest request, List<String> headerNames, HttpFields.Mutable out) {
        Set<String> named = ForwardedHeaders.namedByConnection(request.headers("Connection"));
        for (String name : headerNames) {
            if (ForwardedHeaders.forwardRequestHeader(name, named)) {
                for (String value : request.headers(name)) {
                    out.add(name, value);
                }
            }
        }
    }

    /**
     * {@code X-Forwarded-For}: the client's address as the server's trusted-proxy rules determine it, one entry;
     * {@code -Proto} and {@code -Host}: what a trusted proxy in front said, else this hop's own scheme and Host.
     */
    private void forwardingHeaders(ApiRequest request, boolean secure, HttpFields.Mutable out) {
        boolean trustedPeer = addresses.trustsPeer(request.remoteAddress());
        out.add("X-Forwarded-For", addresses.resolve(request.remoteAddress(), request.headers("X-Forwarded-For")));
        String proto = trustedPeer ? request.header("X-Forwarded-Proto") : null;
        out.add(
                "X-Forwarded-Proto",
                "http".equals(proto) || "https".equals(proto) ? proto : (secure ? "https" : "http"));
        String host = trustedPeer && request.header("X-Forwarded-Host") != null
                ? request.header("X-Forwarded-Host")
                : request.header("Host");
        if (host != null) {
            out.add("X-Forwarded-Host", host);
        }
    }

    /** The answer's headers the client may see, by lower-case name, without {@code Content-Type} (sent apart). */
    private static Map<String, List<String>> answerHeaders(HttpFields headers) {
        Set<String> named = ForwardedHeaders.namedByConnection(headers.getValuesList(HttpHeader.CONNECTION));
        Map<String, List<String>> kept = new LinkedHashMap<>();
        for (HttpField field : headers) {
            String name = ForwardedHeaders.lowerCase(field.getName());
            if (!name.equals("content-type") && ForwardedHeaders.forwardResponseHeader(name, named)) {
                kept.computeIfAbsent(name, n -> new java.util.ArrayList<>(1)).add(field.getValue());
            }
        }
        return kept;
    }

    @Override
    public void close() {
        try {
            http.stop();
        } catch (Exception e) {
            LOG.warn("stopping the upstream HTTP client failed: {}", e.toString());
        }
    }
}
