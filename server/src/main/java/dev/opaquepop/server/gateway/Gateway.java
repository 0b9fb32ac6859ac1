package dev.opaquepop.server.gateway;

import dev.opaquepop.server.CoreConfig;
import dev.opaquepop.server.GatewayConfig;
import dev.opaquepop.server.Metrics;
import dev.opaquepop.server.address.ClientAddresses;
import dev.opaquepop.server.api.ApiProblem;
import dev.opaquepop.server.api.ApiRequest;
import dev.opaquepop.server.api.ApiResponse;
import dev.opaquepop.server.api.ProtocolApi;
import dev.opaquepop.server.api.Verified;
import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.client.HttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code opaque-pop server --upstream URL}: an authenticating reverse proxy. The protocol's own endpoints, health,
 * metrics and the gateway's public key are served here; every other request is PoP-verified by the core ({@link
 * ProtocolApi#verify}, the same check as every other adapter's, with no rule of its own here), unless its path is
 * public, and then forwarded to the upstream by {@link Upstream}, with the user named in {@code X-Forwarded-User}
 * and in a signed assertion ({@link IdentityAssertions}). A refused request never reaches the upstream.
 */
public final class Gateway implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
    /** Where the gateway's public key set is served. */
    public static final String JWKS_PATH = "/.well-known/jwks.json";

    private final GatewayConfig config;
    private final ProtocolApi api;
    private final Set<String> localPaths;
    private final Upstream upstream;
    private final String jwks;

    private Gateway(GatewayConfig config, ProtocolApi api, Set<String> localPaths, Upstream upstream, String jwks) {
        this.config = config;
        this.api = api;
        this.localPaths = localPaths;
        this.upstream = upstream;
        this.jwks = jwks;
    }

    /**
     * Loads (or creates) the signing key and prepares the connection pool to the upstream.
     *
     * @param localPaths the paths the server answers itself besides the protocol's (health, metrics)
     */
    public static Gateway open(
            GatewayConfig config, CoreConfig core, ProtocolApi api, Metrics metrics, Set<String> localPaths)
            throws IOException {
        GatewayKey key = GatewayKey.loadOrCreate(config.keyFile(), core.random());
        IdentityAssertions assertions = new IdentityAssertions(key, config.audience(), core.clock(), core.random());
        HttpClient http = Upstream.client(config);
        Upstream upstream = new Upstream(
                config,
                http,
                assertions,
                ClientAddresses.trusting(core.trustedProxies()),
                Counter.builder("opaque_pop_gateway_upstream_failures")
                        .tag("reason", "unreachable")
                        .description("forwarded requests answered 502: the upstream could not be reached")
                        .register(metrics.registry()),
                Counter.builder("opaque_pop_gateway_upstream_failures")
                        .tag("reason", "timeout")
                        .description("forwarded requests answered 504: the upstream did not answer in time")
                        .register(metrics.registry()));
        LOG.info(
                "gateway upstream={} audience={} public_paths={} upstream_timeout_s={} gateway_key_id={} key_file={}",
                config.upstream(),
                config.audience(),
                config.publicPaths(),
                config.upstreamTimeout().toSeconds(),
                key.keyId(),
                config.keyFile());
        Set<String> local = new HashSet<>(localPaths);
        local.add(JWKS_PATH);
        return new Gateway(config, api, Set.copyOf(local), upstream, key.publicJwkSet());
    }

    /** True when the request for {@code path} (as sent, no query) goes upstream; false: the server answers it. */
    public boolean forwards(String path) {
        return !localPaths.contains(path) && !api.isProtocolPath(path);
    }

    /** The public key set at {@link #JWKS_PATH}; caches may keep it a while (it changes only with the key file). */
    public ApiResponse jwks() {
        return ApiResponse.of(200, Map.of(), "application/jwk-set+json", jwks.getBytes(StandardCharsets.UTF_8))
                .withHeader("Cache-Control", "public, max-age=300");
    }

    /**
     * Verifies the request (unless {@code decodedPath} is public) and forwards it.
     *
     * @param headerNames the names of the request's headers, each once
     * @param decodedPath the path percent-decoded and normalised by the server, which public paths are matched on
     * @throws ApiProblem the answer for a refused request (it went nowhere), or 502, 504 for an upstream failure
     */
    public Forwarded forward(ApiRequest request, List<String> headerNames, String decodedPath, boolean secure)
            throws ApiProblem {
        boolean isPublic = config.publicPaths().matches(decodedPath)
                && config.publicPaths().matches(request.path());
        Verified verified = isPublic ? null : api.verify(request);
        byte[] body = verified != null ? verified.body() : api.bodies().bytes(request);
        return upstream.send(request, headerNames, verified == null ? null : verified.username(), body, secure);
    }

    @Override
    public void close() {
        upstream.close();
    }
}
