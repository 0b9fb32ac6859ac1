package dev.opaquepop.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opaquepop.pop.Base64Url;
import dev.opaquepop.pop.PopKey;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A logged-in session on the client: the session id, its PoP key, and the server it belongs to. Immutable. The
 * PoP key is as good as the password until the session expires, so {@link #save(Path)} writes it to a file only
 * its owner can read, and {@link #toString()} shows neither the id nor the key.
 */
public final class ClientSession {
    private static final String FORMAT = "opaque-pop-session-v1";

    private final String sessionId;
    private final String username;
    private final PopKey popKey;
    private final Instant expiresAt;
    private final URI server;

    /**
     * @param server the base URI of the server that issued the session (normalized: no trailing slash); the
     *     client refuses to sign requests for it to any other server
     * @throws IllegalArgumentException when {@code server} is not an http or https base URI
     */
    public ClientSession(String sessionId, String username, PopKey popKey, Instant expiresAt, URI server) {
        this.sessionId = Objects.requireNonNull(sessionId, "sessionId");
        this.username = Objects.requireNonNull(username, "username");
        this.popKey = Objects.requireNonNull(popKey, "popKey");
        this.expiresAt = Objects.requireNonNull(expiresAt, "expiresAt");
        this.server = RequestTarget.normalizeBase(Objects.requireNonNull(server, "server"));
    }

    public String sessionId() {
        return sessionId;
    }

    public String username() {
        return username;
    }

    public PopKey popKey() {
        return popKey;
    }

    public Instant expiresAt() {
        return expiresAt;
    }

    /** The base URI of the server that issued the session. */
    public URI server() {
        return server;
    }

    /** Whether the server no longer accepts the session at {@code now}. */
    public boolean isExpiredAt(Instant now) {
        return !now.isBefore(expiresAt);
    }

    /**
     * Writes the session as JSON to {@code file}, replacing it. On POSIX file systems the file is created with
     * permissions 0600 from the start (a temporary file in the same directory, then an atomic rename), so the
     * key is never readable by others, not even for a moment; elsewhere the file inherits the directory's
     * access rules.
     */
    public void save(Path file) throws IOException {
        byte[] key = popKey.secret().revealBytes();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("format", FORMAT);
        json.put("server", server.toString());
        json.put("username", username);
        json.put("session_id", sessionId);
        json.put("expires_at", expiresAt.getEpochSecond());
        json.put("pop_key", Base64Url.encode(key));
        byte[] bytes = Json.writePretty(json);
        try {
            OwnerOnlyFiles.write(file, bytes);
        } finally {
            Arrays.fill(key, (byte) 0);
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /**
     * Reads a session written by {@link #save(Path)}.
     *
     * @throws IOException when the file cannot be read or is not a saved session; the message names the field,
     *     never a value
     */
    public static ClientSession load(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        byte[] key = null;
        try {
            JsonNode json = Json.readObject(bytes);
            if (!FORMAT.equals(Json.text(json, "format"))) {
                throw new IOException("not a saved opaque-pop session: unknown format");
            }
            key = Json.base64Url(json, "pop_key");
            if (key.length != PopKey.LENGTH) {
                throw new IOException("not a saved opaque-pop session: pop_key must be 32 bytes");
            }
            URI server = URI.create(Json.text(json, "server"));
            return new ClientSession(
                    Json.text(json, "session_id"),
                    Json.text(json, "username"),
                    PopKey.fromBytes(key),
                    Instant.ofEpochSecond(Json.integer(json, "expires_at")),
                    server);
        } catch (Json.JsonFormatException e) {
            throw new IOException("not a saved opaque-pop session: " + e.getMessage(), e);
        } catch (IllegalArgumentException | DateTimeException e) {
            throw new IOException("not a saved opaque-pop session: a field is out of range", e);
        } finally {
            Arrays.fill(bytes, (byte) 0);
            if (key != null) {
                Arrays.fill(key, (byte) 0);
            }
        }
    }

    @Override
    public String toString() {
        return "ClientSession[username=" + username + ", server=" + server + ", expiresAt=" + expiresAt
                + ", id and key redacted]";
    }
}
