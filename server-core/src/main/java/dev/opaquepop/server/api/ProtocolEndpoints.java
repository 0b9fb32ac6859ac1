package dev.opaquepop.server.api;

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
import dev.opaquepop.pop.LoginPurpose;
import dev.opaquepop.pop.PopHeaders;
import dev.opaquepop.server.Metrics;
import dev.opaquepop.server.Services;
import dev.opaquepop.server.address.ClientAddresses;
import dev.opaquepop.server.limit.RateLimitedException;
import dev.opaquepop.server.service.AuthenticationFailedException;
import dev.opaquepop.server.service.InvalidInputException;
import dev.opaquepop.server.service.LoginService;
import dev.opaquepop.server.service.LoginStarted;
import dev.opaquepop.server.service.ReauthenticationRequiredException;
import dev.opaquepop.server.service.SessionService;
import dev.opaquepop.server.service.TooManyPendingLoginsException;
import dev.opaquepop.server.service.UsernameTakenException;
import dev.opaquepop.server.service.Usernames;
import dev.opaquepop.server.store.Session;
import dev.opaquepop.server.store.SessionIds;
import dev.opaquepop.server.store.StoreException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The protocol's own endpoints (docs/protocol.md): registration, login, logout, sessions, password change, account
 * deletion and the discovery document. Each takes the request (already PoP-verified where the route says so) and
 * answers it; failures are thrown as {@link ApiProblem} or the services' exceptions, which {@link Failures} maps.
 */
final class ProtocolEndpoints {
    private static final Logger LOG = LoggerFactory.getLogger(ProtocolEndpoints.class);
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final Services services;
    private final Metrics metrics;
    private final RequestBodies bodies;
    private final ClientAddresses clientAddresses;
    private final ObjectMapper json = new ObjectMapper();

    ProtocolEndpoints(Services services, RequestBodies bodies, ClientAddresses clientAddresses) {
        this.services = services;
        this.metrics = services.metrics();
        this.bodies = bodies;
        this.clientAddresses = clientAddresses;
    }

    List<Route> routes() {
        return List.of(
                new Route("GET", "/.well-known/opaque-pop", false, (r, v, p) -> wellKnown()),
                new Route("POST", "/register/start", false, (r, v, p) -> registerStart(r)),
                new Route("POST", "/register/finish", false, (r, v, p) -> registerFinish(r)),
                new Route("POST", "/login/start", false, (r, v, p) -> loginStart(r)),
                new Route("POST", "/login/finish", false, (r, v, p) -> loginFinish(r)),
                new Route("POST", "/logout", true, (r, v, p) -> logout(r, v)),
                new Route("GET", "/api/sessions", true, (r, v, p) -> sessions(v)),
                new Route("DELETE", "/api/sessions/{idPrefix}", true, (r, v, p) -> endSession(v, p)),
                new Route("POST", "/api/password/start", true, (r, v, p) -> passwordStart(v)),
                new Route("POST", "/api/password/finish", true, (r, v, p) -> passwordFinish(v)),
                new Route("DELETE", "/api/account", true, (r, v, p) -> deleteAccount(v)));
    }

    private ApiResponse wellKnown() {
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
                .put("window_seconds", services.config().sessions().popWindow().toSeconds());
        return ApiResponse.json(200, body);
    }

    private ApiResponse registerStart(ApiRequest request) throws ApiProblem, RateLimitedException {
        JsonNode body = bodies.json(bodies.bytes(request));
        String username = username(body);
        RegistrationRequest message =
                decode(() -> RegistrationRequest.decode(RequestBodies.base64url(body, "registration_request")));
        services.limits().registering(clientAddress(request));
        try {
            byte[] response = services.registration().start(username, message).encode();
            return ApiResponse.json(
                    200, json.createObjectNode().put("registration_response", B64.encodeToString(response)));
        } catch (UsernameTakenException e) {
            metrics.registration("taken");
            throw taken();
        } catch (OpaqueException e) {
            throw ApiProblem.badRequest("registration_request: " + e.getMessage());
        }
    }

    private ApiResponse registerFinish(ApiRequest request) throws ApiProblem, RateLimitedException {
        JsonNode body = bodies.json(bodies.bytes(request));
        String username = username(body);
        RegistrationRecord record =
                decode(() -> RegistrationRecord.decode(RequestBodies.base64url(body, "registration_record")));
        services.limits().registering(clientAddress(request));
        try {
            services.registration().finish(username, record);
        } catch (UsernameTakenException e) {
            metrics.registration("taken");
            throw taken();
        }
        metrics.registration("created");
        LOG.info("registered user={}", username);
        return ApiResponse.json(201, json.createObjectNode().put("username", username));
    }

    private ApiResponse loginStart(ApiRequest request) throws ApiProblem, RateLimitedException {
        JsonNode body = bodies.json(bodies.bytes(request));
        String username = username(body);
        Ke1 ke1 = decode(() -> Ke1.decode(RequestBodies.base64url(body, "ke1")));
        // Counted as a failure until a login/finish succeeds, whether or not the user exists.
        services.limits().loginStarting(username, clientAddress(request));
        LoginStarted started;
        try {
            started = services.login().start(username, ke1);
        } catch (OpaqueException e) {
            throw ApiProblem.badRequest("ke1: " + e.getMessage());
        } catch (TooManyPendingLoginsException e) {
            // Counted per username string, registered or not: the answer does not say which.
            metrics.login("too_many_pending");
            throw new ApiProblem(
                            429,
                            "too_many_pending_logins",
                            "Too many logins in progress for this username",
                            "finish or abandon the logins already started; a place frees up when one lapses")
                    .withHeader("Retry-After", Long.toString(Math.max(1, ceilSeconds(e.retryAfter()))));
        }
        ObjectNode out = json.createObjectNode();
        out.put("login_id", started.loginId());
        out.put("ke2", B64.encodeToString(started.ke2().encode()));
        return ApiResponse.json(200, out);
    }

    private ApiResponse loginFinish(ApiRequest request) throws ApiProblem {
        JsonNode body = bodies.json(bodies.bytes(request));
        String loginId = RequestBodies.string(body, "login_id");
        Ke3 ke3 = decode(() -> Ke3.decode(RequestBodies.base64url(body, "ke3")));
        LoginPurpose purpose = purpose(body);
        String address = clientAddress(request);
        LoginService.Finished finished;
        try {
            finished = services.login().finish(loginId, ke3, address, purpose);
        } catch (AuthenticationFailedException e) {
            metrics.login("failed");
            throw new ApiProblem(401, "login_failed", "Login failed", null);
        }
        Session session = finished.session();
        metrics.login("succeeded");
        loginSucceeded(session.username(), address);
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
        out.put(
                "idle_timeout",
                services.config().sessions().sessionIdleTimeout().toSeconds());
        out.put("token_type", PopHeaders.TOKEN_TYPE);
        return ApiResponse.json(200, out);
    }

    /** The optional {@code "purpose"} of a login/finish (docs/protocol.md): without one, an ordinary sign-in. */
    private static LoginPurpose purpose(JsonNode body) throws ApiProblem {
        if (!body.has("purpose")) {
            return LoginPurpose.SIGN_IN;
        }
        String name = RequestBodies.string(body, "purpose");
        return LoginPurpose.fromWireName(name)
                .orElseThrow(() -> ApiProblem.badRequest(
                        "field \"purpose\" must be sign_in, password_change or account_deletion"));
    }

    /** {@code POST /logout} ends the caller's session; {@code ?all=true} every session of the caller's user. */
    private ApiResponse logout(ApiRequest request, Verified verified) throws ApiProblem {
        Session session = verified.session();
        String all = QueryParameters.single(request.target(), "all");
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
            throw ApiProblem.badRequest("query parameter \"all\" must be true or false");
        }
        return ApiResponse.empty(204);
    }

    private ApiResponse sessions(Verified verified) {
        ObjectNode out = json.createObjectNode();
        ArrayNode list = out.putArray("sessions");
        for (SessionService.View view : services.sessions().list(verified.session())) {
            ObjectNode node = list.addObject();
            node.put("id_prefix", view.idPrefix());
            node.put("created_at", view.createdAt().getEpochSecond());
            node.put("last_used_at", view.lastUsedAt().getEpochSecond());
            node.put("client_address", view.clientAddress());
            node.put("current", view.current());
        }
        return ApiResponse.json(200, out);
    }

    private ApiResponse endSession(Verified verified, String idPrefix) throws ApiProblem {
        Session caller = verified.session();
        boolean ended;
        try {
            ended = services.sessions().end(caller, idPrefix);
        } catch (InvalidInputException e) {
            throw ApiProblem.badRequest(e.getMessage());
        }
        if (!ended) {
            throw new ApiProblem(404, "session_not_found", "No such session of yours", null);
        }
        LOG.info(
                "session ended user={} session={} by={}",
                caller.username(),
                idPrefix,
                SessionIds.prefix(caller.sessionId()));
        return ApiResponse.empty(204);
    }

    private ApiResponse passwordStart(Verified verified) throws ApiProblem {
        JsonNode body = bodies.json(verified.body());
        RegistrationRequest message =
                decode(() -> RegistrationRequest.decode(RequestBodies.base64url(body, "registration_request")));
        try {
            byte[] response = services.accounts()
                    .startPasswordChange(verified.session(), message)
                    .encode();
            return ApiResponse.json(
                    200, json.createObjectNode().put("registration_response", B64.encodeToString(response)));
        } catch (ReauthenticationRequiredException e) {
            throw reauthenticate(e);
        } catch (OpaqueException e) {
            throw ApiProblem.badRequest("registration_request: " + e.getMessage());
        }
    }

    private ApiResponse passwordFinish(Verified verified) throws ApiProblem {
        Session caller = verified.session();
        JsonNode body = bodies.json(verified.body());
        RegistrationRecord record =
                decode(() -> RegistrationRecord.decode(RequestBodies.base64url(body, "registration_record")));
        int ended;
        try {
            ended = services.accounts().finishPasswordChange(caller, record);
        } catch (ReauthenticationRequiredException e) {
            throw reauthenticate(e);
        }
        LOG.info(
                "password changed user={} session={} other_sessions_ended={}",
                caller.username(),
                SessionIds.prefix(caller.sessionId()),
                ended);
        return ApiResponse.empty(204);
    }

    private ApiResponse deleteAccount(Verified verified) throws ApiProblem {
        Session caller = verified.session();
        int ended;
        try {
            ended = services.accounts().delete(caller);
        } catch (ReauthenticationRequiredException e) {
            throw reauthenticate(e);
        }
        LOG.info(
                "account deleted user={} session={} sessions_ended={}",
                caller.username(),
                SessionIds.prefix(caller.sessionId()),
                ended);
        return ApiResponse.empty(204);
    }

    private static ApiProblem reauthenticate(ReauthenticationRequiredException e) {
        return ApiProblem.unauthorized("reauthentication_required", "A recent login is required", e.getMessage());
    }

    private static long ceilSeconds(Duration duration) {
        long seconds = duration.toSeconds();
        return duration.minusSeconds(seconds).isZero() ? seconds : seconds + 1;
    }

    /**
     * The client's address: the socket peer, or with {@code --trusted-proxies} and a request from one of them,
     * the first untrusted address of {@code X-Forwarded-For} read from the right ({@link ClientAddresses}).
     */
    String clientAddress(ApiRequest request) {
        return clientAddresses.resolve(request.remoteAddress(), request.headers("X-Forwarded-For"));
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

    private static String username(JsonNode body) throws ApiProblem {
        try {
            return Usernames.validate("username", RequestBodies.string(body, "username"));
        } catch (InvalidInputException e) {
            throw ApiProblem.badRequest(e.getMessage());
        }
    }

    /** Decodes a wire message; a wrong length or invalid element becomes a 400 naming the field. */
    static <T> T decode(Decoder<T> decoder) throws ApiProblem {
        try {
            return decoder.decode();
        } catch (InvalidMessageException e) {
            throw new ApiProblem(400, "invalid_message", "A protocol message is malformed", e.getMessage());
        }
    }

    @FunctionalInterface
    interface Decoder<T> {
        T decode() throws InvalidMessageException, ApiProblem;
    }

    private static ApiProblem taken() {
        return new ApiProblem(409, "username_taken", "This username is already registered", null);
    }
}
