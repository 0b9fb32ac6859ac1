package dev.opaquepop.server;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The {@code --public-path} patterns: request paths the gateway forwards without a PoP signature. A pattern is an
 * absolute path in which {@code *} stands for any characters within one segment and a final {@code /**} for the
 * path itself and everything below it ({@code /static/**} matches {@code /static}, {@code /static/app.js} and
 * {@code /static/css/site.css}). Nothing else is special; everything that matches no pattern needs a signature.
 */
public final class PublicPaths {
    /** The characters RFC 3986 allows in a path, besides letters and digits. */
    private static final String PATH_PUNCTUATION = "._~!$&'()*+,;=:@/%-";

    private final List<String> patterns;
    private final List<Pattern> compiled;

    private PublicPaths(List<String> patterns) {
        this.patterns = List.copyOf(patterns);
        this.compiled = patterns.stream().map(PublicPaths::compile).toList();
    }

    /** @throws IllegalArgumentException naming the pattern that is not one */
    static PublicPaths of(List<String> patterns) {
        for (String pattern : patterns) {
            if (!isPath(pattern)
                    || pattern.contains("//")
                    || pattern.contains("/../")
                    || pattern.endsWith("/..")
                    || (pattern.contains("**")
                            && !(pattern.endsWith("/**") && pattern.indexOf("**") == pattern.length() - 2))) {
                throw new IllegalArgumentException("--public-path '" + pattern + "' is not a path pattern: give an"
                        + " absolute path such as /favicon.ico, /static/** (that path and all below it) or"
                        + " /docs/*.html (* within one segment)");
            }
        }
        return new PublicPaths(patterns);
    }

    private static boolean isPath(String pattern) {
        if (!pattern.startsWith("/")) {
            return false;
        }
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            boolean alphanumeric = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            if (!alphanumeric && PATH_PUNCTUATION.indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }

    /** True when {@code path} (decoded, normalised, without query) may be forwarded without a signature. */
    public boolean matches(String path) {
        for (Pattern pattern : compiled) {
            if (pattern.matcher(path).matches()) {
                return true;
            }
        }
        return false;
    }

    public boolean isEmpty() {
        return patterns.isEmpty();
    }

    private static Pattern compile(String pattern) {
        String body = pattern;
        String tail = "";
        if (pattern.endsWith("/**")) {
            body = pattern.substring(0, pattern.length() - 3);
            tail = "(/.*)?";
        }
        StringBuilder regex = new StringBuilder();
        for (String literal : body.split("\\*", -1)) {
            if (regex.length() > 0) {
                regex.append("[^/]*");
            }
            regex.append(Pattern.quote(literal));
        }
        return Pattern.compile(regex + tail, Pattern.DOTALL);
    }

    @Override
    public String toString() {
        return patterns.toString();
    }
}
