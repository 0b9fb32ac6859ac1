package dev.opaquepop.cli;

import dev.opaquepop.client.KsfPolicy;
import dev.opaquepop.client.OpaquePopClient;
import dev.opaquepop.pop.Base64Url;
import picocli.CommandLine.Option;

/**
 * What a client command refuses before it stretches or sends a password, and the two explicit ways to lower it.
 * Each risky option is named for what it risks.
 */
final class ClientPolicyOptions {
    @Option(
            names = "--server-key",
            defaultValue = "${env:OPAQUE_POP_SERVER_KEY}",
            description = "The server's OPAQUE public key (base64url, 32 bytes; `opaque-pop setup` prints it),"
                    + " obtained out of band: any other key is refused, from the first contact on"
                    + " (env OPAQUE_POP_SERVER_KEY).")
    String serverKey;

    @Option(
            names = "--insecure-allow-weak-ksf",
            description = "Accept Argon2id settings below m=65536 KiB, t=3 from the server. For test servers only:"
                    + " passwords registered this way are cheap to guess for anyone who gets the server's records.")
    boolean allowWeakKsf;

    @Option(
            names = "--insecure-http",
            description = "Allow plain http:// to a server that is not on this machine. Anyone on the network path"
                    + " can then take over a registration or lower the KSF; only for a network you control.")
    boolean allowPlainHttp;

    /** The lowest floor Argon2id itself allows: 8 KiB, one pass. */
    private static final KsfPolicy WEAK = KsfPolicy.insecureFloor(8, 1);

    /** Whether {@code --server-key} (or its environment variable) pins the server's key. */
    boolean pinsKey() {
        return serverKey != null && !serverKey.isBlank();
    }

    OpaquePopClient.Builder applyTo(OpaquePopClient.Builder builder) {
        if (pinsKey()) {
            byte[] key;
            try {
                key = Base64Url.decode(serverKey.strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--server-key must be base64url");
            }
            if (key.length != 32) {
                throw new IllegalArgumentException("--server-key must be 32 bytes, got " + key.length);
            }
            builder.pinServerKey(key);
        }
        if (allowWeakKsf) {
            builder.ksfPolicy(WEAK);
        }
        if (allowPlainHttp) {
            builder.insecurePlainHttp();
        }
        return builder;
    }
}
