package dev.opaquepop.server;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The gateway's options ({@code --upstream} and its companions), validated once in {@link Builder#build} with
 * messages that name the option and what to change.
 */
public final class GatewayConfig {
    /** The gateway's signing key, by default beside the server setup in {@code <data>-secrets}. */
    static final String KEY_FILE_NAME = "gateway-key.jwk";

    private final URI upstream;
    private final PublicPaths publicPaths;
    private final Duration upstreamTimeout;
    private final Path keyFile;

    private GatewayConfig(URI upstream, PublicPaths publicPaths, Duration upstreamTimeout, Path keyFile) {
        this.upstream = upstream;
        this.publicPaths = publicPaths;
        this.upstreamTimeout = upstreamTimeout;
        this.keyFile = keyFile;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The upstream's base URI: scheme, host, port and an optional path prefix (no trailing slash). */
    public URI upstream() {
        return upstream;
    }

    /**
     * The upstream's origin ({@code scheme://host[:port]}, lower case, default port omitted): the audience of every
     * assertion, so an assertion minted for one upstream is refused by another that checks its audience.
     */
    public String audience() {
        int port = upstream.getPort();
        boolean defaultPort = port == -1
                || (port == 80 && upstream.getScheme().equals("http"))
                || (port == 443 && upstream.getScheme().equals("https"));
        return upstream.getScheme() + "://" + asciiLowerCase(upstream.getHost()) + (defaultPort ? "" : ":" + port);
    }

    /** The paths forwarded without a PoP signature. */
    public PublicPaths publicPaths() {
        return publicPaths;
    }

    /**
     * How long the upstream may take to start its answer before the gateway answers 504, and the longest silence
     * within an answer (then the client's exchange is aborted) or on an idle pooled connection.
     */
    public Duration upstreamTimeout() {
        return upstreamTimeout;
    }

    /** The file of the gateway's Ed25519 signing key (a JWK, mode 0600), created on first start if missing. */
    public Path keyFile() {
        return keyFile;
    }

    /** Lower case for ASCII letters only: no Unicode case mapping can turn one host into another. */
    static String asciiLowerCase(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            out.append(c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c);
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return "GatewayConfig[upstream=" + upstream + ", publicPaths=" + publicPaths + ", upstreamTimeout="
                + upstreamTimeout + ", keyFile=" + keyFile + "]";
    }

    /** Starts from {@link Defaults}, as documented in docs/gateway.md. */
    public static final class Builder {
        private String upstream;
        private final List<String> publicPaths = new ArrayList<>();
        private Duration upstreamTimeout = Duration.ofSeconds(Defaults.UPSTREAM_TIMEOUT_SECONDS);
        private Path keyFile;

        private Builder() {}

        /** {@code --upstream}: where verified requests go, e.g. {@code http://127.0.0.1:9000}. */
        public Builder upstream(String upstream) {
            this.upstream = upstream;
            return this;
        }

        /** {@code --public-path}: one pattern or a comma-separated list; may be given several times. */
        public Builder publicPaths(String patterns) {
            if (patterns != null && !patterns.isBlank()) {
                for (String pattern : patterns.split(",", -1)) {
                    publicPaths.add(pattern.strip());
                }
            }
            return this;
        }

        public Builder upstreamTimeout(Duration upstreamTimeout) {
            this.upstreamTimeout = upstreamTimeout;
            return this;
        }

        /** {@code --gateway-key-file}; {@code null}: {@code <data>-secrets/gateway-key.jwk}. */
        public Builder keyFile(Path keyFile) {
            this.keyFile = keyFile;
            return this;
        }

        /** True when an upstream was given, i.e. the server runs as a gateway. */
        public boolean enabled() {
            return upstream != null && !upstream.isBlank();
        }

        /**
         * @param dataDirectory where the default key file goes beside
         * @throws IllegalArgumentException naming the option and what to change
         */
        public GatewayConfig build(Path dataDirectory) {
            URI uri = parseUpstream(upstream);
            CoreConfig.Builder.requireDuration(
                    "--upstream-timeout", upstreamTimeout, Duration.ofSeconds(1), Duration.ofMinutes(10));
            PublicPaths paths = PublicPaths.of(publicPaths);
            Path key = keyFile != null
                    ? keyFile
                    : SecretFiles.besideData(dataDirectory, KEY_FILE_NAME, "--gateway-key-file");
            return new GatewayConfig(uri, paths, upstreamTimeout, key);
        }

        private static URI parseUpstream(String text) {
            String usage = " (--upstream must be an http:// or https:// URL such as http://127.0.0.1:9000, with"
                    + " no query, fragment or user name)";
            URI uri;
            try {
                uri = new URI(text.strip());
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("--upstream '" + text + "' is not a URL" + usage);
            }
            String scheme = uri.getScheme() == null ? "" : asciiLowerCase(uri.getScheme());
            CoreConfig.Builder.require(
                    (scheme.equals("http") || scheme.equals("https"))
                            && uri.getHost() != null
                            && uri.getRawQuery() == null
                            && uri.getRawFragment() == null
                            && uri.getRawUserInfo() == null,
                    "--upstream '" + text + "' is not usable" + usage);
            String path = uri.getRawPath() == null ? "" : uri.getRawPath();
            while (path.endsWith("/")) {
                path = path.substring(0, path.length() - 1);
            }
            return URI.create(scheme + "://" + uri.getRawAuthority() + path);
        }
    }
}
