package dev.opaquepop.cli;

import java.net.URI;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options shared by the client commands. */
final class ClientOptions {
    @Option(
            names = "--server",
            defaultValue = "${env:OPAQUE_POP_SERVER:-http://127.0.0.1:8080}",
            description = "Server base URL (env OPAQUE_POP_SERVER; default ${DEFAULT-VALUE}).")
    URI server;

    @Option(
            names = "--session-file",
            defaultValue = "${env:OPAQUE_POP_SESSION_FILE:-${sys:user.home}/.opaque-pop/session.json}",
            description = "Where login keeps the session, readable only by you (env OPAQUE_POP_SESSION_FILE;"
                    + " default ${DEFAULT-VALUE}).")
    Path sessionFile;

    @Option(
            names = "--cacert",
            defaultValue = "${env:OPAQUE_POP_CACERT}",
            description = "PEM file of the certificates to trust for an https:// server instead of the system's CAs:"
                    + " its self-signed certificate or a private CA (env OPAQUE_POP_CACERT).")
    Path cacert;

    @Option(
            names = "--known-servers",
            defaultValue = "${env:OPAQUE_POP_KNOWN_SERVERS}",
            description = "Where each server's key and KSF are kept from the first contact and checked at every later"
                    + " one, readable only by you (env OPAQUE_POP_KNOWN_SERVERS; default: known-servers.json beside"
                    + " the session file).")
    Path knownServers;

    @Mixin
    ClientPolicyOptions policy = new ClientPolicyOptions();

    /** {@code --known-servers}, or the file beside the session file. */
    Path knownServersFile() {
        return knownServers != null
                ? knownServers
                : sessionFile.toAbsolutePath().resolveSibling("known-servers.json");
    }
}
