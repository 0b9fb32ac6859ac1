package dev.opaquepop.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.opaquepop.server.Metrics;
import dev.opaquepop.server.ProtocolCore;
import dev.opaquepop.server.ServerConfig;
import dev.opaquepop.server.api.ApiProblem;
import dev.opaquepop.server.api.ApiRequest;
import dev.opaquepop.server.api.ApiResponse;
import dev.opaquepop.server.api.ProtocolApi;
import dev.opaquepop.server.api.Route;
import dev.opaquepop.server.api.ServletApi;
import dev.opaquepop.server.api.Verified;
import dev.opaquepop.server.demo.DemoBank;
import dev.opaquepop.server.gateway.Forwarded;
import dev.opaquepop.server.gateway.Gateway;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.router.Endpoint;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The stand-alone server's HTTP face: Javalin carries requests to the {@link ProtocolApi}, which holds every rule
 * of the protocol, and its answers back. Besides the protocol's endpoints it serves health, metrics, the OpenAPI
 * document, the optional web page, and its own small application, the {@link DemoBank} ({@code /api/transfer},
 * {@code /api/transfers}, {@code /api/me}), protected by PoP like any application's endpoints.
 */
final class HttpApi {
    /**
     * One line per request: refused and failed ones (status 400 and up) at INFO, answered ones at DEBUG, so that
     * by default the log holds what an operator or an incident needs (every 4xx and 5xx, and the events handlers
     * log: registrations, logins, transfers, logouts) without a synchronous write for each of thousands of
     * signed calls a second, which cost more server CPU than verifying them (BENCHMARKS.md). {@code
     * OPAQUE_POP_ACCESS_LOG_LEVEL=DEBUG} logs every request.
     */
    private static final Logger ACCESS = LoggerFactory.getLogger("dev.opaquepop.server.access");

    private static final String VERIFIED_ATTRIBUTE = "opaque-pop.verified";
    private static final String STARTED_ATTRIBUTE = "opaque-pop.started";
    private static final String FORWARDED_ATTRIBUTE = "opaque-pop.forwarded";

    private final ServerConfig config;
    private final ProtocolApi api;
    private final Metrics metrics;
    private final ObjectMapper json = new ObjectMapper();
    private final byte[] openApi;
    private final WebPage webPage;
    private final Gateway gateway;
    /** The server's own application; a gateway serves its upstream's instead. */
    private final DemoBank bank;

    private HttpApi(ProtocolCore core, ServerConfig config) throws IOException {
        this.config = config;
        this.api = ProtocolApi.over(core);
        this.metrics = core.metrics();
        this.openApi = loadOpenApi();
        this.webPage = config.web() ? WebPage.load() : null;
        this.gateway = config.gateway().isPresent() ? openGateway(config, api, metrics) : null;
        this.bank = gateway == null ? DemoBank.over(core, api.bodies()) : null;
    }

    /**
     * Builds (does not start) the Javalin app; with {@code --upstream} it is a gateway (docs/gateway.md), whose
     * connection pool closes when the app stops.
     */
    static Javalin create(ProtocolCore core, ServerConfig config) throws IOException {
        HttpApi http = new HttpApi(core, config);
        return Javalin.create(http::configure);
    }

    /** The gateway, answering health and metrics here like the protocol's endpoints. */
    private static Gateway openGateway(ServerConfig config, ProtocolApi api, Metrics metrics) throws IOException {
        Set<String> local = new TreeSet<>(List.of("/healthz", "/healthz/ready", "/healthz/live"));
        if (!config.metricsOnSeparatePort()) {
            local.add("/metrics");
        }
        return Gateway.open(config.gateway().orElseThrow(), config.core(), api, metrics, local);
    }

    private void configure(JavalinConfig javalin) {
        javalin.concurrency.useVirtualThreads = true;
        javalin.http.maxRequestSize = config.core().maxBodyBytes();
        javalin.http.prefer405over404 = true;
        javalin.startup.showJavalinBanner = false;
        Transport.configure(javalin, config, metrics);

        javalin.routes.before(ctx -> ctx.attribute(STARTED_ATTRIBUTE, System.nanoTime()));
        // Javalin routes by X-HTTP-Method-Override: refused before it can pick a handler the method was not for.
        javalin.routes.before(ctx -> ProtocolApi.refuseMethodOverride(request(ctx)));
        if (gateway != null) {
            // First: what the gateway forwards is verified there and never routed here.
            javalin.routes.before(this::forwardUpstream);
            javalin.routes.get(Gateway.JWKS_PATH, ctx -> write(ctx, gateway.jwks()));
            javalin.events.serverStopped(gateway::close);
        }
        // Every signed path, the protocol's and the bank's alike, is verified before routing: an unsigned request
        // learns nothing, not even which methods a path has.
        javalin.routes.before("/api/*", this::requirePop);
        javalin.routes.before("/logout", this::requirePop);

        javalin.routes.get("/healthz", ctx -> write(ctx, api.readiness()));
        javalin.routes.get("/healthz/ready", ctx -> write(ctx, api.readiness()));
        javalin.routes.get(
                "/healthz/live", ctx -> ctx.json(json.createObjectNode().put("status", "ok")));
        if (gateway == null) {
            // It describes the demo bank, which a gateway does not serve (its upstream may have its own).
            javalin.routes.get(
                    "/openapi.yaml", ctx -> ctx.contentType("application/yaml").result(openApi));
        }
        if (!config.metricsOnSeparatePort()) {
            javalin.routes.get(
                    "/metrics",
                    ctx -> ctx.contentType("text/plain; version=0.0.4").result(metrics.scrape()));
        }
        if (webPage != null) {
            webPage.register(javalin);
        }
        for (Route route : api.routes()) {
            javalin.routes.addHttpHandler(HandlerType.findOrCreate(route.method()), route.pattern(), ctx -> {
                String parameter = route.parameterName() == null ? null : ctx.pathParam(route.parameterName());
                write(ctx, api.serve(route, request(ctx), ctx.attribute(VERIFIED_ATTRIBUTE), parameter));
            });
        }
        if (bank != null) {
            javalin.routes.post("/api/transfer", ctx -> bank.transfer(ctx, verified(ctx)));
            javalin.routes.get("/api/transfers", ctx -> bank.transfers(ctx, verified(ctx)));
            javalin.routes.get("/api/me", ctx -> bank.me(ctx, verified(ctx)));
        }

        javalin.routes.exception(ApiProblem.class, (e, ctx) -> write(ctx, e.response()));
        javalin.routes.exception(HttpResponseException.class, (e, ctx) -> write(ctx, fromJavalin(e)));
        javalin.routes.exception(Exception.class, (e, ctx) -> write(ctx, api.failure(e, ctx.path())));
        javalin.routes.after(this::finish);
    }

    private static ApiRequest request(Context ctx) {
        return ServletApi.request(ctx.req(), "");
    }

    private void requirePop(Context ctx) throws ApiProblem {
        ctx.attribute(VERIFIED_ATTRIBUTE, api.verify(request(ctx)));
    }

    // ---- the gateway

    /** Sends a request the server does not answer itself upstream, and the upstream's answer back as it comes. */
    private void forwardUpstream(Context ctx) throws ApiProblem, IOException {
        if (!gateway.forwards(ctx.path())) {
            return;
        }
        Forwarded answer = gateway.forward(
                request(ctx), headerNames(ctx), decodedPath(ctx), ctx.req().isSecure());
        ctx.attribute(FORWARDED_ATTRIBUTE, true);
        ctx.status(answer.status());
        if (answer.contentType() != null) {
            ctx.contentType(answer.contentType());
        }
        if (answer.contentLength() >= 0) {
            ctx.res().setContentLengthLong(answer.contentLength());
        }
        answer.headers().forEach((name, values) -> {
            for (int i = 0; i < values.size(); i++) {
                if (i == 0) {
                    ctx.res().setHeader(name, values.get(i));
                } else {
                    ctx.res().addHeader(name, values.get(i));
                }
            }
        });
        // Skipping the rest skips the after-handlers too: count and log here, with the time to the upstream's
        // headers (the body streams on after).
        finish(ctx);
        ctx.skipRemainingHandlers();
        AnswerRelay.relay(ctx.req(), ctx.res(), answer.body(), answer.contentLength());
    }

    /** Each header name once (names are case-insensitive). */
    private static List<String> headerNames(Context ctx) {
        Set<String> seen = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        List<String> names = new ArrayList<>();
        for (String name : Collections.list(ctx.req().getHeaderNames())) {
            if (seen.add(name)) {
                names.add(name);
            }
        }
        return names;
    }

    /** The path as Jetty decoded and normalised it, which public-path patterns are matched on. */
    private static String decodedPath(Context ctx) throws ApiProblem {
        try {
            return ctx.req().getServletPath() + Objects.toString(ctx.req().getPathInfo(), "");
        } catch (IllegalArgumentException e) {
            // Jetty's answer for an ambiguous encoding (%2e%2e, %2f): which path is meant depends on who decodes.
            throw ApiProblem.badRequest("the request path is ambiguously encoded");
        }
    }

    private static Verified verified(Context ctx) {
        Verified verified = ctx.attribute(VERIFIED_ATTRIBUTE);
        if (verified == null) {
            throw new IllegalStateException("PoP filter did not run for " + ctx.path());
        }
        return verified;
    }

    // ---- answers

    private static void write(Context ctx, ApiResponse response) {
        ctx.status(response.status());
        for (Map.Entry<String, String> header : response.headers().entrySet()) {
            ctx.header(header.getKey(), header.getValue());
        }
        if (response.contentType() != null) {
            ctx.contentType(response.contentType());
        }
        if (response.bodyLength() > 0) {
            ctx.result(response.body());
        }
    }

    private static ApiResponse fromJavalin(HttpResponseException e) {
        int status = e.getStatus();
        ApiProblem problem = switch (status) {
            case 404 -> ProtocolApi.notFound();
            case 405 -> ProtocolApi.methodNotAllowed();
            case 413 -> new ApiProblem(413, "payload_too_large", "The request body is too large", null);
            default -> new ApiProblem(status, status >= 500 ? "server_error" : "bad_request", "Request failed", null);
        };
        return problem.response();
    }

    private void finish(Context ctx) {
        // The headers of every core answer, on whatever answered; the web page keeps its own policy, and the
        // upstream's answers theirs.
        boolean forwarded = ctx.attribute(FORWARDED_ATTRIBUTE) != null;
        boolean page = ctx.attribute(WebPage.OWN_POLICY_ATTRIBUTE) != null;
        ApiResponse.SECURITY_HEADERS.forEach((name, value) -> {
            if (!forwarded && (!page || !name.equals(WebPage.CSP_HEADER))) {
                ctx.header(name, value);
            }
        });
        Long started = ctx.attribute(STARTED_ATTRIBUTE);
        Duration elapsed = Duration.ofNanos(started == null ? 0 : System.nanoTime() - started);
        String route = forwarded ? "upstream" : routeOf(ctx);
        metrics.request(ctx.method().name(), route, ctx.statusCode(), elapsed);
        ACCESS.atLevel(ctx.statusCode() >= 400 ? Level.INFO : Level.DEBUG)
                .log(
                        "request method={} path={} status={} ms={}",
                        ctx.method().name(),
                        ctx.path(),
                        ctx.statusCode(),
                        elapsed.toMillis());
    }

    /** The matched route pattern (a bounded set of metric labels), or "unmatched" for requests no route took. */
    private static String routeOf(Context ctx) {
        if (ctx.statusCode() == 404 || ctx.statusCode() == 405) {
            return "unmatched";
        }
        // Not ctx.endpoint(): in an after-handler that is the after-handler itself, whose path is "*".
        try {
            Endpoint matched = ctx.endpoints().lastHttpEndpoint();
            return matched == null ? "unmatched" : matched.path;
        } catch (RuntimeException e) {
            return "unmatched";
        }
    }

    private static byte[] loadOpenApi() {
        try (InputStream in = HttpApi.class.getResourceAsStream("/openapi.yaml")) {
            if (in == null) {
                throw new IllegalStateException("openapi.yaml is missing from the server jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
