package dev.opaquepop.client;

import dev.opaquepop.opaque.Ksf;
import dev.opaquepop.pop.Base64Url;
import dev.opaquepop.pop.LoginPurpose;
import dev.opaquepop.pop.PopSigner;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The opaque-pop client SDK: registers and logs in with OPAQUE over HTTP, then sends PoP-signed requests
 * (docs/protocol.md). Thread-safe; one instance per server.
 *
 * <pre>{@code
 * try (OpaquePopClient client = OpaquePopClient.builder(URI.create("https://bank.example")).build()) {
 *     client.register("alice", password);
 *     ClientSession session = client.login("alice", password);
 *     byte[] notes = client.call(session, "GET", "/api/notes", null);
 *     client.logout(session);
 * }
 * }</pre>
 *
 * <p>A thin facade: {@code Discovery} checks the server, {@code OpaqueFlows} runs OPAQUE, {@code SignedTransport}
 * signs and sends, {@code Exchange} carries the HTTP.
 *
 * <p>Every failure is an {@link OpaquePopClientException} with the server's problem code or one of the client's
 * own. Passwords are copied into the OPAQUE library and wiped there; the caller may wipe its own array.
 */
public final class OpaquePopClient implements AutoCloseable {
    private final Exchange exchange;
    private final Discovery discovery;
    private final OpaqueFlows flows;
    private final SignedTransport transport;

    private OpaquePopClient(Builder builder) {
        this.exchange = new Exchange(builder.baseUri, builder.http, builder.requestTimeout);
        this.discovery = new Discovery(
                exchange,
                builder.ksfPolicy,
                builder.ksfOverride != null,
                new ServerTrust(builder.baseUri, builder.knownServers, builder.pinnedKey));
        this.transport = new SignedTransport(exchange, new PopSigner(builder.clock, builder.random));
        this.flows =
                new OpaqueFlows(exchange, transport, discovery, builder.random, builder.ksfOverride, builder.progress);
    }

    /** A builder for a client of the server at {@code baseUri} (e.g. {@code https://bank.example}). */
    public static Builder builder(URI baseUri) {
        return new Builder(baseUri);
    }

    /** The normalized base URI of the server. */
    public URI baseUri() {
        return exchange.baseUri();
    }

    /**
     * {@code GET /.well-known/opaque-pop}, checked: the KSF against the {@link KsfPolicy}, the server key against
     * a pinned key or, trusting on first use, against what the {@link KnownServers} stored at the first contact
     * (which stores the key and KSF when there is nothing yet). Every registration and login calls this first,
     * so nothing derived from a password is computed or sent unless it passes. A checked document is cached for
     * the life of the client.
     *
     * @throws OpaquePopClientException {@code discovery_failed} when the document cannot be read (the client
     *     fails closed: it never falls back to defaults); {@code weak_ksf} or {@code ksf_too_costly}; {@code
     *     server_key_mismatch} or {@code server_changed}; {@code unsupported_server} or {@code invalid_response}
     */
    public ServerInfo serverInfo() throws OpaquePopClientException {
        return discovery.serverInfo();
    }

    /**
     * Registers {@code username} with {@code password}: {@code POST /register/start}, the KSF, {@code POST
     * /register/finish} (RFC 9807 §5).
     *
     * @throws OpaquePopClientException e.g. with code {@code username_taken}
     */
    public void register(String username, byte[] password) throws OpaquePopClientException {
        requireUsername(username);
        Objects.requireNonNull(password, "password");
        flows.register(username, password);
    }

    /**
     * Logs in: {@code POST /login/start}, the KSF, {@code POST /login/finish} (RFC 9807 §6), and derives the
     * session's PoP key from the OPAQUE session key. The key the login authenticated must be the one the checked
     * {@link #serverInfo()} holds.
     *
     * @throws OpaquePopClientException with code {@code login_failed} for a wrong password or an unknown user
     *     (indistinguishable by design), {@code server_key_mismatch}, or the server's code
     */
    public ClientSession login(String username, byte[] password) throws OpaquePopClientException {
        return login(username, password, LoginPurpose.SIGN_IN);
    }

    /**
     * Logs in for {@code purpose}: {@link LoginPurpose#PASSWORD_CHANGE} or {@link LoginPurpose#ACCOUNT_DELETION}
     * gives the one session the server lets perform that operation (once, within its re-authentication window);
     * it is otherwise an ordinary session. The server refuses a password change or deletion on any other
     * session, however young, so that a session copied off this machine never suffices for either.
     *
     * @throws OpaquePopClientException as {@link #login(String, byte[])}
     */
    public ClientSession login(String username, byte[] password, LoginPurpose purpose) throws OpaquePopClientException {
        requireUsername(username);
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(purpose, "purpose");
        return flows.login(username, password, purpose);
    }

    /**
     * Sends a PoP-signed request and returns the raw answer, whatever its status. The method is sent upper-cased,
     * as it is signed; the body, if any, is sent as {@code application/json}; {@code null} or empty means no
     * body. A GET or HEAD answered {@code replayed_nonce} is signed again and sent once more, since the HTTP
     * client itself may have sent it twice ({@link #resentAfterReplayedNonce()}); other methods never are.
     *
     * @param pathAndQuery e.g. {@code /api/notes?limit=10}; percent-encode reserved characters yourself
     * @throws IllegalArgumentException when the session belongs to another server, the method is not ASCII
     *     letters, or the path is not one
     * @throws OpaquePopClientException when no answer arrived
     */
    public HttpResponse<byte[]> send(ClientSession session, String method, String pathAndQuery, byte[] body)
            throws OpaquePopClientException {
        return transport.send(session, method, pathAndQuery, body);
    }

    /**
     * Sends a PoP-signed request, as {@link #send}, and returns the body of its successful (2xx) answer: the call an
     * application's own client is built on (the demo bank's client is one). The body may be empty.
     *
     * @throws IllegalArgumentException as {@link #send}
     * @throws OpaquePopClientException when no answer arrived, or for any other status, with the server's problem
     *     code and title ({@code http_error} when the answer has no problem body)
     */
    public byte[] call(ClientSession session, String method, String pathAndQuery, byte[] body)
            throws OpaquePopClientException {
        HttpResponse<byte[]> response = transport.send(session, method, pathAndQuery, body);
        if (!Responses.isSuccess(response.statusCode())) {
            throw Responses.problem(response);
        }
        return response.body();
    }

    /**
     * How many signed GET or HEAD requests were answered {@code replayed_nonce} and then signed again and resent
     * (see {@link #send}); each one means the HTTP client had sent a request twice. For diagnostics.
     */
    public long resentAfterReplayedNonce() {
        return transport.resentAfterReplayedNonce();
    }

    // ---- the session's own endpoints

    /** {@code POST /logout}: ends the session on the server. */
    public void logout(ClientSession session) throws OpaquePopClientException {
        transport.noContent(session, "POST", "/logout", null);
    }

    /** {@code POST /logout?all=true}: ends every session of the session's user, this one included. */
    public void logoutAll(ClientSession session) throws OpaquePopClientException {
        transport.noContent(session, "POST", "/logout?all=true", null);
    }

    /** {@code GET /api/sessions}: the live sessions of the session's user, oldest first. */
    public List<SessionInfo> sessions(ClientSession session) throws OpaquePopClientException {
        return Responses.sessions(Responses.json(transport.send(session, "GET", "/api/sessions", null)));
    }

    /**
     * {@code DELETE /api/sessions/{idPrefix}}: ends one of the user's sessions, named by the {@link
     * SessionInfo#idPrefix()} a listing showed.
     *
     * @throws IllegalArgumentException when {@code idPrefix} is not 8 base64url characters
     * @throws OpaquePopClientException with code {@code session_not_found} when the user has no such session
     */
    public void endSession(ClientSession session, String idPrefix) throws OpaquePopClientException {
        Objects.requireNonNull(idPrefix, "idPrefix");
        if (idPrefix.length() != 8 || !Base64Url.isAlphabet(idPrefix, 8, 8)) {
            throw new IllegalArgumentException("idPrefix must be the 8 base64url characters a listing shows");
        }
        transport.noContent(session, "DELETE", "/api/sessions/" + idPrefix, null);
    }

    /**
     * Changes the password of the session's user: an OPAQUE registration with {@code newPassword} and fresh
     * randomness, run through {@code POST /api/password/start} and {@code /api/password/finish} (both signed with
     * the session). The session must come from {@link #login(String, byte[], LoginPurpose)} with {@link
     * LoginPurpose#PASSWORD_CHANGE}, at most 5 minutes ago (the server's default), and not have changed the
     * password before; otherwise the code is {@code reauthentication_required}. Every other session of the user
     * ends; this one stays valid for everyday calls.
     */
    public void changePassword(ClientSession session, byte[] newPassword) throws OpaquePopClientException {
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(newPassword, "newPassword");
        flows.changePassword(session, newPassword);
    }

    /**
     * {@code DELETE /api/account}: deletes the session's user (with what the server keeps of theirs) and every
     * session. The session
     * must come from {@link #login(String, byte[], LoginPurpose)} with {@link LoginPurpose#ACCOUNT_DELETION}, at
     * most 5 minutes ago (the server's default); otherwise the code is {@code reauthentication_required}.
     */
    public void deleteAccount(ClientSession session) throws OpaquePopClientException {
        transport.noContent(session, "DELETE", "/api/account", null);
    }

    /** Closes the HTTP client if this client created it; a client passed to the builder is left open. */
    @Override
    public void close() {
        exchange.close();
    }

    private static void requireUsername(String username) {
        Objects.requireNonNull(username, "username");
        if (username.isEmpty()) {
            throw new IllegalArgumentException("username must not be empty");
        }
        // The server identifies the user by these bytes (credential_identifier); check they exist as UTF-8.
        if (!StandardCharsets.UTF_8.newEncoder().canEncode(username)) {
            throw new IllegalArgumentException("username must be valid Unicode (no lone surrogates)");
        }
    }

    @Override
    public String toString() {
        return "OpaquePopClient[" + exchange.baseUri() + "]";
    }

    /** Configuration, validated once in {@link #build()}. */
    public static final class Builder {
        private final URI baseUri;
        private HttpClient http;
        private SecureRandom random;
        private Clock clock = Clock.systemUTC();
        private Duration requestTimeout = Duration.ofSeconds(30);
        private Ksf ksfOverride;
        private KsfPolicy ksfPolicy = KsfPolicy.recommended();
        private KnownServers knownServers;
        private byte[] pinnedKey;
        private boolean insecurePlainHttp;
        private ProgressListener progress = ProgressListener.NONE;

        private Builder(URI baseUri) {
            this.baseUri = RequestTarget.normalizeBase(Objects.requireNonNull(baseUri, "baseUri"));
        }

        /** The HTTP client to use; it is not closed by {@link OpaquePopClient#close()}. Default: a new one. */
        public Builder httpClient(HttpClient http) {
            this.http = Objects.requireNonNull(http, "http");
            return this;
        }

        /** Randomness for OPAQUE and nonces. Default: a new {@link SecureRandom}. */
        public Builder secureRandom(SecureRandom random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /** The clock request timestamps come from. Default: the system clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The time limit of each HTTP request (and of connecting). Default: 30 seconds. */
        public Builder requestTimeout(Duration requestTimeout) {
            Objects.requireNonNull(requestTimeout, "requestTimeout");
            if (requestTimeout.isZero() || requestTimeout.isNegative()) {
                throw new IllegalArgumentException("requestTimeout must be positive, got " + requestTimeout);
            }
            this.requestTimeout = requestTimeout;
            return this;
        }

        /**
         * Uses this KSF instead of the one the server advertises, for tests and benchmarks against a server
         * configured the same way. Registrations made with it only log in with it. Choosing the KSF yourself is
         * itself the explicit choice: the {@link KsfPolicy} is not applied to it.
         */
        public Builder ksfOverride(Ksf ksf) {
            this.ksfOverride = Objects.requireNonNull(ksf, "ksf");
            return this;
        }

        /**
         * Which Argon2id parameters a server may ask for. Default: {@link KsfPolicy#recommended()}; lower it only
         * for tests, benchmarks and demos ({@link KsfPolicy#insecureFloor}).
         */
        public Builder ksfPolicy(KsfPolicy ksfPolicy) {
            this.ksfPolicy = Objects.requireNonNull(ksfPolicy, "ksfPolicy");
            return this;
        }

        /**
         * Where each server's key and KSF are kept from the first contact (trust on first use). Default: {@link
         * KnownServers#inMemory()}, a store of this client alone; give a {@link KnownServers#file} to remember
         * servers across runs, as the CLI does.
         */
        public Builder knownServers(KnownServers knownServers) {
            this.knownServers = Objects.requireNonNull(knownServers, "knownServers");
            return this;
        }

        /**
         * The server's OPAQUE public key, obtained out of band (32 bytes): the client refuses a server that
         * advertises or authenticates any other, from the very first contact.
         */
        public Builder pinServerKey(byte[] serverPublicKey) {
            Objects.requireNonNull(serverPublicKey, "serverPublicKey");
            if (serverPublicKey.length != 32) {
                throw new IllegalArgumentException("a server public key is 32 bytes, got " + serverPublicKey.length);
            }
            this.pinnedKey = serverPublicKey.clone();
            return this;
        }

        /**
         * Allows plain {@code http://} to a server that is not on this machine. Anyone on the network path can
         * then read and change every message: answer a registration with their own OPRF key and take the record,
         * lower the KSF, or watch session ids. Only for a network you control end to end. Loopback servers ({@code
         * localhost}, 127.0.0.0/8, {@code [::1]}) are always allowed.
         */
        public Builder insecurePlainHttp() {
            this.insecurePlainHttp = true;
            return this;
        }

        /** Told before and after the slow password-stretching step. Default: {@link ProgressListener#NONE}. */
        public Builder progressListener(ProgressListener progress) {
            this.progress = Objects.requireNonNull(progress, "progress");
            return this;
        }

        /**
         * @throws IllegalArgumentException for a plain {@code http://} server that is not on this machine, unless
         *     {@link #insecurePlainHttp()}
         */
        public OpaquePopClient build() {
            if (RequestTarget.isPlainHttp(baseUri)
                    && !RequestTarget.isLoopback(baseUri.getHost())
                    && !insecurePlainHttp) {
                throw new IllegalArgumentException("refusing plain http:// to " + baseUri.getHost()
                        + ": registration and login need an authenticated channel (use https://)");
            }
            if (random == null) {
                random = new SecureRandom();
            }
            if (knownServers == null) {
                knownServers = KnownServers.inMemory();
            }
            return new OpaquePopClient(this);
        }
    }
}
