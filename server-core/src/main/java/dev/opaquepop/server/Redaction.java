package dev.opaquepop.server;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Connection URLs as they may appear in logs: scheme, host, port and path, never credentials or parameters. */
final class Redaction {
    private Redaction() {}

    /** Each of a comma-separated list of URLs (the seeds of a Redis Cluster) as {@link #url}. */
    static String urls(String urls) {
        if (urls == null) {
            return null;
        }
        return Arrays.stream(urls.split(",", -1))
                .map(String::strip)
                .map(Redaction::url)
                .collect(Collectors.joining(","));
    }

    /**
     * Drops the user information ({@code user:password@}) and everything from the first {@code ?}, {@code ;}
     * or {@code #}: {@code redis://:secret@cache:6379/0} becomes {@code redis://cache:6379/0}, {@code
     * jdbc:postgresql://db/app?password=secret} becomes {@code jdbc:postgresql://db/app}.
     */
    static String url(String url) {
        if (url == null) {
            return null;
        }
        String kept = url;
        for (char cut : new char[] {'?', ';', '#'}) {
            int at = kept.indexOf(cut);
            if (at >= 0) {
                kept = kept.substring(0, at);
            }
        }
        int authority = kept.indexOf("//");
        if (authority < 0) {
            return kept;
        }
        int at = kept.lastIndexOf('@');
        if (at > authority) {
            kept = kept.substring(0, authority + 2) + kept.substring(at + 1);
        }
        return kept;
    }
}
