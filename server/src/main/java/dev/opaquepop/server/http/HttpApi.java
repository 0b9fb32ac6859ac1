package dev.opaquepop.server.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opaquepop.opaque.InvalidMessageException;
import dev.opaquepop.opaque.Ke1;
import dev.opaquepop.opaque.Ke3;
import dev.opaquepop.opaque.OpaqueException;
import dev.opaquepop.opaque.RegistrationRecord;
import dev.opaquepop.opaque.RegistrationRequest;
import dev.opaquepop.pop.IncomingRequest;
import dev.opaquepop.pop.LoginPurpose;
import dev.opaquepop.pop.PopFailure;
import dev.opaquepop.pop.PopHeaders;
import dev.opaquepop.pop.PopVerificationException;
import dev.opaquepop.server.Metrics;
import dev.opaquepop.server.Readiness;
import dev.opaquepop.server.Services;
import dev.opaquepop.server.address.ClientAddresses;
import dev.opaquepop.server.limit.CallLimitedException;
import dev.opaquepop.server.limit.RateLimitedException;
import dev.opaquepop.server.service.Amounts;
import dev.opaquepop.server.service.AuthenticationFailedException;
import dev.opaquepop.server.service.InvalidInputException;
import dev.opaquepop.server.service.LoginService;
import dev.opaquepop.server.service.LoginStarted;
import dev.opaquepop.server.service.ReauthenticationRequiredException;
import dev.opaquepop.server.service.RegistrationEndedException;
import dev.opaquepop.server.service.ReplayedRequestException;
import dev.opaquepop.server.service.SessionService;
import dev.opaquepop.server.service.TooManyPendingLoginsException;
import dev.opaquepop.server.service.UsernameTakenException;
import dev.opaquepop.server.service.Usernames;
import dev.opaquepop.server.store.CapacityExceededException;
import dev.opaquepop.server.store.Session;
import dev.opaquepop.server.store.SessionIds;
import dev.opaquepop.server.store.StoreException;
import dev.opaquepop.server.store.Transfer;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Base64;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The HTTP face of the services: parses and validates requests, maps outcomes to status codes and problem
 * details, verifies PoP on protected routes. Holds no protocol logic of its own.
 */
public final class HttpApi {
    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
    /**
     * One line per request: refused and failed ones (status 400 and up) at INFO, answered ones at DEBUG, so that
     * by default the log holds what an operator or an incident needs (every 4xx and 5xx, and the events handlers
     * log: registrations, logins, transfers, logouts) without a synchronous write for each of thousands of
     * signed calls a second, which cost more server CPU than verifying them (BENCHMARKS.md). {@code
     * OPAQUE_POP_ACCESS_LOG_LEVEL=DEBUG} logs every request.
     */
    private static final Logger ACCESS = LoggerFactory.getLogger("dev.opaquepop.server.access");

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final String SESSION_ATTRIBUTE = "opaque-pop.session";
    private static final String NONCE_ATTRIBUTE = "opaque-pop.nonce";
    private static final String STARTED_ATTRIBUTE = "opaque-pop.started";
    private static final String RETRY_AFTER_SECONDS = "5";
    private static final long UNAVAILABLE_LOG_INTERVAL_NANOS =
            Duration.ofSeconds(1).toNanos();

    private final Services services;
    private static final List<String> POP_HEADERS =
            List.of(PopHeaders.AUTHORIZATION, PopHeaders.TIMESTAMP, PopHeaders.NONCE, PopHeaders.POP);

    private final ObjectMapper json;
    private final Metrics metrics;
    private final int maxBody;
    private final ClientAddresses clientAddresses;
    private final byte[] openApi;
    private final WebPage webPage;
    private final AtomicLong lastUnavailableLog = new AtomicLong(System.nanoTime() - UNAVAILABLE_LOG_INTERVAL_NANOS);
    private final AtomicLong unavailableNotLogged = new AtomicLong();

    private HttpApi(Services services) {
        this.services = services;
        this.metrics = services.metrics();
        this.maxBody = services.config().maxBodyBytes();
        this.clientAddresses = ClientAddresses.trusting(services.config().trustedProxies());
        // A repeated field is refused, not resolved: a parser that kept the first copy (a proxy, an audit log)
        // and this one, which would keep the last, must never read two different requests out of one body.
        this.json = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        json.getFactory()
                .setStreamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(32)
                        .maxStringLength(maxBody)
                        .build());
        this.openApi = loadOpenApi();
        this.webPage = services.config().web() ? WebPage.load() : null;
    }

    /** Builds (does not start) the Javalin app. */
    public static Javalin create(Services services) {
        HttpApi api = new HttpApi(services);
        return Javalin.create(api::configure);
    }

    private void configure(JavalinConfig config) {
        config.concurrency.useVirtualThreads = true;
        config.http.maxRequestSize = maxBody;
        config.http.prefer405over404 = true;
        config.startup.showJavalinBanner = false;
        Transport.configure(config, services.config(), metrics);

        config.routes.before(ctx -> ctx.attribute(STARTED_ATTRIBUTE, System.nanoTime()));
        config.routes.before("/api/*", this::requirePop);
        config.routes.before("/logout", this::requirePop);

        config.routes.get("/healthz", this::ready);
        config.routes.get("/healthz/ready", this::ready);
        config.routes.get(
                "/healthz/live", ctx -> ctx.json(json.createObjectNode().put("status", "ok")));
        config.routes.get("/.well-known/opaque-pop", this::wellKnown);
        config.routes.get(
                "/openapi.yaml", ctx -> ctx.contentType("application/yaml").result(openApi));
        if (!services.config().metricsOnSeparatePort()) {
            config.routes.get(
                    "/metrics",
                    ctx -> ctx.contentType("text/plain; version=0.0.4").result(metrics.scrape()));
        }

        if (webPage != null) {
            webPage.register(config);
        }
        config.routes.post("/register/start", this::registerStart);
        config.routes.post("/register/finish", this::registerFinish);
        config.routes.post("/login/start", this::loginStart);
        config.routes.post("/login/finish", this::loginFinish);
        config.routes.post("/api/transfer", this::transfer);
        config.routes.get("/api/transfers", this::transfers);
        config.routes.get("/api/me", this::me);
        config.routes.post("/logout", this::logout);
        config.routes.get("/api/sessions", this::sessions);
        config.routes.delete("/api/sessions/{idPrefix}", this::endSession);
        config.routes.post("/api/password/start", this::passwordStart);
        config.routes.post("/api/password/finish", this::passwordFinish);
        config.routes.delete("/api/account", this::deleteAccount);

        config.routes.exception(ApiException.class, (e, ctx) -> Problems.write(ctx, json, e));
        config.routes.exception(RateLimitedException.class, this::rateLimited);
        config.routes.exception(CallLimitedException.class, (e, ctx) -> rateLimited(e.refusal(), ctx));
        config.routes.exception(HttpResponseException.class, (e, ctx) -> Problems.write(ctx, json, fromJavalin(e)));
        config.routes.exception(StoreException.class, (e, ctx) -> unavailable(ctx, "storage", e));
        config.routes.exception(CapacityExceededException.class, (e, ctx) -> unavailable(ctx, "capacity", e));
        config.routes.exception(Exception.class, this::internalError);
        config.routes.after(this::finish);
    }

    // ---- public endpoints

    private void wellKnown(Context ctx) {
        ObjectNode body = json.createObjectNode();
        body.put("protocol", "opaque-pop-v1");
        body.put("server_public_key", services.serverPublicKeyBase64Url());
        ObjectNode opaque = body.putObject("opaque");
        opaque.put("suite", "OPAQUE-3DH ristretto255-SHA512");
        opaque.put("context", "");
        ObjectNode ksf = opaque.putObject("ksf");
        ksf.put("algorithm", "argon2id");
        ksf.put("memory_kib", services.config().clientKsf().memoryKib());
        ksf.put("iterations", services.config().clientKsf().iterations());
        ksf.put("parallelism", services.config().clientKsf().parallelism());
        body.putObject("pop")
                .put("window_seconds", services.config().popWindow().toSeconds());
        ctx.json(body);
    }

    /** 200 when every dependency answers, else 503 with Retry-After; either way, each dependency's state. */
    private void ready(Context ctx) {
        Readiness.Report report = services.readiness().check();
        ObjectNode body = json.createObjectNode();
        body.put("status", report.ready() ? "ok" : "unavailable");
        ObjectNode checks = body.putObject("checks");
        for (Readiness.Check check : report.checks()) {
            checks.putObject(check.role()).put("backend", check.backend()).put("status", check.up() ? "up" : "down");
        }
        if (!report.ready()) {
            ctx.status(503).header("Retry-After", RETRY_AFTER_SECONDS);
        }
        ctx.json(body);
    }

    private void registerStart(Context ctx) throws ApiException, RateLimitedException {
        JsonNode body = RequestBody.json(ctx, json, maxBody);
        String username = username(body);
        RegistrationRequest request =
                decode(() -> RegistrationRequest.decode(RequestBody.base64url(body, "registration_request")));
        services.limits().registering(clientAddress(ctx));
        try {
            byte[] response = services.registration().start(username, request).encode();
            ctx.json(json.createObjectNode().put("registration_response", B64.encodeToString(response)));
        } catch (UsernameTakenException e) {
            metrics.registration("taken");
            throw taken();
        } catch (OpaqueException e) {
            throw ApiException.badRequest("registration_request: " + e.getMessage());
        }
    }

    private void registerFinish(Context ctx) throws ApiException, RateLimitedException {
        JsonNode body = RequestBody.json(ctx, json, maxBody);
        String username = username(body);
        RegistrationRecord record =
                decode(() -> RegistrationRecord.decode(RequestBody.base64url(body, "registration_record")));
        services.limits().registering(clientAddress(ctx));
        try {
            services.registration().finish(username, record);
        } catch (UsernameTakenException e) {
            metrics.registration("taken");
            throw taken();
        }
        metrics.registration("created");
        LOG.info("registered user={}", username);
        ctx.status(201).json(json.createObjectNode().put("username", username));
    }

    private void loginStart(Context ctx) throws ApiException, RateLimitedException {
        JsonNode body = RequestBody.json(ctx, json, maxBody);
        String username = username(body);
        Ke1 ke1 = decode(() -> Ke1.decode(RequestBody.base64url(body, "ke1")));
        // Counted as a failure until a login/finish succeeds, whether or not the user exists.
        services.limits().loginStarting(username, clientAddress(ctx));
        LoginStarted started;
        try {
            started = services.login().start(username, ke1);
        } catch (OpaqueException e) {
            throw ApiException.badRequest("ke1: " + e.getMessage());
        } catch (TooManyPendingLoginsException e) {
            // Counted per username string, registered or not: the answer does not say which.
            metrics.login("too_many_pending");
            ctx.header("Retry-After", Long.toString(Math.max(1, ceilSeconds(e.retryAfter()))));
            throw new ApiException(
                    429,
                    "too_many_pending_logins",
                    "Too many logins in progress for this username",
                    "finish or abandon the logins already started; a place frees up when one lapses");
        }
        ObjectNode out = json.createObjectNode();
        out.put("login_id", started.loginId());
        out.put("ke2", B64.encodeToString(started.ke2().encode()));
        ctx.json(out);
    }

    private void loginFinish(Context ctx) throws ApiException {
        JsonNode body = RequestBody.json(ctx, json, maxBody);
        String loginId = RequestBody.string(body, "login_id");
        Ke3 ke3 = decode(() -> Ke3.decode(RequestBody.base64url(body, "ke3")));
        LoginPurpose purpose = purpose(body);
        LoginService.Finished finished;
        try {
            finished = services.login().finish(loginId, ke3, clientAddress(ctx), purpose);
        } catch (AuthenticationFailedException e) {
            metrics.login("failed");
            throw new ApiException(401, "login_failed", "Login failed", null);
        }
        Session session = finished.session();
        metrics.login("succeeded");
        loginSucceeded(session.username(), clientAddress(ctx));
        LOG.info(
                "login user={} session={} purpose={}{}",
                session.username(),
                SessionIds.prefix(session.sessionId()),
                purpose.wireName(),
                finished.endedSessions() == 0
                        ? ""
                        : " ended_oldest=" + finished.endedSessions() + " (per-user session cap)");
        ObjectNode out = json.createObjectNode();
        out.put("session_id", session.sessionId());
        out.put("expires_at", session.expiresAt().getEpochSecond());
        out.put("idle_timeout", services.config().sessionIdleTimeout().toSeconds());
        out.put("token_type", PopHeaders.TOKEN_TYPE);
        ctx.json(out);
    }

    /** The optional {@code "purpose"} of a login/finish (docs/protocol.md): without one, an ordinary sign-in. */
    private static LoginPurpose purpose(JsonNode body) throws ApiException {
        if (!body.has("purpose")) {
            return LoginPurpose.SIGN_IN;
        }
        String name = RequestBody.string(body, "purpose");
        return LoginPurpose.fromWireName(name)
                .orElseThrow(() -> ApiException.badRequest(
                        "field \"purpose\" must be sign_in, password_change or account_deletion"));
    }

    // ---- PoP-protected endpoints

    private void requirePop(Context ctx) throws ApiException, RateLimitedException {
        if (anyRepeated(ctx, POP_HEADERS)) {
            // Which copy would count? This server would take the first, another hop maybe the last: refuse both.
            metrics.popRejected(PopFailure.MALFORMED_CREDENTIALS.code());
            ctx.header("WWW-Authenticate", PopHeaders.CHALLENGE);
            throw new ApiException(
                    401,
                    PopFailure.MALFORMED_CREDENTIALS.code(),
                    PopFailure.MALFORMED_CREDENTIALS.title(),
                    "each PoP header must be sent exactly once");
        }
        byte[] body = RequestBody.bytes(ctx, maxBody);
        String query = ctx.req().getQueryString();
        String target = ctx.req().getRequestURI() + (query == null ? "" : "?" + query);
        IncomingRequest request = IncomingRequest.of(
                ctx.method().name(),
                target,
                ctx.header(PopHeaders.AUTHORIZATION),
                ctx.header(PopHeaders.TIMESTAMP),
                ctx.header(PopHeaders.NONCE),
                ctx.header(PopHeaders.POP),
                body);
        try {
            Session session = services.sessions().authenticate(request, clientAddress(ctx));
            // After the PoP checks, so only the user's own signed calls count (the session's counts are taken with
            // its nonce, inside authenticate).
            services.limits().signedCall(session.username());
            ctx.attribute(SESSION_ATTRIBUTE, session);
            ctx.attribute(NONCE_ATTRIBUTE, request.nonce());
        } catch (PopVerificationException e) {
            metrics.popRejected(e.failure().code());
            ctx.header("WWW-Authenticate", PopHeaders.CHALLENGE);
            throw new ApiException(401, e.failure().code(), e.failure().title(), null);
        }
    }

    private static boolean anyRepeated(Context ctx, List<String> names) {
        for (String name : names) {
            Enumeration<String> values = ctx.req().getHeaders(name);
            if (values != null && values.hasMoreElements()) {
                values.nextElement();
                if (values.hasMoreElements()) {
                    return true;
                }
            }
        }
        return false;
    }

    private void transfer(Context ctx) throws ApiException {
        Session session = session(ctx);
        JsonNode body = RequestBody.json(ctx, json, maxBody);
        Transfer transfer;
        try {
            transfer = services.transfers()
                    .transfer(
                            session,
                            ctx.attribute(NONCE_ATTRIBUTE),
                            RequestBody.string(body, "to"),
                            RequestBody.string(body, "amount"));
        } catch (InvalidInputException e) {
            throw ApiException.badRequest(e.getMessage());
        } catch (ReplayedRequestException e) {
            ctx.header("WWW-Authenticate", PopHeaders.CHALLENGE);
            throw new ApiException(401, PopFailure.REPLAYED_NONCE.code(), PopFailure.REPLAYED_NONCE.title(), null);
        } catch (RegistrationEndedException e) {
            // The password changed or the account was deleted since this session's login, between its PoP check
            // and the booking: the session has ended.
            ctx.header("WWW-Authenticate", PopHeaders.CHALLENGE);
            throw new ApiException(401, PopFailure.UNKNOWN_SESSION.code(), PopFailure.UNKNOWN_SESSION.title(), null);
        }
        LOG.info(
                "transfer id={} from={} session={}",
                transfer.id(),
                transfer.from(),
                SessionIds.prefix(session.sessionId()));
        ctx.json(transferJson(transfer));
    }

    private void transfers(Context ctx) throws ApiException {
        Session session = session(ctx);
        ObjectNode out = json.createObjectNode();
        ArrayNode list = out.putArray("transfers");
        for (Transfer transfer : services.transfers().list(session.username())) {
            list.add(transferJson(transfer));
        }
        ctx.json(out);
    }

    private void me(Context ctx) throws ApiException {
        Session session = session(ctx);
        ObjectNode out = json.createObjectNode();
        out.put("username", session.username());
        out.put("session_expires_at", session.expiresAt().getEpochSecond());
        ctx.json(out);
    }

    /** {@code POST /logout} ends the caller's session; {@code ?all=true} every session of the caller's user. */
    private void logout(Context ctx) throws ApiException {
        Session session = session(ctx);
        String all = ctx.queryParam("all");
        if (all == null || all.equals("false")) {
            services.sessions().logout(session);
            LOG.info("logout user={} session={}", session.username(), SessionIds.prefix(session.sessionId()));
        } else if (all.equals("true")) {
            int ended = services.sessions().logoutAll(session);
            LOG.info(
                    "logout all user={} session={} ended={}",
                    session.username(),
                    SessionIds.prefix(session.sessionId()),
                    ended);
        } else {
            throw ApiException.badRequest("query parameter \"all\" must be true or false");
        }
        ctx.status(204);
    }

    private void sessions(Context ctx) throws ApiException {
        Session caller = session(ctx);
        ObjectNode out = json.createObjectNode();
        ArrayNode list = out.putArray("sessions");
        for (SessionService.View view : services.sessions().list(caller)) {
            ObjectNode node = list.addObject();
            node.put("id_prefix", view.idPrefix());
            node.put("created_at", view.createdAt().getEpochSecond());
            node.put("last_used_at", view.lastUsedAt().getEpochSecond());
            node.put("client_address", view.clientAddress());
            node.put("current", view.current());
        }
        ctx.json(out);
    }

    private void endSession(Context ctx) throws ApiException {
        Session caller = session(ctx);
        String idPrefix = ctx.pathParam("idPrefix");
        boolean ended;
        try {
            ended = services.sessions().end(caller, idPrefix);
        } catch (InvalidInputException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        if (!ended) {
            throw new ApiException(404, "session_not_found", "No such session of yours", null);
        }
        LOG.info(
                "session ended user={} session={} by={}",
                caller.username(),
                idPrefix,
                SessionIds.prefix(caller.sessionId()));
        ctx.status(204);
    }

    private void passwordStart(Context ctx) throws ApiException {
        Session caller = session(ctx);
        JsonNode body = RequestBody.json(ctx, json, maxBody);
        RegistrationRequest request =
                decode(() -> RegistrationRequest.decode(RequestBody.base64url(body, "registration_request")));
        try {
            byte[] response =
                    services.accounts().startPasswordChange(caller, request).encode();
            ctx.json(json.createObjectNode().put("registration_response", B64.encodeToString(response)));
        } catch (ReauthenticationRequiredException e) {
            throw reauthenticate(ctx, e);
        } catch (OpaqueException e) {
            throw ApiException.badRequest("registration_request: " + e.getMessage());
        }
    }

    private void passwordFinish(Context ctx) throws ApiException {
        Session caller = session(ctx);
        JsonNode body = RequestBody.json(ctx, json, maxBody);
        RegistrationRecord record =
                decode(() -> RegistrationRecord.decode(RequestBody.base64url(body, "registration_record")));
        int ended;
        try {
            ended = services.accounts().finishPasswordChange(caller, record);
        } catch (ReauthenticationRequiredException e) {
            throw reauthenticate(ctx, e);
        }
        LOG.info(
                "password changed user={} session={} other_sessions_ended={}",
                caller.username(),
                SessionIds.prefix(caller.sessionId()),
                ended);
        ctx.status(204);
    }

    private void deleteAccount(Context ctx) throws ApiException {
        Session caller = session(ctx);
        int ended;
        try {
            ended = services.accounts().delete(caller);
        } catch (ReauthenticationRequiredException e) {
            throw reauthenticate(ctx, e);
        }
        LOG.info(
                "account deleted user={} session={} sessions_ended={}",
                caller.username(),
                SessionIds.prefix(caller.sessionId()),
                ended);
        ctx.status(204);
    }

    private static ApiException reauthenticate(Context ctx, ReauthenticationRequiredException e) {
        ctx.header("WWW-Authenticate", PopHeaders.CHALLENGE);
        return new ApiException(401, "reauthentication_required", "A recent login is required", e.getMessage());
    }

    private static long ceilSeconds(Duration duration) {
        long seconds = duration.toSeconds();
        return duration.minusSeconds(seconds).isZero() ? seconds : seconds + 1;
    }

    // ---- helpers

    /**
     * The client's address: the socket peer, or with {@code --trusted-proxies} and a request from one of them,
     * the first untrusted address of {@code X-Forwarded-For} read from the right ({@link ClientAddresses}).
     */
    private String clientAddress(Context ctx) {
        List<String> forwardedFor = Collections.list(ctx.req().getHeaders("X-Forwarded-For"));
        return clientAddresses.resolve(ctx.req().getRemoteAddr(), forwardedFor);
    }

    /**
     * Bookkeeping after a successful login. A store failure here only leaves the attempt counted (stricter, never
     * looser), so the login the client is waiting for is not failed for it.
     */
    private void loginSucceeded(String username, String address) {
        try {
            services.limits().loginSucceeded(username, address);
        } catch (StoreException e) {
            LOG.warn("rate limit: could not record a successful login: {}", e.getMessage());
        }
    }

    /**
     * 429 with Retry-After in whole seconds (rounded up). Nothing in it depends on whether the username exists:
     * the buckets count attempts on the name, not accounts.
     */
    private void rateLimited(RateLimitedException e, Context ctx) {
        metrics.rateLimited(e.limit());
        long seconds = e.retryAfterSeconds();
        ctx.header("Retry-After", Long.toString(seconds));
        Problems.write(
                ctx,
                json,
                new ApiException(429, "rate_limited", "Too many attempts", "Try again in " + seconds + " seconds"));
    }

    private ObjectNode transferJson(Transfer transfer) {
        ObjectNode node = json.createObjectNode();
        node.put("transfer_id", transfer.id());
        node.put("from", transfer.from());
        node.put("to", transfer.to());
        node.put("amount", Amounts.format(transfer.amountCents()));
        node.put("created_at", transfer.createdAt().getEpochSecond());
        return node;
    }

    private static Session session(Context ctx) throws ApiException {
        Session session = ctx.attribute(SESSION_ATTRIBUTE);
        if (session == null) {
            throw new IllegalStateException("PoP filter did not run for " + ctx.path());
        }
        return session;
    }

    private static String username(JsonNode body) throws ApiException {
        try {
            return Usernames.validate("username", RequestBody.string(body, "username"));
        } catch (InvalidInputException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    /** Decodes a wire message; a wrong length or invalid element becomes a 400 naming the field. */
    private static <T> T decode(Decoder<T> decoder) throws ApiException {
        try {
            return decoder.decode();
        } catch (InvalidMessageException e) {
            throw new ApiException(400, "invalid_message", "A protocol message is malformed", e.getMessage());
        }
    }

    @FunctionalInterface
    private interface Decoder<T> {
        T decode() throws InvalidMessageException, ApiException;
    }

    private static ApiException taken() {
        return new ApiException(409, "username_taken", "This username is already registered", null);
    }

    private static ApiException fromJavalin(HttpResponseException e) {
        int status = e.getStatus();
        return switch (status) {
            case 404 -> new ApiException(404, "not_found", "No such endpoint", null);
            case 405 -> new ApiException(405, "method_not_allowed", "Method not allowed on this endpoint", null);
            case 413 -> new ApiException(413, "payload_too_large", "The request body is too large", null);
            default -> new ApiException(status, status >= 500 ? "server_error" : "bad_request", "Request failed", null);
        };
    }

    /**
     * A 503. While a dependency is down every request fails the same way: one warning per second says so, with
     * how many more were answered alike (the metrics count each of them).
     */
    private void unavailable(Context ctx, String what, Exception e) {
        long now = System.nanoTime();
        long last = lastUnavailableLog.get();
        if (now - last >= UNAVAILABLE_LOG_INTERVAL_NANOS && lastUnavailableLog.compareAndSet(last, now)) {
            long alike = unavailableNotLogged.getAndSet(0);
            LOG.warn(
                    "service unavailable: {}: {}{}{}",
                    what,
                    e.getMessage(),
                    e.getCause() == null ? "" : " (" + e.getCause().getClass().getSimpleName() + ")",
                    alike == 0 ? "" : "; " + alike + " more 503s since the last such line");
        } else {
            unavailableNotLogged.incrementAndGet();
        }
        ctx.header("Retry-After", RETRY_AFTER_SECONDS);
        Problems.write(ctx, json, new ApiException(503, "service_unavailable", "Temporarily unavailable", null));
    }

    private void internalError(Exception e, Context ctx) {
        String errorId = UUID.randomUUID().toString();
        LOG.error("internal error id={} path={}", errorId, ctx.path(), e);
        Problems.write(
                ctx, json, new ApiException(500, "internal_error", "Internal server error", "error id " + errorId));
    }

    private void finish(Context ctx) {
        ctx.header("Cache-Control", "no-store");
        ctx.header("X-Content-Type-Options", "nosniff");
        if (!ctx.res().containsHeader(WebPage.CSP_HEADER)) {
            // The API's answers are data, never a document to render: no source at all. The page sets its own.
            ctx.header(WebPage.CSP_HEADER, "default-src 'none'; frame-ancestors 'none'");
        }
        ctx.header("Referrer-Policy", "no-referrer");
        Long started = ctx.attribute(STARTED_ATTRIBUTE);
        Duration elapsed = Duration.ofNanos(started == null ? 0 : System.nanoTime() - started);
        String route = routeOf(ctx);
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
        try {
            return ctx.endpoint().path;
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
