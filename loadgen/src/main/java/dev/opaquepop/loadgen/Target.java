package dev.opaquepop.loadgen;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A server under load: its label in the report, its base URI, and where its CPU time is read.
 *
 * @param name the label, e.g. {@code opaque-pop} or {@code opaque-ke}
 * @param base the base URI, e.g. {@code http://127.0.0.1:8080}
 * @param pid the server's process id on this machine, or {@code null} when it is not local or not known
 */
record Target(String name, URI base, Long pid) {
    Target {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(base, "base");
    }

    /**
     * Pairs {@code [name=]URL} server arguments with {@code [name=]PID} ones. Unnamed servers are called "server",
     * or "server1", "server2", ... when there are several; an unnamed pid belongs to the server at the same
     * position.
     *
     * @throws IllegalArgumentException with a message for the user on a malformed or unmatched argument
     */
    static List<Target> parse(List<String> servers, List<String> pids) {
        Map<String, URI> named = new LinkedHashMap<>();
        for (int i = 0; i < servers.size(); i++) {
            String argument = servers.get(i);
            int equals = argument.indexOf('=');
            boolean labelled = equals > 0 && !argument.substring(0, equals).contains(":");
            String name =
                    labelled ? argument.substring(0, equals) : servers.size() == 1 ? "server" : "server" + (i + 1);
            String url = labelled ? argument.substring(equals + 1) : argument;
            URI uri = URI.create(url);
            if ((!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new IllegalArgumentException("--server " + argument + ": expected [name=]http://host:port");
            }
            if (named.put(name, uri) != null) {
                throw new IllegalArgumentException("--server: the name " + name + " is given twice");
            }
        }
        List<String> names = new ArrayList<>(named.keySet());
        Map<String, Long> pidOf = new LinkedHashMap<>();
        for (int i = 0; i < pids.size(); i++) {
            String argument = pids.get(i);
            int equals = argument.indexOf('=');
            String name = equals > 0 ? argument.substring(0, equals) : i < names.size() ? names.get(i) : null;
            if (name == null || !named.containsKey(name)) {
                throw new IllegalArgumentException("--server-pid " + argument + ": no --server of that name");
            }
            try {
                pidOf.put(name, Long.parseLong(argument.substring(equals + 1)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--server-pid " + argument + ": expected [name=]PID");
            }
        }
        List<Target> targets = new ArrayList<>();
        named.forEach((name, uri) -> targets.add(new Target(name, uri, pidOf.get(name))));
        return targets;
    }
}
