package dev.opaquepop.client;

import dev.opaquepop.pop.PopFailure;
import dev.opaquepop.pop.PopSigner;
import dev.opaquepop.pop.SignedRequest;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/** PoP-signed requests of a session (docs/protocol.md, "The canonical request"), sent through an {@link Exchange}. */
final class SignedTransport {
    /** Methods the JDK's HttpClient may send twice on its own (and that change nothing on the server). */
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD");

    private final Exchange exchange;
    private final PopSigner signer;
    private final LongAdder resentGets = new LongAdder();

    SignedTransport(Exchange exchange, PopSigner signer) {
        this.exchange = exchange;
        this.signer = signer;
    }

    /** See {@link OpaquePopClient#send}. */
    HttpResponse<byte[]> send(ClientSession session, String method, String pathAndQuery, byte[] body)
            throws OpaquePopClientException {
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(pathAndQuery, "pathAndQuery");
        // The canonical request does not name the host: a request signed for one server could be replayed to
        // another within the window, so a session's credentials only ever go to the server that issued it.
        if (!session.server().equals(exchange.baseUri())) {
            throw new IllegalArgumentException("the session belongs to another server than this client's");
        }
        if (!isAsciiLetters(method)) {
            throw new IllegalArgumentException("method must be ASCII letters, e.g. GET");
        }
        URI uri = RequestTarget.resolve(exchange.baseUri(), pathAndQuery);
        // HTTP methods are case-sensitive; the canonical request upper-cases them, so the wire must too.
        String upperMethod = method.toUpperCase(Locale.ROOT);
        byte[] sent = body == null ? new byte[0] : body.clone();
        HttpResponse<byte[]> response = exchange.send(signed(session, upperMethod, uri, sent));
        if (SAFE_METHODS.contains(upperMethod) && isReplayedNonce(response)) {
            // The JDK's HttpClient sends a GET or HEAD a second time by itself, headers and all, when the pooled
            // connection it went out on closes before an answer (the server may have processed it: JDK
            // MultiExchange, ConnectionExpiredException). The server then rightly refuses the copy as a replay.
            // A safe method changes nothing, so it is signed afresh, with a new nonce, and sent once more.
            resentGets.increment();
            response = exchange.send(signed(session, upperMethod, uri, sent));
        }
        return response;
    }

    /** A signed call whose answer must be a success without a body. */
    void noContent(ClientSession session, String method, String pathAndQuery, byte[] body)
            throws OpaquePopClientException {
        HttpResponse<byte[]> response = send(session, method, pathAndQuery, body);
        if (!Responses.isSuccess(response.statusCode())) {
            throw Responses.problem(response);
        }
    }

    long resentAfterReplayedNonce() {
        return resentGets.sum();
    }

    /** A freshly signed request; an empty {@code body} is sent as none. */
    private HttpRequest signed(ClientSession session, String method, URI uri, byte[] body) {
        boolean hasBody = body.length > 0;
        SignedRequest signed = signer.sign(session.sessionId(), session.popKey(), method, RequestTarget.of(uri), body);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(exchange.requestTimeout())
                .method(
                        method,
                        hasBody ? HttpRequest.BodyPublishers.ofByteArray(body) : HttpRequest.BodyPublishers.noBody());
        signed.headers().forEach(request::header);
        if (hasBody) {
            request.header("Content-Type", Exchange.JSON);
        }
        return request.build();
    }

    private static boolean isReplayedNonce(HttpResponse<byte[]> response) {
        return response.statusCode() == 401
                && PopFailure.REPLAYED_NONCE
                        .code()
                        .equals(Responses.problem(response).code());
    }

    private static boolean isAsciiLetters(String text) {
        if (text.isEmpty()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(c >= 'A' && c <= 'Z') && !(c >= 'a' && c <= 'z')) {
                return false;
            }
        }
        return true;
    }
}
