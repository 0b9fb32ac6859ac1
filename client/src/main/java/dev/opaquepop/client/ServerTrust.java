package dev.opaquepop.client;

import java.io.IOException;
import java.net.URI;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * Whether a server's advertised key and KSF are the ones to trust: a key pinned out of band, else the key and KSF
 * stored at the first contact (trust on first use). Immutable; the store it consults is not.
 *
 * <p>A pin overrides what trust on first use stored: a user who got the key from the operator after a first
 * contact (perhaps with an impostor) must not be locked out by that contact, so a stored entry with another key
 * is replaced by the pinned one. The KSF stored beside the pinned key is still compared, so a KSF changed behind
 * an unchanged key is refused either way.
 */
final class ServerTrust {
    private final URI server;
    private final KnownServers store;
    private final byte[] pinnedKey;

    /** {@code pinnedKey} may be null (no pin). */
    ServerTrust(URI server, KnownServers store, byte[] pinnedKey) {
        this.server = KnownServers.identity(server);
        this.store = store;
        this.pinnedKey = pinnedKey == null ? null : pinnedKey.clone();
    }

    /**
     * Stores the document's key and KSF at the first contact; otherwise checks them against the pin and the store.
     *
     * @throws OpaquePopClientException {@code server_key_mismatch}, {@code server_changed}, or {@code
     *     known_servers_error} when the store cannot be read or written
     */
    void check(ServerInfo info) throws OpaquePopClientException {
        byte[] key = info.serverPublicKey();
        boolean pinned = pinnedKey != null;
        if (pinned && !MessageDigest.isEqual(pinnedKey, key)) {
            throw new OpaquePopClientException(
                    0,
                    OpaquePopClientException.SERVER_KEY_MISMATCH,
                    server + " advertises another key than the pinned one");
        }
        try {
            Optional<KnownServer> known = store.find(server);
            if (known.isEmpty() || (pinned && !known.get().hasKey(key))) {
                store.remember(server, new KnownServer(key, info.ksf()));
            } else if (!known.get().hasKey(key)) {
                throw new OpaquePopClientException(
                        0,
                        OpaquePopClientException.SERVER_KEY_MISMATCH,
                        server + " advertises another key than at first contact: another server may be answering"
                                + " in its place. If its operator really replaced the key, check the new key with"
                                + " them, then forget the server or pin the new key");
            } else if (!known.get().ksf().equals(info.ksf())) {
                throw new OpaquePopClientException(
                        0,
                        OpaquePopClientException.SERVER_CHANGED,
                        server + " now asks for " + info.ksf() + ", not the "
                                + known.get().ksf()
                                + " of the first contact. If its operator really changed it, forget the server");
            }
        } catch (IOException e) {
            throw new OpaquePopClientException(
                    0, OpaquePopClientException.KNOWN_SERVERS_ERROR, "known servers: " + e.getMessage(), e);
        }
    }
}
