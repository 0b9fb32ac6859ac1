package dev.opaquepop.server.http;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.Base64;

/**
 * The request body, read once with a size bound (a larger body is a 413 before it is buffered), and its JSON
 * fields with checks that name the field: present, a string, valid base64url.
 */
final class RequestBody {
    private static final String ATTRIBUTE = "opaque-pop.body";
    private static final byte[] EMPTY = new byte[0];
    /**
     * How much of a too-large body is read and dropped before the 413 is sent. A server that answers and closes
     * with the client still sending makes the client's TCP stack reset the connection, and the client then
     * loses the answer (the JDK's HttpClient reports "header parser received no bytes"); reading the rest first
     * lets the answer arrive and the connection stay usable. Larger bodies are cut off as before (Tomcat's
     * maxSwallowSize, 2 MiB by default, is the same idea).
     */
    static final int MAX_DISCARDED_BYTES = 1 << 20;

    private RequestBody() {}

    /** The exact body bytes, at most {@code maxBytes}; cached on the context so PoP and handlers see the same. */
    static byte[] bytes(Context ctx, int maxBytes) throws ApiException {
        byte[] cached = ctx.attribute(ATTRIBUTE);
        if (cached != null) {
            return cached;
        }
        long declared = ctx.req().getContentLengthLong();
        if (declared > maxBytes) {
            if (declared <= MAX_DISCARDED_BYTES) {
                discardRest(ctx);
            }
            throw tooLarge(maxBytes);
        }
        if (declared == 0) {
            // Most signed calls are GETs without a body: skip the stream and its read buffer.
            ctx.attribute(ATTRIBUTE, EMPTY);
            return EMPTY;
        }
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] body = in.readNBytes(maxBytes + 1);
            if (body.length > maxBytes) {
                discard(in, MAX_DISCARDED_BYTES - body.length);
                throw tooLarge(maxBytes);
            }
            ctx.attribute(ATTRIBUTE, body);
            return body;
        } catch (IOException e) {
            throw ApiException.badRequest("the request body could not be read");
        }
    }

    private static void discardRest(Context ctx) {
        try (InputStream in = ctx.req().getInputStream()) {
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

    private static ApiException tooLarge(int maxBytes) {
        return new ApiException(
                413,
                "payload_too_large",
                "The request body is too large",
                "bodies are limited to " + maxBytes + " bytes");
    }

    /** The body as a JSON object. */
    static JsonNode json(Context ctx, ObjectMapper mapper, int maxBytes) throws ApiException {
        byte[] body = bytes(ctx, maxBytes);
        JsonNode node;
        try {
            node = mapper.readTree(body);
        } catch (JacksonException e) {
            // STRICT_DUPLICATE_DETECTION on the parser: say so, since the body may be otherwise well formed.
            String reason = e.getOriginalMessage();
            throw ApiException.badRequest(
                    reason != null && reason.startsWith("Duplicate field")
                            ? "the body repeats a field"
                            : "the body is not valid JSON");
        } catch (IOException e) {
            throw ApiException.badRequest("the body could not be parsed");
        }
        if (node == null || !node.isObject()) {
            throw ApiException.badRequest("the body must be a JSON object");
        }
        return node;
    }

    static String string(JsonNode body, String field) throws ApiException {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            throw ApiException.badRequest("missing field \"" + field + "\"");
        }
        if (!value.isTextual()) {
            throw ApiException.badRequest("field \"" + field + "\" must be a string");
        }
        return value.asText();
    }

    /** A base64url field; padding is accepted but not required. */
    static byte[] base64url(JsonNode body, String field) throws ApiException {
        String text = string(body, field);
        try {
            return Base64.getUrlDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("field \"" + field + "\" is not valid base64url");
        }
    }
}
