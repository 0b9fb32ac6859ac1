package dev.opaquepop.server;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PublicKey;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * Opens the PKCS#12 keystore HTTPS is served from and turns it into an {@link SSLContext}, once, at
 * configuration time. Every failure is an {@link IllegalArgumentException} that names the file and what to
 * change, never the password.
 */
final class TlsKeystore {
    /** The password file is one line; anything much longer is not a password file. */
    private static final int MAX_PASSWORD_FILE_BYTES = 4096;

    /** The TLS context and the served certificate's subject and validity (for the start-up log). */
    record Loaded(SSLContext context, String subject, Instant notBefore, Instant notAfter) {
        String certificate() {
            return "subject=\"" + subject + "\" not_after=" + notAfter;
        }

        boolean validAt(Instant now) {
            return !now.isBefore(notBefore) && !now.isAfter(notAfter);
        }
    }

    private TlsKeystore() {}

    /** The password in {@code file}: its first line, UTF-8, without the line break. The caller wipes it. */
    static char[] readPasswordFile(Path file) {
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_PASSWORD_FILE_BYTES) {
                throw new IllegalArgumentException("--tls-keystore-password-file " + file + " is larger than "
                        + MAX_PASSWORD_FILE_BYTES + " bytes: it should hold the password only");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("--tls-keystore-password-file " + file + " does not exist");
        } catch (IOException e) {
            throw new IllegalArgumentException("--tls-keystore-password-file " + file + " cannot be read ("
                    + e.getClass().getSimpleName() + ")");
        }
        int end = 0;
        while (end < bytes.length && bytes[end] != '\n' && bytes[end] != '\r') {
            end++;
        }
        CharBuffer chars = null;
        try {
            chars = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 0, end));
            char[] password = new char[chars.remaining()];
            chars.get(password);
            if (password.length == 0) {
                throw new IllegalArgumentException("--tls-keystore-password-file " + file + " is empty");
            }
            return password;
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("--tls-keystore-password-file " + file + " is not UTF-8 text");
        } finally {
            Arrays.fill(bytes, (byte) 0);
            if (chars != null && chars.hasArray()) {
                Arrays.fill(chars.array(), '\0');
            }
        }
    }

    /** Opens the keystore with {@code password} (not kept) and builds the server's TLS context. */
    static Loaded load(Path keystore, char[] password) {
        try {
            return load(keystore, Files.readAllBytes(keystore), password);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("--tls-keystore " + keystore + " does not exist");
        } catch (IOException e) {
            throw new IllegalArgumentException("--tls-keystore " + keystore + " cannot be read ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    /** As {@link #load(Path, char[])}, from the file's {@code content} read by the caller. */
    static Loaded load(Path keystore, byte[] content, char[] password) {
        KeyStore store;
        try (InputStream in = new ByteArrayInputStream(content)) {
            store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw new IllegalArgumentException("--tls-keystore " + keystore + " cannot be opened with the given"
                        + " password: check OPAQUE_POP_TLS_KEYSTORE_PASSWORD or --tls-keystore-password-file");
            }
            throw new IllegalArgumentException("--tls-keystore " + keystore
                    + " cannot be read as a PKCS#12 keystore (wrong file, or a wrong password)");
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("--tls-keystore " + keystore + " cannot be read as a PKCS#12 keystore ("
                    + e.getClass().getSimpleName() + ")");
        }
        X509Certificate certificate = serverCertificate(keystore, store);
        requireStrongKey(keystore, certificate);
        try {
            KeyManagerFactory keys = KeyManagerFactory.getInstance("PKIX");
            keys.init(store, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return new Loaded(
                    context,
                    certificate.getSubjectX500Principal().getName(),
                    certificate.getNotBefore().toInstant(),
                    certificate.getNotAfter().toInstant());
        } catch (UnrecoverableKeyException e) {
            throw new IllegalArgumentException("--tls-keystore " + keystore + ": the private key cannot be opened with"
                    + " the keystore password (PKCS#12 keys must share the keystore's password)");
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("--tls-keystore " + keystore + " cannot be used for TLS ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    /** RSA of at least 2048 bits, or an elliptic-curve or EdDSA key: what the allowed suites can use safely. */
    private static void requireStrongKey(Path keystore, X509Certificate certificate) {
        PublicKey key = certificate.getPublicKey();
        if (key instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() < 2048) {
            throw new IllegalArgumentException("--tls-keystore " + keystore + " holds a "
                    + rsa.getModulus().bitLength()
                    + "-bit RSA key: use at least 2048 bits, or an EC key (keytool -keyalg EC)");
        }
        String algorithm = key.getAlgorithm();
        if (!List.of("RSA", "EC", "Ed25519", "Ed448", "EdDSA").contains(algorithm)) {
            throw new IllegalArgumentException("--tls-keystore " + keystore + " holds a " + algorithm
                    + " key, which no allowed cipher suite can use: use an EC or RSA key");
        }
    }

    /** The certificate of the first private-key entry; a keystore without one cannot serve TLS. */
    private static X509Certificate serverCertificate(Path keystore, KeyStore store) {
        try {
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias)) {
                    Certificate[] chain = store.getCertificateChain(alias);
                    if (chain != null && chain.length > 0 && chain[0] instanceof X509Certificate x509) {
                        return x509;
                    }
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("--tls-keystore " + keystore + " cannot be listed ("
                    + e.getClass().getSimpleName() + ")");
        }
        throw new IllegalArgumentException("--tls-keystore " + keystore + " holds no private key with an X.509"
                + " certificate chain (create one with keytool -genkeypair, or openssl pkcs12 -export)");
    }
}
