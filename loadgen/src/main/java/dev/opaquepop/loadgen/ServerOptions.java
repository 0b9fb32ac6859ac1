package dev.opaquepop.loadgen;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --server} and {@code --server-pid}: the servers {@code bench logins} and {@code bench calls} drive. */
final class ServerOptions {
    @Option(
            names = "--server",
            paramLabel = "[NAME=]URL",
            description = "A server to drive, repeatable (e.g. opaque-pop=http://127.0.0.1:8080); start an"
                    + " opaque-pop server for this with --rate-limit off, or its limits against password guessing"
                    + " answer 429. Default: one started in this process on a free port, limits off (its CPU then"
                    + " cannot be told from the load's).")
    List<String> servers = new ArrayList<>();

    @Option(
            names = "--server-pid",
            paramLabel = "[NAME=]PID",
            description = "Process id of a local server, to read its CPU time from /proc/PID/stat. Without it the"
                    + " server's /metrics process_cpu_seconds_total is used when it has one.")
    List<String> serverPids = new ArrayList<>();

    /**
     * The servers given, empty when none is (then one is started in this process).
     *
     * @throws IllegalArgumentException with a message for the user on a malformed or unmatched argument
     */
    List<Target> targets() {
        return Target.parse(servers, serverPids);
    }
}
