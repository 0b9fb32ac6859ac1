package dev.opaquepop.client;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** {@link KnownServers#inMemory()}. */
final class InMemoryKnownServers implements KnownServers {
    private final Map<URI, KnownServer> servers = new ConcurrentHashMap<>();

    @Override
    public Optional<KnownServer> find(URI server) {
        return Optional.ofNullable(servers.get(KnownServers.identity(server)));
    }

    @Override
    public void remember(URI server, KnownServer known) {
        servers.put(KnownServers.identity(server), known);
    }

    @Override
    public boolean forget(URI server) {
        return servers.remove(KnownServers.identity(server)) != null;
    }
}
