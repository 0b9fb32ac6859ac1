package dev.opaquepop.server.gateway;

import dev.opaquepop.server.GatewayConfig;
import dev.opaquepop.server.address.ClientAddresses;
import dev.opaquepop.server.api.ApiProblem;
import dev.opaquepop.server.api.ApiRequest;
import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection to the upstream: the JDK's HTTP client over a pool of kept-alive HTTP/1.1 connections. It sends
 * a new, well-formed request built from parsed values (method, target, filtered headers, and the body the core
 * already read and verified, with its exact length), never bytes copied off the client's connection, so no
 * framing a client chose (chunking, duplicate or conflicting lengths) can reach the upstream connection.
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
        HttpRequest.Builder out = HttpRequest.newBuilder(uri)
                .timeout(config.upstreamTimeout())
                .method(
                        request.method(),
                        body.length == 0 && request.declaredLength() <= 0
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
        copyHeaders(request, headerNames, out);
        forwardingHeaders(request, secure, out);
        if (user != null) {
            out.header("X-Forwarded-User", user);
            out.header(IdentityAssertions.HEADER, assertions.sign(user, request.method(), request.target()));
        }
        HttpResponse<InputStream> response;
        try {
            response = http.send(out.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpConnectTimeoutException e) {
            throw unreachable(request, e);
        } catch (HttpTimeoutException e) {
            timedOut.increment();
            LOG.warn(
                    "upstream timeout method={} path={} timeout_s={}",
                    request.method(),
                    request.path(),
                    config.upstreamTimeout().toSeconds());
            throw new ApiProblem(504, "upstream_timeout", "The upstream did not answer in time", null);
        } catch (IOException e) {
            throw unreachable(request, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable(request, e);
        }
        Map<String, List<String>> headers = answerHeaders(response.headers());
        headers.remove("content-type");
        return new Forwarded(
                response.statusCode(),
                response.headers().firstValue("Content-Type").orElse(null),
                headers,
                response.body());
    }

    private ApiProblem unreachable(ApiRequest request, Exception e) {
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

    private static void copyHeaders(ApiRequest request, List<String> headerNames, HttpRequest.Builder out) {
        Set<String> named = ForwardedHeaders.namedByConnection(request.headers("Connection"));
        for (String name : headerNames) {
            if (ForwardedHeaders.forwardRequestHeader(name, named)) {
                for (String value : request.headers(name)) {
                    out.header(name, value);
                }
            }
        }
    }

    /**
     * {@code X-Forwarded-For}: the client's address as the server's trusted-proxy rules determine it, one entry;
     * {@code -Proto} and {@code -Host}: what a trusted proxy in front said, else this hop's own scheme and Host.
     */
    private void forwardingHeaders(ApiRequest request, boolean secure, HttpRequest.Builder out) {
        boolean trustedPeer = addresses.trustsPeer(request.remoteAddress());
        out.header("X-Forwarded-For", addresses.resolve(request.remoteAddress(), request.headers("X-Forwarded-For")));
        String proto = trustedPeer ? request.header("X-Forwarded-Proto") : null;
        out.header(
                "X-Forwarded-Proto",
                "http".equals(proto) || "https".equals(proto) ? proto : (secure ? "https" : "http"));
        String host = trustedPeer && request.header("X-Forwarded-Host") != null
                ? request.header("X-Forwarded-Host")
                : request.header("Host");
        if (host != null) {
            out.header("X-Forwarded-Host", host);
        }
    }

    private static Map<String, List<String>> answerHeaders(HttpHeaders headers) {
        Set<String> named = ForwardedHeaders.namedByConnection(headers.allValues("Connection"));
        Map<String, List<String>> kept = new LinkedHashMap<>();
        headers.map().forEach((name, values) -> {
            if (ForwardedHeaders.forwardResponseHeader(name, named)) {
                kept.put(ForwardedHeaders.lowerCase(name), values);
            }
        });
        return kept;
    }

    @Override
    public void close() {
        http.close();
    }
}
