package dev.opaquepop.server;

import dev.opaquepop.opaque.Argon2idKsf;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything the server is configured with, validated once in {@link Builder#build()} with messages that say
 * what to change. Holds no secret: the server setup is resolved from {@link #setupValue()} (the value of
 * {@code OPAQUE_POP_SERVER_SETUP}, kept only until start), {@link #setupFile()} or the data directory.
 */
public final class ServerConfig {
    private final String bind;
    private final int port;
    private final Path dataDirectory;
    private final String setupValue;
    private final Path setupFile;
    private final Duration popWindow;
    private final Duration sessionTtl;
    private final Duration loginTtl;
    private final long maxPendingLogins;
    private final long maxSessions;
    private final long nonceCapacity;
    private final int maxBodyBytes;
    private final Argon2idKsf clientKsf;
    private final Clock clock;
    private final SecureRandom random;

    private ServerConfig(Builder b) {
        this.bind = b.bind;
        this.port = b.port;
        this.dataDirectory = b.dataDirectory;
        this.setupValue = b.setupValue;
        this.setupFile = b.setupFile;
        this.popWindow = b.popWindow;
        this.sessionTtl = b.sessionTtl;
        this.loginTtl = b.loginTtl;
        this.maxPendingLogins = b.maxPendingLogins;
        this.maxSessions = b.maxSessions;
        this.nonceCapacity = b.nonceCapacity;
        this.maxBodyBytes = b.maxBodyBytes;
        this.clientKsf = b.clientKsf;
        this.clock = b.clock;
        this.random = b.random;
    }

    public static Builder builder() {
        return new Builder();
    }

    public String bind() {
        return bind;
    }

    /** The TCP port; 0 picks a free one. */
    public int port() {
        return port;
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    /** The base64url server setup given by value (environment), or {@code null}. Secret: never log it. */
    String setupValue() {
        return setupValue;
    }

    public Path setupFile() {
        return setupFile;
    }

    public Duration popWindow() {
        return popWindow;
    }

    public Duration sessionTtl() {
        return sessionTtl;
    }

    public Duration loginTtl() {
        return loginTtl;
    }

    public long maxPendingLogins() {
        return maxPendingLogins;
    }

    public long maxSessions() {
        return maxSessions;
    }

    public long nonceCapacity() {
        return nonceCapacity;
    }

    public int maxBodyBytes() {
        return maxBodyBytes;
    }

    /** The KSF clients must use; the server never runs it but advertises it at {@code /.well-known/opaque-pop}. */
    public Argon2idKsf clientKsf() {
        return clientKsf;
    }

    public Clock clock() {
        return clock;
    }

    public SecureRandom random() {
        return random;
    }

    @Override
    public String toString() {
        return "ServerConfig[bind=" + bind + ", port=" + port + ", data=" + dataDirectory + ", setup="
                + (setupValue != null ? "environment" : setupFile != null ? setupFile : "data directory")
                + ", popWindow=" + popWindow + ", sessionTtl=" + sessionTtl + ", loginTtl=" + loginTtl
                + ", clientKsf=" + clientKsf + "]";
    }

    /** Defaults as documented in the README. */
    public static final class Builder {
        private String bind = "127.0.0.1";
        private int port = 8080;
        private Path dataDirectory = Path.of("data");
        private String setupValue;
        private Path setupFile;
        private Duration popWindow = Duration.ofSeconds(30);
        private Duration sessionTtl = Duration.ofHours(1);
        private Duration loginTtl = Duration.ofSeconds(60);
        private long maxPendingLogins = 100_000;
        private long maxSessions = 100_000;
        private long nonceCapacity = 2_000_000;
        private int maxBodyBytes = 64 * 1024;
        private Argon2idKsf clientKsf = Argon2idKsf.DEFAULT;
        private Clock clock = Clock.systemUTC();
        private SecureRandom random;

        private Builder() {}

        public Builder bind(String bind) {
            this.bind = bind;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder dataDirectory(Path dataDirectory) {
            this.dataDirectory = dataDirectory;
            return this;
        }

        /** The server setup as base64url (opaque-ke format), e.g. from {@code OPAQUE_POP_SERVER_SETUP}. */
        public Builder setupValue(String setupValue) {
            this.setupValue = setupValue;
            return this;
        }

        public Builder setupFile(Path setupFile) {
            this.setupFile = setupFile;
            return this;
        }

        public Builder popWindow(Duration popWindow) {
            this.popWindow = popWindow;
            return this;
        }

        public Builder sessionTtl(Duration sessionTtl) {
            this.sessionTtl = sessionTtl;
            return this;
        }

        public Builder loginTtl(Duration loginTtl) {
            this.loginTtl = loginTtl;
            return this;
        }

        public Builder maxPendingLogins(long maxPendingLogins) {
            this.maxPendingLogins = maxPendingLogins;
            return this;
        }

        public Builder maxSessions(long maxSessions) {
            this.maxSessions = maxSessions;
            return this;
        }

        public Builder nonceCapacity(long nonceCapacity) {
            this.nonceCapacity = nonceCapacity;
            return this;
        }

        public Builder maxBodyBytes(int maxBodyBytes) {
            this.maxBodyBytes = maxBodyBytes;
            return this;
        }

        public Builder clientKsf(Argon2idKsf clientKsf) {
            this.clientKsf = clientKsf;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public Builder random(SecureRandom random) {
            this.random = random;
            return this;
        }

        /** @throws IllegalArgumentException naming the option and the accepted range */
        public ServerConfig build() {
            require(bind != null && !bind.isBlank(), "--bind must be a host name or IP address");
            require(port >= 0 && port <= 65535, "--port must be between 0 and 65535, got " + port);
            require(dataDirectory != null, "--data must name a directory");
            require(
                    setupValue == null || setupFile == null,
                    "give the server setup either by OPAQUE_POP_SERVER_SETUP or by --setup-file, not both");
            requireDuration("--pop-window", popWindow, Duration.ofSeconds(1), Duration.ofMinutes(10));
            requireDuration("--session-ttl", sessionTtl, Duration.ofSeconds(10), Duration.ofDays(30));
            requireDuration("--login-ttl", loginTtl, Duration.ofSeconds(5), Duration.ofMinutes(10));
            require(maxPendingLogins >= 1, "--max-pending-logins must be at least 1");
            require(maxSessions >= 1, "--max-sessions must be at least 1");
            require(nonceCapacity >= 1, "--nonce-capacity must be at least 1");
            require(
                    maxBodyBytes >= 1024 && maxBodyBytes <= 16 * 1024 * 1024,
                    "--max-body-bytes must be between 1024 and 16777216, got " + maxBodyBytes);
            Objects.requireNonNull(clientKsf, "clientKsf");
            Objects.requireNonNull(clock, "clock");
            if (random == null) {
                random = new SecureRandom();
            }
            return new ServerConfig(this);
        }

        private static void requireDuration(String option, Duration value, Duration min, Duration max) {
            require(
                    value != null && value.compareTo(min) >= 0 && value.compareTo(max) <= 0,
                    option + " must be between " + min.toSeconds() + " and " + max.toSeconds() + " seconds, got "
                            + (value == null ? "none" : value.toSeconds()));
        }

        private static void require(boolean condition, String message) {
            if (!condition) {
                throw new IllegalArgumentException(message);
            }
        }
    }
}
