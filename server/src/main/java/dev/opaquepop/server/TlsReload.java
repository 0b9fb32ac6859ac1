package dev.opaquepop.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the TLS keystore file so that a renewed certificate is served without a restart: {@link #poll()},
 * called every {@link #interval()}, reads the file and, when its content changed since the last attempt, opens it
 * with the same checks as at start. A file that cannot be used (half written, wrong password, weak key) is
 * logged once and the certificate already served stays; the next change is tried again.
 *
 * <p>The password is needed again for that: from {@code --tls-keystore-password-file} it is read afresh at each
 * attempt (so a new keystore may come with a new password: replace the password file first); from {@code
 * OPAQUE_POP_TLS_KEYSTORE_PASSWORD} a copy is kept in memory, where the environment holds it anyway.
 */
public final class TlsReload {
    private static final Logger LOG = LoggerFactory.getLogger(TlsReload.class);

    private final Path keystore;
    private final Path passwordFile;
    private final char[] password;
    private final Duration interval;
    private byte[] lastDigest;

    TlsReload(Path keystore, Path passwordFile, char[] password, Duration interval, byte[] loadedContent) {
        this.keystore = keystore;
        this.passwordFile = passwordFile;
        this.password = password == null ? null : password.clone();
        this.interval = interval;
        this.lastDigest = sha256(loadedContent);
    }

    /** How often the file is looked at. */
    public Duration interval() {
        return interval;
    }

    /** A TLS context from the keystore if its content changed and can be used; empty otherwise. */
    public synchronized Optional<SSLContext> poll() {
        byte[] content;
        try {
            content = Files.readAllBytes(keystore);
        } catch (IOException e) {
            // Replaced by a rename, or a mount being updated: the next look will find it.
            return Optional.empty();
        }
        byte[] digest = sha256(content);
        if (MessageDigest.isEqual(digest, lastDigest)) {
            return Optional.empty();
        }
        lastDigest = digest;
        char[] secret = null;
        try {
            secret = passwordFile != null ? TlsKeystore.readPasswordFile(passwordFile) : password.clone();
            TlsKeystore.Loaded loaded = TlsKeystore.load(keystore, content, secret);
            LOG.info("tls keystore {} reloaded: certificate {}", keystore, loaded.certificate());
            return Optional.of(loaded.context());
        } catch (IllegalArgumentException e) {
            LOG.warn(
                    "tls keystore {} changed but cannot be used, the previous certificate is still served: {}",
                    keystore,
                    e.getMessage());
            return Optional.empty();
        } finally {
            if (secret != null) {
                Arrays.fill(secret, '\0');
            }
        }
    }

    private static byte[] sha256(byte[] content) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    @Override
    public String toString() {
        return "TlsReload[" + keystore + " every " + interval + "]";
    }
}
