package dev.opaquepop.demo;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opaquepop.client.ClientSession;
import dev.opaquepop.client.OpaquePopClient;
import dev.opaquepop.client.OpaquePopClientException;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A client of the stand-alone server's demo bank ({@code POST /api/transfer}, {@code GET /api/transfers}, {@code
 * GET /api/me}; docs/protocol.md): what an application's own client looks like over the SDK. Each method is one
 * {@link OpaquePopClient#call signed call} and reads its answer; failures are the SDK's {@link
 * OpaquePopClientException}, with {@code invalid_response} for an answer of the wrong shape. Thread-safe.
 *
 * <pre>{@code
 * DemoBankClient bank = new DemoBankClient(client);
 * TransferReceipt receipt = bank.transfer(session, "bob", "12.50");
 * }</pre>
 */
public final class DemoBankClient {
    // Configured once, then only used (thread-safe); a field named twice is not a shape the bank answers.
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final OpaquePopClient client;

    /** A bank client over {@code client}, whose server must be the stand-alone server (or one with its API). */
    public DemoBankClient(OpaquePopClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    /** {@code POST /api/transfer}: moves {@code amount} (a decimal string, e.g. {@code "12.50"}) to {@code to}. */
    public TransferReceipt transfer(ClientSession session, String to, String amount) throws OpaquePopClientException {
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(amount, "amount");
        ObjectNode body = JSON.createObjectNode().put("to", to).put("amount", amount);
        return receipt(object(client.call(session, "POST", "/api/transfer", bytes(body))), false);
    }

    /** {@code GET /api/transfers}: the session user's transfers, oldest first. */
    public List<TransferReceipt> transfers(ClientSession session) throws OpaquePopClientException {
        return receipts(object(client.call(session, "GET", "/api/transfers", null)));
    }

    /** {@code GET /api/me}: who the session belongs to and until when it is valid. */
    public Me me(ClientSession session) throws OpaquePopClientException {
        JsonNode json = object(client.call(session, "GET", "/api/me", null));
        return new Me(text(json, "username"), epochSeconds(json, "session_expires_at"));
    }

    // ---- the answers, read strictly: every error names the field, never its value

    static List<TransferReceipt> receipts(JsonNode json) throws OpaquePopClientException {
        JsonNode items = json.get("transfers");
        if (items == null || !items.isArray()) {
            throw OpaquePopClientException.invalidResponse("field \"transfers\" must be an array");
        }
        List<TransferReceipt> receipts = new ArrayList<>();
        for (JsonNode item : items) {
            if (!item.isObject()) {
                throw OpaquePopClientException.invalidResponse("each transfer must be an object");
            }
            receipts.add(receipt(item, true));
        }
        return List.copyOf(receipts);
    }

    /** A transfer; {@code created_at} is required in a listing, optional in the answer to a booking. */
    static TransferReceipt receipt(JsonNode json, boolean withCreatedAt) throws OpaquePopClientException {
        Optional<Instant> createdAt = withCreatedAt || json.has("created_at")
                ? Optional.of(epochSeconds(json, "created_at"))
                : Optional.empty();
        return new TransferReceipt(
                text(json, "transfer_id"), text(json, "from"), text(json, "to"), text(json, "amount"), createdAt);
    }

    static JsonNode object(byte[] body) throws OpaquePopClientException {
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (IOException e) {
            throw OpaquePopClientException.invalidResponse("not valid JSON");
        }
        if (node == null || !node.isObject()) {
            throw OpaquePopClientException.invalidResponse("not a JSON object");
        }
        return node;
    }

    private static String text(JsonNode json, String field) throws OpaquePopClientException {
        JsonNode value = json.get(field);
        if (value == null || !value.isTextual()) {
            throw OpaquePopClientException.invalidResponse("field \"" + field + "\" must be a string");
        }
        return value.textValue();
    }

    private static Instant epochSeconds(JsonNode json, String field) throws OpaquePopClientException {
        JsonNode value = json.get(field);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()) {
            throw OpaquePopClientException.invalidResponse("field \"" + field + "\" must be an integer");
        }
        try {
            return Instant.ofEpochSecond(value.longValue());
        } catch (DateTimeException e) {
            throw OpaquePopClientException.invalidResponse("field \"" + field + "\" is out of range");
        }
    }

    private static byte[] bytes(ObjectNode body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            // An object of two strings always serializes.
            throw new IllegalStateException("cannot serialize a JSON object", e);
        }
    }
}
