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

    private RequestBody() {}

    /** The exact body bytes, at most {@code maxBytes}; cached on the context so PoP and handlers see the same. */
    static byte[] bytes(Context ctx, int maxBytes) throws ApiException {
        byte[] cached = ctx.attribute(ATTRIBUTE);
        if (cached != null) {
            return cached;
        }
        long declared = ctx.req().getContentLengthLong();
        if (declared > maxBytes) {
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
                throw tooLarge(maxBytes);
            }
            ctx.attribute(ATTRIBUTE, body);
            return body;
        } catch (IOException e) {
            throw ApiException.badRequest("the request body could not be read");
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
            throw ApiException.badRequest("the body is not valid JSON");
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
