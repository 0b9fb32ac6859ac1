package dev.opaquepop.opaque.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opaquepop.opaque.Identities;
import java.nio.charset.StandardCharsets;

/**
 * Client and server identities, as {@link Identities} for this library and as {@code identifiers} for the peer.
 *
 * @param client the client identity, or null for the default (the client's public key)
 * @param server the server identity, or null for the default (the server's public key)
 */
record Ids(String client, String server) {
    static final Ids NONE = new Ids(null, null);

    Identities ours() {
        if (client == null && server == null) {
            return Identities.none();
        }
        return Identities.of(
                client == null ? null : client.getBytes(StandardCharsets.UTF_8),
                server == null ? null : server.getBytes(StandardCharsets.UTF_8));
    }

    JsonNode theirs() {
        if (client == null && server == null) {
            return NullNode.getInstance();
        }
        ObjectNode identifiers = JsonNodeFactory.instance.objectNode();
        if (client != null) {
            identifiers.put("client", client);
        }
        if (server != null) {
            identifiers.put("server", server);
        }
        return identifiers;
    }
}
