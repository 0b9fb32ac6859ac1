package dev.opaquepop.server.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opaquepop.pop.IncomingRequest;
import dev.opaquepop.pop.PopFailure;
import dev.opaquepop.pop.PopHeaders;
import dev.opaquepop.pop.PopVerificationException;
import dev.opaquepop.server.ProtocolCore;
import dev.opaquepop.server.Readiness;
import dev.opaquepop.server.Services;
import dev.opaquepop.server.address.ClientAddresses;
import dev.opaquepop.server.limit.CallLimitedException;
import dev.opaquepop.server.limit.RateLimitedException;
import dev.opaquepop.server.store.Session;
import java.util.List;
import java.util.Optional;

/**
 * The protocol as plain request and response values: every rule of it lives here, and an HTTP framework only
 * carries requests in and answers out (the stand-alone server, the Spring integration, the gateway).
 *
 * <ul>
 *   <li>{@link #handle} answers the protocol's own endpoints ({@link #routes()}), PoP-verifying the signed ones
 *       first, then matching the method (405 for another), as the stand-alone server always has;
 *   <li>{@link #verify} checks an application request's PoP signature and spends its nonce;
 *   <li>{@link #failure} is the answer for whatever an application request threw.
 * </ul>
 */
public final class ProtocolApi {
    private static final List<String> POP_HEADERS =
            List.of(PopHeaders.AUTHORIZATION, PopHeaders.TIMESTAMP, PopHeaders.NONCE, PopHeaders.POP);

    private final Services services;
    private final RequestBodies bodies;
    private final ProtocolEndpoints endpoints;
    private final List<Route> routes;
    private final Failures failures;
    /** Headers with which some frameworks let a request name the method it is to be handled as. */
    private static final List<String> METHOD_OVERRIDE_HEADERS =
            List.of("X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override");

    private final ObjectMapper json = new ObjectMapper();

    private ProtocolApi(Services services) {
        this.services = services;
        this.bodies = new RequestBodies(services.config().maxBodyBytes());
        this.endpoints = new ProtocolEndpoints(
                services, bodies, ClientAddresses.trusting(services.config().trustedProxies()));
        this.routes = endpoints.routes();
        this.failures = new Failures(services.metrics());
    }

    /** The protocol over an open core; adapters share one (its 503 log is throttled across requests). */
    public static ProtocolApi over(ProtocolCore core) {
        return new ProtocolApi(core.services());
    }

    /** The protocol's own endpoints, for an adapter that routes them itself (then {@link #serve} answers each). */
    public List<Route> routes() {
        return routes;
    }

    /** Reads bodies within {@code --max-body-bytes} and their JSON fields, as the protocol's endpoints do. */
    public RequestBodies bodies() {
        return bodies;
    }

    /** True when {@code path} is one of the protocol's own endpoints, whatever the method. */
    public boolean isProtocolPath(String path) {
        return routes.stream().anyMatch(route -> route.match(path) != null);
    }

    /**
     * The answer when the request is for one of the protocol's endpoints, else empty (the request is the
     * application's). Never throws: every failure is answered as the stand-alone server answers it.
     */
    public Optional<ApiResponse> handle(ApiRequest request) {
        List<Route> matching = routes.stream()
                .filter(route -> route.match(request.path()) != null)
                .toList();
        if (matching.isEmpty()) {
            return Optional.empty();
        }
        try {
            refuseMethodOverride(request);
            Verified verified = matching.get(0).signed() ? verify(request) : null;
            for (Route route : matching) {
                if (route.method().equals(request.method())) {
                    return Optional.of(serve(route, request, verified, route.match(request.path())));
                }
            }
            return Optional.of(methodNotAllowed().response());
        } catch (ApiProblem | RuntimeException e) {
            return Optional.of(failure(e, request.path()));
        }
    }

    /**
     * Answers one route's request; {@code verified} is required when the route is {@link Route#signed()}. Never
     * throws.
     */
    public ApiResponse serve(Route route, ApiRequest request, Verified verified, String parameter) {
        if (route.signed() && verified == null) {
            throw new IllegalStateException("PoP verification did not run for " + route.pattern());
        }
        try {
            return route.handler().handle(request, verified, parameter);
        } catch (Exception e) {
            return failure(e, request.path());
        }
    }

    /**
     * Verifies an application request's PoP signature, as the stand-alone server does for {@code /api/*}: each PoP
     * header exactly once, the body within the limit and hashed as signed, the session live, the timestamp in the
     * window, the nonce unseen (and now spent), then the signed-call limits of the user.
     *
     * @throws ApiProblem the complete answer for a refused request (401 with {@code WWW-Authenticate: PoP}, 413,
     *     429)
     */
    public Verified verify(ApiRequest request) throws ApiProblem {
        refuseMethodOverride(request);
        if (anyRepeated(request)) {
            // Which copy would count? This server would take the first, another hop maybe the last: refuse both.
            services.metrics().popRejected(PopFailure.MALFORMED_CREDENTIALS.code());
            throw ApiProblem.unauthorized(
                    PopFailure.MALFORMED_CREDENTIALS.code(),
                    PopFailure.MALFORMED_CREDENTIALS.title(),
                    "each PoP header must be sent exactly once");
        }
        byte[] body = bodies.bytes(request);
        IncomingRequest incoming = IncomingRequest.of(
                request.method(),
                request.target(),
                request.header(PopHeaders.AUTHORIZATION),
                request.header(PopHeaders.TIMESTAMP),
                request.header(PopHeaders.NONCE),
                request.header(PopHeaders.POP),
                body);
        try {
            Session session = services.sessions().authenticate(incoming, endpoints.clientAddress(request));
            // After the PoP checks, so only the user's own signed calls count (the session's counts are taken with
            // its nonce, inside authenticate).
            services.limits().signedCall(session.username());
            return new Verified(session, incoming.nonce(), body);
        } catch (PopVerificationException e) {
            services.metrics().popRejected(e.failure().code());
            throw ApiProblem.unauthorized(e.failure());
        } catch (RateLimitedException e) {
            throw failures.rateLimited(e);
        } catch (CallLimitedException e) {
            throw failures.rateLimited(e.refusal());
        }
    }

    /** The answer for whatever serving an application request threw ({@code path} goes to the log of a 500). */
    public ApiResponse failure(Exception e, String path) {
        return failures.answer(e, path);
    }

    /**
     * The readiness report as JSON: 200 when every dependency answers, else 503 with {@code Retry-After}; either
     * way, each dependency's state.
     */
    public ApiResponse readiness() {
        Readiness.Report report = services.readiness().check();
        ObjectNode body = json.createObjectNode();
        body.put("status", report.ready() ? "ok" : "unavailable");
        ObjectNode checks = body.putObject("checks");
        for (Readiness.Check check : report.checks()) {
            checks.putObject(check.role()).put("backend", check.backend()).put("status", check.up() ? "up" : "down");
        }
        return report.ready()
                ? ApiResponse.json(200, body)
                : ApiResponse.json(503, body).withHeader("Retry-After", "5");
    }

    /**
     * Refuses a request that asks to be handled as another method than the one it was sent (and signed) with:
     * {@code X-HTTP-Method-Override} and its kin. Some frameworks honour them (Javalin routes by it; an upstream
     * behind the gateway may too), which would run a signed {@code GET} as an unsigned {@code DELETE}.
     *
     * @throws ApiProblem 400 {@code method_override}
     */
    public static void refuseMethodOverride(ApiRequest request) throws ApiProblem {
        for (String name : METHOD_OVERRIDE_HEADERS) {
            if (!request.headers(name).isEmpty()) {
                throw new ApiProblem(
                        400,
                        "method_override",
                        "Method override headers are not accepted",
                        "send the request with the method it is meant to have");
            }
        }
    }

    /** The answer for a protocol endpoint asked with another method. */
    public static ApiProblem methodNotAllowed() {
        return new ApiProblem(405, "method_not_allowed", "Method not allowed on this endpoint", null);
    }

    /** The answer for a path nothing serves. */
    public static ApiProblem notFound() {
        return new ApiProblem(404, "not_found", "No such endpoint", null);
    }

    private static boolean anyRepeated(ApiRequest request) {
        for (String name : POP_HEADERS) {
            if (request.headers(name).size() > 1) {
                return true;
            }
        }
        return false;
    }
}
