package dev.opaquepop.client;

import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code GET /.well-known/opaque-pop}, checked before anything derived from a password is computed or sent: the
 * KSF against the {@link KsfPolicy}, the key against a pinned key or what {@link KnownServers} stored at the first
 * contact. Fails closed: without a document there are no defaults.
 */
final class Discovery {
    private final Exchange exchange;
    private final KsfPolicy ksfPolicy;
    private final boolean ksfChosenByCaller;
    private final ServerTrust trust;
    // Only a document that passed every check is cached: after a failure the next call asks again.
    private final AtomicReference<ServerInfo> checked = new AtomicReference<>();

    Discovery(Exchange exchange, KsfPolicy ksfPolicy, boolean ksfChosenByCaller, ServerTrust trust) {
        this.exchange = exchange;
        this.ksfPolicy = ksfPolicy;
        this.ksfChosenByCaller = ksfChosenByCaller;
        this.trust = trust;
    }

    /** See {@link OpaquePopClient#serverInfo()}. */
    ServerInfo serverInfo() throws OpaquePopClientException {
        ServerInfo cached = checked.get();
        if (cached != null) {
            return cached;
        }
        ServerInfo info = discover();
        if (!ksfChosenByCaller) {
            ksfPolicy.check(info.ksf());
        }
        trust.check(info);
        checked.compareAndSet(null, info);
        return info;
    }

    private ServerInfo discover() throws OpaquePopClientException {
        HttpResponse<byte[]> response;
        try {
            response = exchange.send(
                    exchange.request("/.well-known/opaque-pop").GET().build());
        } catch (OpaquePopClientException e) {
            if (e.code().equals(OpaquePopClientException.INTERRUPTED)
                    || e.code().equals(OpaquePopClientException.TLS_ERROR)) {
                throw e;
            }
            throw new OpaquePopClientException(
                    0,
                    OpaquePopClientException.DISCOVERY_FAILED,
                    "no answer to /.well-known/opaque-pop from " + exchange.baseUri()
                            + ", so its key and KSF are unknown",
                    e);
        }
        if (response.statusCode() != 200) {
            throw new OpaquePopClientException(
                    response.statusCode(),
                    OpaquePopClientException.DISCOVERY_FAILED,
                    exchange.baseUri() + " does not serve /.well-known/opaque-pop, so its key and KSF are unknown");
        }
        return ServerInfo.parse(response.body());
    }
}
