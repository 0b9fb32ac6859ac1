package dev.opaquepop.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the server's answers: success bodies into values, error bodies (RFC 9457 problem+json) into {@link
 * OpaquePopClientException}s. Anything off-protocol is {@code invalid_response}, naming the field.
 */
final class Responses {
    private static final int SESSION_ID_LENGTH = 43;

    private Responses() {}

    static JsonNode json(HttpResponse<byte[]> response) throws OpaquePopClientException {
        if (!isSuccess(response.statusCode())) {
            throw problem(response);
        }
        try {
            return Json.readObject(response.body());
        } catch (Json.JsonFormatException e) {
            throw new OpaquePopClientException(
                    response.statusCode(), OpaquePopClientException.INVALID_RESPONSE, e.getMessage());
        }
    }

    static boolean isSuccess(int status) {
        return status >= 200 && status < 300;
    }

    /** Maps an error answer to an exception, with the RFC 9457 code and title when the body has them. */
    static OpaquePopClientException problem(HttpResponse<byte[]> response) {
        int status = response.statusCode();
        try {
            JsonNode json = Json.readObject(response.body());
            String code = Json.text(json, "code");
            JsonNode title = json.get("title");
            return new OpaquePopClientException(
                    status,
                    code.isBlank() ? OpaquePopClientException.HTTP_ERROR : code,
                    title != null && title.isTextual() ? title.textValue() : null);
        } catch (Json.JsonFormatException e) {
            return new OpaquePopClientException(status, OpaquePopClientException.HTTP_ERROR, null);
        }
    }

    /** The sessions of {@code GET /api/sessions}, in the server's order. */
    static List<SessionInfo> sessions(JsonNode json) throws OpaquePopClientException {
        JsonNode items = json.get("sessions");
        if (items == null || !items.isArray()) {
            throw OpaquePopClientException.invalidResponse("field \"sessions\" must be an array");
        }
        List<SessionInfo> sessions = new ArrayList<>();
        for (JsonNode item : items) {
            if (!item.isObject()) {
                throw OpaquePopClientException.invalidResponse("each session must be an object");
            }
            JsonNode current = item.get("current");
            if (current == null || !current.isBoolean()) {
                throw OpaquePopClientException.invalidResponse("field \"current\" must be a boolean");
            }
            sessions.add(new SessionInfo(
                    text(item, "id_prefix"),
                    epochSeconds(item, "created_at"),
                    epochSeconds(item, "last_used_at"),
                    text(item, "client_address"),
                    current.booleanValue()));
        }
        return List.copyOf(sessions);
    }

    static String text(JsonNode json, String field) throws OpaquePopClientException {
        try {
            return Json.text(json, field);
        } catch (Json.JsonFormatException e) {
            throw OpaquePopClientException.invalidResponse(e.getMessage());
        }
    }

    /** The {@code session_id} of a login answer: 43 base64url characters, or the session cannot be used. */
    static String sessionId(JsonNode json) throws OpaquePopClientException {
        String sessionId = text(json, "session_id");
        if (sessionId.length() != SESSION_ID_LENGTH || !isBase64Url(sessionId)) {
            throw OpaquePopClientException.invalidResponse("session_id must be 43 base64url characters");
        }
        return sessionId;
    }

    static byte[] base64Url(JsonNode json, String field) throws OpaquePopClientException {
        try {
            return Json.base64Url(json, field);
        } catch (Json.JsonFormatException e) {
            throw OpaquePopClientException.invalidResponse(e.getMessage());
        }
    }

    static Instant epochSeconds(JsonNode json, String field) throws OpaquePopClientException {
        try {
            return Instant.ofEpochSecond(Json.integer(json, field));
        } catch (Json.JsonFormatException e) {
            throw OpaquePopClientException.invalidResponse(e.getMessage());
        } catch (DateTimeException e) {
            throw OpaquePopClientException.invalidResponse("field \"" + field + "\" is out of range");
        }
    }

    private static boolean isBase64Url(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean ok =
                    (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
