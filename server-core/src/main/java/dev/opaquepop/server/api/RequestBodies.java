package dev.opaquepop.server.api;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.Base64;

/**
 * Request bodies, read once with a size bound (a larger body is a 413 before it is buffered), and their JSON fields
 * with checks that name the field: present, a string, valid base64url.
 */
public final class RequestBodies {
    private static final byte[] EMPTY = new byte[0];
    /**
     * How much of a too-large body is read and dropped before the 413 is sent. A server that answers and closes
     * with the client still sending makes the client's TCP stack reset the connection, and the client then
     * loses the answer (the JDK's HttpClient reports "header parser received no bytes"); reading the rest first
     * lets the answer arrive and the connection stay usable. Larger bodies are cut off as before (Tomcat's
     * maxSwallowSize, 2 MiB by default, is the same idea).
     */
    public static final int MAX_DISCARDED_BYTES = 1 << 20;

    private final int maxBytes;
    private final ObjectMapper json;

    public RequestBodies(int maxBytes) {
        this.maxBytes = maxBytes;
        // A repeated field is refused, not resolved: a parser that kept the first copy (a proxy, an audit log)
        // and this one, which would keep the last, must never read two different requests out of one body.
        this.json = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        json.getFactory()
                .setStreamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(32)
                        .maxStringLength(maxBytes)
                        .build());
    }

    /** The largest body read. */
    public int maxBytes() {
        return maxBytes;
    }

    /** The exact body bytes, at most {@link #maxBytes()}. */
    public byte[] bytes(ApiRequest request) throws ApiProblem {
        long declared = request.declaredLength();
        if (declared > maxBytes) {
            if (declared <= MAX_DISCARDED_BYTES) {
                discardRest(request);
            }
            throw tooLarge();
        }
        if (declared == 0) {
            // Most signed calls are GETs without a body: skip the stream and its read buffer.
            return EMPTY;
        }
        try (InputStream in = request.openBody()) {
            byte[] body = in.readNBytes(maxBytes + 1);
            if (body.length > maxBytes) {
                discard(in, MAX_DISCARDED_BYTES - body.length);
                throw tooLarge();
            }
            return body;
        } catch (IOException e) {
            throw ApiProblem.badRequest("the request body could not be read");
        }
    }

    private static void discardRest(ApiRequest request) {
        try (InputStream in = request.openBody()) {
            discard(in, MAX_DISCARDED_BYTES);
        } catch (IOException e) {
            // The client went away: there is no one left to lose the answer.
        }
    }

    /** Reads and drops up to {@code limit} bytes, stopping early at the end of the body. */
    private static void discard(InputStream in, long limit) throws IOException {
        byte[] buffer = new byte[8192];
        for (long left = limit; left > 0; ) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                return;
            }
            left -= n;
        }
    }

    private ApiProblem tooLarge() {
        return new ApiProblem(
                413,
                "payload_too_large",
                "The request body is too large",
                "bodies are limited to " + maxBytes + " bytes");
    }

    /** {@code body} as a JSON object. */
    public JsonNode json(byte[] body) throws ApiProblem {
        JsonNode node;
        try {
            node = json.readTree(body);
        } catch (JacksonException e) {
            // STRICT_DUPLICATE_DETECTION on the parser: say so, since the body may be otherwise well formed.
            String reason = e.getOriginalMessage();
            throw ApiProblem.badRequest(
                    reason != null && reason.startsWith("Duplicate field")
                            ? "the body repeats a field"
                            : "the body is not valid JSON");
        } catch (IOException e) {
            throw ApiProblem.badRequest("the body could not be parsed");
        }
        if (node == null || !node.isObject()) {
            throw ApiProblem.badRequest("the body must be a JSON object");
        }
        return node;
    }

    /** A JSON object's string field. */
    public static String string(JsonNode body, String field) throws ApiProblem {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            throw ApiProblem.badRequest("missing field \"" + field + "\"");
        }
        if (!value.isTextual()) {
            throw ApiProblem.badRequest("field \"" + field + "\" must be a string");
        }
        return value.asText();
    }

    /** A base64url field; padding is accepted but not required. */
    public static byte[] base64url(JsonNode body, String field) throws ApiProblem {
        String text = string(body, field);
        try {
            return Base64.getUrlDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badRequest("field \"" + field + "\" is not valid base64url");
        }
    }
}
