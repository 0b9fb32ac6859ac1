package dev.opaquepop.server.api;

/**
 * One of the protocol's own endpoints: its method, its path pattern (at most one trailing {@code {name}} segment),
 * whether it needs a PoP-signed request, and what answers it.
 *
 * @param method the HTTP method
 * @param pattern the path below the mount point, such as {@code /api/sessions/{idPrefix}}
 * @param signed true when only a PoP-signed request may reach the handler
 * @param handler the answer
 */
public record Route(String method, String pattern, boolean signed, Handler handler) {

    /** Answers a request of this route. */
    @FunctionalInterface
    public interface Handler {
        /**
         * @param verified the verified request on a {@link #signed()} route, else {@code null}
         * @param parameter the value of the pattern's trailing {@code {name}} segment, else {@code null}
         */
        ApiResponse handle(ApiRequest request, Verified verified, String parameter) throws Exception;
    }

    /** The name of the pattern's trailing {@code {name}} segment, or {@code null} for a fixed path. */
    public String parameterName() {
        int brace = pattern.indexOf('{');
        return brace < 0 ? null : pattern.substring(brace + 1, pattern.length() - 1);
    }

    /** The pattern's fixed part: all of it, or what comes before its {@code {name}} segment. */
    String prefix() {
        int brace = pattern.indexOf('{');
        return brace < 0 ? pattern : pattern.substring(0, brace);
    }

    /** The parameter {@code path} gives this route's pattern, {@code ""} for a fixed path; {@code null}: no match. */
    String match(String path) {
        String prefix = prefix();
        if (prefix.length() == pattern.length()) {
            return path.equals(pattern) ? "" : null;
        }
        if (!path.startsWith(prefix) || path.length() == prefix.length()) {
            return null;
        }
        String parameter = path.substring(prefix.length());
        return parameter.indexOf('/') >= 0 ? null : parameter;
    }
}
