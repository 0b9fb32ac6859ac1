package dev.opaquepop.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The HTTP client of the client commands: the JDK's trusted CAs by default, or, with {@code --cacert}, exactly
 * the certificates in a PEM file (as curl's {@code --cacert}): a self-signed server certificate, or a private
 * CA. Host names are verified either way.
 */
final class TrustedCertificates {
    private TrustedCertificates() {}

    /** A client like the SDK's default (no redirects), trusting {@code cacert} only when it is given. */
    static HttpClient httpClient(Path cacert, Duration connectTimeout) {
        HttpClient.Builder builder = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                // A redirect would send a signed request somewhere its target was not signed for.
                .followRedirects(HttpClient.Redirect.NEVER);
        if (cacert != null) {
            builder.sslContext(trusting(cacert));
        }
        return builder.build();
    }

    /** A TLS context that trusts the certificates in {@code pem} and nothing else. */
    static SSLContext trusting(Path pem) {
        List<X509Certificate> certificates = new ArrayList<>();
        try (InputStream in = Files.newInputStream(pem)) {
            for (var certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                if (certificate instanceof X509Certificate x509) {
                    certificates.add(x509);
                }
            }
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("--cacert " + pem + " does not exist");
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "--cacert " + pem + " cannot be read (" + e.getClass().getSimpleName() + ")");
        } catch (CertificateException e) {
            throw new IllegalArgumentException("--cacert " + pem + " is not a PEM file of X.509 certificates");
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("--cacert " + pem + " holds no certificate");
        }
        try {
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            for (int i = 0; i < certificates.size(); i++) {
                trusted.setCertificateEntry("cacert-" + i, certificates.get(i));
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX");
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException(
                    "--cacert " + pem + " cannot be used (" + e.getClass().getSimpleName() + ")");
        }
    }
}
