package dev.opaquepop.client;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.opaquepop.opaque.Identities;
import dev.opaquepop.opaque.Ke1;
import dev.opaquepop.opaque.Ke3;
import dev.opaquepop.opaque.LoginFailedException;
import dev.opaquepop.opaque.OpaqueConfig;
import dev.opaquepop.opaque.OpaqueException;
import dev.opaquepop.opaque.OpaqueServer;
import dev.opaquepop.opaque.RegistrationRecord;
import dev.opaquepop.opaque.RegistrationRequest;
import dev.opaquepop.opaque.SecretBytes;
import dev.opaquepop.opaque.ServerLogin;
import dev.opaquepop.opaque.ServerSetup;
import dev.opaquepop.pop.Base64Url;
import dev.opaquepop.pop.IncomingRequest;
import dev.opaquepop.pop.PopFailure;
import dev.opaquepop.pop.PopKey;
import dev.opaquepop.pop.PopSession;
import dev.opaquepop.pop.PopVerificationException;
import dev.opaquepop.pop.PopVerifier;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-process stand-in for the opaque-pop server, just enough to exercise the client: real OPAQUE (the
 * library's server side), real PoP verification, maps instead of a database. Not the real server; the
 * end-to-end tests against that live with it.
 */
final class FakeServer implements AutoCloseable {
    static final int MEMORY_KIB = 1024;

    private final SecureRandom random = new SecureRandom();
    private final OpaqueServer opaque = new OpaqueServer(OpaqueConfig.defaults(), ServerSetup.generate(random), random);
    private final Map<String, RegistrationRecord> records = new ConcurrentHashMap<>();
    private final Map<String, Pending> logins = new ConcurrentHashMap<>();
    private final Map<String, PopSession> sessions = new ConcurrentHashMap<>();
    private final Map<String, Boolean> nonces = new ConcurrentHashMap<>();
    private final List<Map<String, Object>> transfers = new ArrayList<>();
    private final AtomicInteger transferIds = new AtomicInteger();
    private final PopVerifier verifier = new PopVerifier(
            id -> Optional.ofNullable(sessions.get(id)),
            (id, nonce, ttl) -> nonces.putIfAbsent(id + " " + nonce, Boolean.TRUE) == null,
            Clock.systemUTC(),
            Duration.ofSeconds(30));
    private final HttpServer http;

    /** Protected requests still to be processed and then left unanswered, their connection closed. */
    final AtomicInteger dropAnswers = new AtomicInteger();
    /** Protected requests refused as replays. */
    final AtomicInteger replayedNonces = new AtomicInteger();

    /** Every request's path, in order. */
    final List<String> paths = new java.util.concurrent.CopyOnWriteArrayList<>();

    volatile boolean advertise = true;
    /** When set, served as the well-known document instead of the real one. */
    volatile String wellKnownBody;

    volatile long memoryKib = MEMORY_KIB;
    volatile int iterations = 1;
    volatile int parallelism = 1;
    volatile byte[] advertisedKey = opaque.publicKey();
    volatile String lastTarget;
    volatile String lastContentType;

    private record Pending(String username, ServerLogin login) {}

    FakeServer() throws IOException {
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/", exchange -> {
            try (exchange) {
                handle(exchange);
            } catch (RuntimeException e) {
                exchange.sendResponseHeaders(500, -1);
            }
        });
        http.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + http.getAddress().getPort());
    }

    byte[] serverPublicKey() {
        return opaque.publicKey();
    }

    int sessionCount() {
        return sessions.size();
    }

    @Override
    public void close() {
        http.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        URI uri = exchange.getRequestURI();
        String path = uri.getRawPath();
        String target = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        paths.add(path);
        lastTarget = target;
        lastContentType = exchange.getRequestHeaders().getFirst("Content-Type");
        String method = exchange.getRequestMethod();
        try {
            switch (path) {
                case "/.well-known/opaque-pop" -> wellKnown(exchange);
                case "/register/start" -> registerStart(exchange, Json.readObject(body));
                case "/register/finish" -> registerFinish(exchange, Json.readObject(body));
                case "/login/start" -> loginStart(exchange, Json.readObject(body));
                case "/login/finish" -> loginFinish(exchange, Json.readObject(body));
                case "/plain-error" -> send(exchange, 503, "text/plain", "down".getBytes(UTF_8));
                default -> protectedRoute(exchange, method, target, path, body);
            }
        } catch (Json.JsonFormatException | OpaqueException e) {
            problem(exchange, 400, "invalid_request", "The request is invalid.");
        }
    }

    private void wellKnown(HttpExchange exchange) throws IOException {
        if (!advertise) {
            problem(exchange, 404, "not_found", "Not found.");
            return;
        }
        if (wellKnownBody != null) {
            send(exchange, 200, "application/json", wellKnownBody.getBytes(UTF_8));
            return;
        }
        Map<String, Object> ksf = new LinkedHashMap<>();
        ksf.put("algorithm", "argon2id");
        ksf.put("memory_kib", memoryKib);
        ksf.put("iterations", iterations);
        ksf.put("parallelism", parallelism);
        Map<String, Object> opaqueInfo = new LinkedHashMap<>();
        opaqueInfo.put("suite", "OPAQUE-3DH ristretto255-SHA512");
        opaqueInfo.put("context", "");
        opaqueInfo.put("ksf", ksf);
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("protocol", "opaque-pop-v1");
        info.put("server_public_key", Base64Url.encode(advertisedKey));
        info.put("opaque", opaqueInfo);
        info.put("pop", Map.of("window_seconds", 30));
        json(exchange, 200, info);
    }

    private void registerStart(HttpExchange exchange, JsonNode request)
            throws IOException, Json.JsonFormatException, OpaqueException {
        String username = Json.text(request, "username");
        RegistrationRequest registration = RegistrationRequest.decode(Json.base64Url(request, "registration_request"));
        byte[] response = opaque.registrationResponse(registration, username.getBytes(UTF_8))
                .encode();
        json(exchange, 200, Map.of("registration_response", Base64Url.encode(response)));
    }

    private void registerFinish(HttpExchange exchange, JsonNode request)
            throws IOException, Json.JsonFormatException, OpaqueException {
        String username = Json.text(request, "username");
        RegistrationRecord record = RegistrationRecord.decode(Json.base64Url(request, "registration_record"));
        if (records.putIfAbsent(username, record) != null) {
            problem(exchange, 409, "username_taken", "The username is taken.");
            return;
        }
        json(exchange, 201, Map.of("username", username));
    }

    private void loginStart(HttpExchange exchange, JsonNode request)
            throws IOException, Json.JsonFormatException, OpaqueException {
        String username = Json.text(request, "username");
        Ke1 ke1 = Ke1.decode(Json.base64Url(request, "ke1"));
        ServerLogin login = opaque.startLogin(records.get(username), ke1, username.getBytes(UTF_8), Identities.none());
        String loginId = randomId();
        logins.put(loginId, new Pending(username, login));
        json(
                exchange,
                200,
                Map.of("login_id", loginId, "ke2", Base64Url.encode(login.ke2().encode())));
    }

    private void loginFinish(HttpExchange exchange, JsonNode request)
            throws IOException, Json.JsonFormatException, OpaqueException {
        Pending pending = logins.remove(Json.text(request, "login_id"));
        if (pending == null) {
            problem(exchange, 401, "login_failed", "Login failed.");
            return;
        }
        SecretBytes sessionKey;
        try {
            sessionKey = pending.login().finish(Ke3.decode(Json.base64Url(request, "ke3")));
        } catch (LoginFailedException e) {
            problem(exchange, 401, "login_failed", "Login failed.");
            return;
        }
        String sessionId = randomId();
        Instant expiresAt = Instant.now().plus(Duration.ofMinutes(15)).truncatedTo(ChronoUnit.SECONDS);
        sessions.put(sessionId, new PopSession(sessionId, pending.username(), PopKey.derive(sessionKey), expiresAt));
        json(
                exchange,
                200,
                Map.of("session_id", sessionId, "expires_at", expiresAt.getEpochSecond(), "token_type", "PoP"));
    }

    private void protectedRoute(HttpExchange exchange, String method, String target, String path, byte[] body)
            throws IOException, Json.JsonFormatException {
        var headers = exchange.getRequestHeaders();
        PopSession session;
        try {
            session = verifier.verify(IncomingRequest.of(
                    method,
                    target,
                    headers.getFirst("Authorization"),
                    headers.getFirst("X-TS"),
                    headers.getFirst("X-NONCE"),
                    headers.getFirst("X-POP"),
                    body));
        } catch (PopVerificationException e) {
            if (e.failure() == PopFailure.REPLAYED_NONCE) {
                replayedNonces.incrementAndGet();
            }
            exchange.getResponseHeaders().add("WWW-Authenticate", "PoP");
            problem(exchange, 401, e.failure().code(), e.failure().title());
            return;
        }
        if (dropAnswers.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            // Processed (the nonce is used up, a transfer would be booked), then the connection closes without
            // an answer, as when a server or proxy closes a keep-alive connection at the wrong moment.
            if (path.equals("/api/transfer")) {
                book(session, Json.readObject(body));
            }
            exchange.close();
            return;
        }
        switch (method + " " + path) {
            case "POST /api/transfer" -> transfer(exchange, session, Json.readObject(body));
            case "GET /api/transfers" -> listTransfers(exchange, session);
            case "GET /api/me" ->
                json(
                        exchange,
                        200,
                        Map.of(
                                "username",
                                session.username(),
                                "session_expires_at",
                                session.expiresAt().getEpochSecond()));
            case "POST /logout" -> {
                sessions.remove(session.sessionId());
                exchange.sendResponseHeaders(204, -1);
            }
            default -> json(exchange, 200, Map.of("target", target, "body", new String(body, UTF_8)));
        }
    }

    private void transfer(HttpExchange exchange, PopSession session, JsonNode request)
            throws IOException, Json.JsonFormatException {
        Map<String, Object> transfer = book(session, request);
        if (transfer == null) {
            problem(exchange, 400, "invalid_request", "The amount is invalid.");
            return;
        }
        json(exchange, 200, transfer);
    }

    /** Books a transfer and returns it as answered, or null for an invalid amount. */
    private Map<String, Object> book(PopSession session, JsonNode request) throws Json.JsonFormatException {
        String amount = Json.text(request, "amount");
        if (!amount.matches("(0|[1-9][0-9]{0,14})(\\.[0-9]{1,2})?") || amount.matches("0(\\.0{1,2})?")) {
            return null;
        }
        Map<String, Object> transfer = new LinkedHashMap<>();
        transfer.put("transfer_id", "t" + transferIds.incrementAndGet());
        transfer.put("from", session.username());
        transfer.put("to", Json.text(request, "to"));
        transfer.put("amount", amount);
        Map<String, Object> stored = new LinkedHashMap<>(transfer);
        stored.put("created_at", Instant.now().getEpochSecond());
        synchronized (transfers) {
            transfers.add(stored);
        }
        return transfer;
    }

    private void listTransfers(HttpExchange exchange, PopSession session) throws IOException {
        List<Map<String, Object>> mine = new ArrayList<>();
        synchronized (transfers) {
            for (Map<String, Object> transfer : transfers) {
                if (transfer.get("from").equals(session.username())) {
                    mine.add(transfer);
                }
            }
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("transfers", mine);
        json(exchange, 200, answer);
    }

    private String randomId() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64Url.encode(bytes);
    }

    private static void problem(HttpExchange exchange, int status, String code, String title) throws IOException {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "urn:opaque-pop:problem:" + code);
        problem.put("title", title);
        problem.put("status", status);
        problem.put("code", code);
        send(exchange, status, "application/problem+json", Json.write(problem));
    }

    private static void json(HttpExchange exchange, int status, Map<String, ?> body) throws IOException {
        send(exchange, status, "application/json", Json.write(body));
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }
}
