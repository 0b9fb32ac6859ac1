package dev.opaquepop.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLException;

/**
 * One server's HTTP exchanges, unsigned: builds requests below the base URI with the time limit, sends them, and
 * turns transport failures into the client's error codes (a TLS failure is {@code tls_error}, with the JDK's
 * reason, which names no secret).
 */
final class Exchange implements AutoCloseable {
    static final String JSON = "application/json";

    private final URI baseUri;
    private final HttpClient http;
    private final boolean ownsHttp;
    private final Duration requestTimeout;

    /** {@code http} {@code null}: a client of its own, closed with this one, that never follows a redirect. */
    Exchange(URI baseUri, HttpClient http, Duration requestTimeout) {
        this.baseUri = baseUri;
        this.ownsHttp = http == null;
        this.http = ownsHttp
                ? HttpClient.newBuilder()
                        .connectTimeout(requestTimeout)
                        // A redirect would send a signed request somewhere its target was not signed for.
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .build()
                : http;
        this.requestTimeout = requestTimeout;
    }

    URI baseUri() {
        return baseUri;
    }

    Duration requestTimeout() {
        return requestTimeout;
    }

    /** {@code POST path} with a JSON object body; the answer's JSON, or the server's problem as an exception. */
    JsonNode postJson(String path, Map<String, String> body) throws OpaquePopClientException {
        return Responses.json(send(jsonPost(path, body)));
    }

    HttpRequest jsonPost(String path, Map<String, String> body) {
        return request(path)
                .header("Content-Type", JSON)
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.write(body)))
                .build();
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(RequestTarget.resolve(baseUri, path))
                .timeout(requestTimeout)
                .header("Accept", JSON);
    }

    HttpResponse<byte[]> send(HttpRequest request) throws OpaquePopClientException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            SSLException tls = tlsFailure(e);
            if (tls != null) {
                // The JDK's reason (untrusted certificate, name mismatch, no common protocol) names no secret.
                throw new OpaquePopClientException(
                        0,
                        OpaquePopClientException.TLS_ERROR,
                        "TLS handshake with " + baseUri + " failed: " + tls.getMessage(),
                        e);
            }
            throw new OpaquePopClientException(
                    0, OpaquePopClientException.NETWORK_ERROR, "no answer from " + baseUri, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OpaquePopClientException(0, OpaquePopClientException.INTERRUPTED, "interrupted", e);
        }
    }

    private static SSLException tlsFailure(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SSLException tls) {
                return tls;
            }
        }
        return null;
    }

    /** Closes the HTTP client if this exchange created it. */
    @Override
    public void close() {
        if (ownsHttp) {
            http.close();
        }
    }
}
