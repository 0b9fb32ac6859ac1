package dev.opaquepop.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opaquepop.pop.Base64Url;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link KnownServers#file(Path)}: {@code {"format": "opaque-pop-known-servers-v1", "servers": {"<base URI>":
 * {"server_public_key", "ksf": {...}}}}}. Read on every lookup, so an entry removed by hand takes effect at once;
 * an entry's URI is read as the {@link KnownServers#identity} it names, however it is spelled.
 */
final class FileKnownServers implements KnownServers {
    private static final String FORMAT = "opaque-pop-known-servers-v1";
    private static final int PUBLIC_KEY_LENGTH = 32;

    private final Path file;

    FileKnownServers(Path file) {
        this.file = Objects.requireNonNull(file, "file").toAbsolutePath();
    }

    @Override
    public Optional<KnownServer> find(URI server) throws IOException {
        return Optional.ofNullable(readAll().get(key(server)));
    }

    @Override
    public synchronized void remember(URI server, KnownServer known) throws IOException {
        Map<String, KnownServer> servers = readAll();
        servers.put(key(server), known);
        writeAll(servers);
    }

    @Override
    public synchronized boolean forget(URI server) throws IOException {
        Map<String, KnownServer> servers = readAll();
        if (servers.remove(key(server)) == null) {
            return false;
        }
        writeAll(servers);
        return true;
    }

    private static String key(URI server) {
        return KnownServers.identity(server).toString();
    }

    private static String storedKey(String server) throws Json.JsonFormatException {
        try {
            return key(URI.create(server));
        } catch (IllegalArgumentException e) {
            throw new Json.JsonFormatException("an entry is not a server base URI");
        }
    }

    private void writeAll(Map<String, KnownServer> servers) throws IOException {
        Map<String, Object> entries = new LinkedHashMap<>();
        servers.forEach((uri, entry) -> entries.put(
                uri,
                Map.of("server_public_key", Base64Url.encode(entry.publicKey()), "ksf", KsfJson.write(entry.ksf()))));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("format", FORMAT);
        json.put("servers", entries);
        OwnerOnlyFiles.write(file, Json.writePretty(json));
    }

    private Map<String, KnownServer> readAll() throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return new LinkedHashMap<>();
        }
        Map<String, KnownServer> servers = new LinkedHashMap<>();
        try {
            JsonNode root = Json.readObject(bytes);
            if (!FORMAT.equals(Json.text(root, "format"))) {
                throw new IOException(file + " is not a known-servers file of this client");
            }
            JsonNode entries = Json.object(root, "servers");
            for (Map.Entry<String, JsonNode> entry : entries.properties()) {
                JsonNode value = entry.getValue();
                if (!value.isObject()) {
                    throw new Json.JsonFormatException("each server must be an object");
                }
                byte[] key = Json.base64Url(value, "server_public_key");
                if (key.length != PUBLIC_KEY_LENGTH) {
                    throw new Json.JsonFormatException("a server_public_key is not 32 bytes");
                }
                KnownServer known = new KnownServer(key, KsfJson.read(Json.object(value, "ksf")));
                // A hand-edited entry may spell the server another way: it still names the same server.
                KnownServer earlier = servers.put(storedKey(entry.getKey()), known);
                if (earlier != null && !earlier.equals(known)) {
                    throw new Json.JsonFormatException("two entries for one server disagree");
                }
            }
        } catch (Json.JsonFormatException | OpaquePopClientException e) {
            // Failing closed: a damaged file must not silently turn every server into a first contact.
            throw new IOException("the known-servers file " + file + " is damaged: " + e.getMessage(), e);
        }
        return servers;
    }
}
