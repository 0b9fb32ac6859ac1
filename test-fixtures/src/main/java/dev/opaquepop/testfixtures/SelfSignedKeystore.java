package dev.opaquepop.testfixtures;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A PKCS#12 keystore with a fresh self-signed EC certificate for localhost and 127.0.0.1, made by the JDK's
 * keytool, and a client TLS context that trusts exactly that certificate. The password starts with "pw-", which
 * the server's log audit looks for in every log line; keytool reads it from its environment, never its command
 * line.
 *
 * @param keystore the PKCS#12 file
 * @param password the keystore's password
 * @param certificatePem the certificate alone, PEM-encoded (what a client is told to trust)
 */
public record SelfSignedKeystore(Path keystore, String password, Path certificatePem) {
    private static final String ALIAS = "opaque-pop";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A keystore with a fresh random password, as {@code server.p12} and {@code server.pem} in {@code directory}. */
    public static SelfSignedKeystore create(Path directory) throws IOException, InterruptedException {
        byte[] random = new byte[8];
        RANDOM.nextBytes(random);
        return create(directory, "pw-tls-" + HexFormat.of().formatHex(random));
    }

    /** Another keystore with the given password, e.g. a renewed certificate under the same password. */
    public static SelfSignedKeystore create(Path directory, String password) throws IOException, InterruptedException {
        Files.createDirectories(directory);
        Path keystore = directory.resolve("server.p12");
        Path pem = directory.resolve("server.pem");
        keytool(
                password,
                "-genkeypair",
                "-alias",
                ALIAS,
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-sigalg",
                "SHA256withECDSA",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=dns:localhost,ip:127.0.0.1",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                keystore.toString(),
                "-storepass:env",
                "KEYSTORE_PASSWORD");
        keytool(
                password,
                "-exportcert",
                "-rfc",
                "-alias",
                ALIAS,
                "-keystore",
                keystore.toString(),
                "-storepass:env",
                "KEYSTORE_PASSWORD",
                "-file",
                pem.toString());
        return new SelfSignedKeystore(keystore, password, pem);
    }

    /** A client context trusting only this certificate (hostname verification stays on in HttpClient). */
    public SSLContext clientContext() throws IOException, GeneralSecurityException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(certificatePem)) {
            Certificate certificate = CertificateFactory.getInstance("X.509").generateCertificate(in);
            trust.setCertificateEntry(ALIAS, certificate);
        }
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance("PKIX");
        trustManagers.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trustManagers.getTrustManagers(), null);
        return context;
    }

    @Override
    public String toString() {
        return "SelfSignedKeystore[" + keystore + "]";
    }

    private static void keytool(String password, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("KEYSTORE_PASSWORD", password);
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("keytool failed: " + new String(output, StandardCharsets.UTF_8));
        }
    }
}
