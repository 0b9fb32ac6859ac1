package dev.opaquepop.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;

/** Writes RFC 9457 {@code application/problem+json} bodies: type, title, status, code and an optional detail. */
final class Problems {
    static final String CONTENT_TYPE = "application/problem+json";
    private static final String TYPE_PREFIX = "urn:opaque-pop:problem:";

    private Problems() {}

    static void write(Context ctx, ObjectMapper json, ApiException problem) {
        ObjectNode body = json.createObjectNode();
        body.put("type", TYPE_PREFIX + problem.code());
        body.put("title", problem.title());
        body.put("status", problem.status());
        body.put("code", problem.code());
        if (problem.detail() != null) {
            body.put("detail", problem.detail());
        }
        ctx.status(problem.status());
        ctx.contentType(CONTENT_TYPE);
        ctx.result(body.toString());
    }
}
