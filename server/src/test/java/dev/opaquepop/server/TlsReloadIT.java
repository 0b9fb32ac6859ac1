package dev.opaquepop.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opaquepop.testfixtures.SelfSignedKeystore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A renewed certificate is served without a restart: replace the keystore file and new connections get the new
 * certificate; a replacement that cannot be used is logged and the old certificate stays.
 */
class TlsReloadIT {
    /** Generous: the server looks every second, a slow machine may take a while to notice and swap. */
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    Path directory;

    @Test
    void aReplacedKeystore_isServedWithoutARestart_andAnUnusableOneIsNot() throws Exception {
        SelfSignedKeystore first = SelfSignedKeystore.create(directory.resolve("first"));
        SelfSignedKeystore renewed = SelfSignedKeystore.create(directory.resolve("renewed"), first.password());
        Path live = directory.resolve("live").resolve("server.p12");
        Files.createDirectories(live.getParent());
        Files.copy(first.keystore(), live);
        Certificate firstCertificate = certificate(first);
        Certificate renewedCertificate = certificate(renewed);
        assertThat(renewedCertificate).isNotEqualTo(firstCertificate);
        SSLContext trustingBoth = trusting(firstCertificate, renewedCertificate);

        try (CapturedLogs logs = new CapturedLogs(TlsReload.class);
                TestServer server = TestServer.start(
                        directory.resolve("data"),
                        b -> b.tlsKeystore(live)
                                .tlsKeystorePassword(first.password())
                                .tlsReloadInterval(Duration.ofSeconds(1)))) {
            assertThat(served(server, trustingBoth)).isEqualTo(firstCertificate);

            // A half-written file: refused, logged, and the served certificate does not change.
            replace(live, "not a keystore".getBytes(StandardCharsets.US_ASCII));
            await(() -> logs.lines().stream().anyMatch(line -> line.startsWith("WARN tls keystore " + live)));
            assertThat(served(server, trustingBoth)).isEqualTo(firstCertificate);

            replace(live, Files.readAllBytes(renewed.keystore()));
            await(() -> renewedCertificate.equals(served(server, trustingBoth)));
            assertThat(String.join("\n", logs.lines())).doesNotContain(first.password());
        }
    }

    /** Written beside the file and renamed over it, as an ACME client or a secret mount does. */
    private static void replace(Path live, byte[] content) throws IOException {
        Path temporary = live.resolveSibling("server.p12.tmp");
        Files.write(temporary, content);
        Files.move(temporary, live, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The certificate a new connection is shown. */
    private static Certificate served(TestServer server, SSLContext trusting) {
        try (SSLSocket socket = (SSLSocket) trusting.getSocketFactory().createSocket("localhost", server.port())) {
            socket.setSoTimeout(10_000);
            socket.startHandshake();
            return socket.getSession().getPeerCertificates()[0];
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(DEADLINE);
        while (!condition.getAsBoolean()) {
            assertThat(Instant.now()).as("condition met within %s", DEADLINE).isBefore(deadline);
            Thread.sleep(100);
        }
    }

    private static Certificate certificate(SelfSignedKeystore keys) throws Exception {
        try (InputStream in = Files.newInputStream(keys.certificatePem())) {
            return CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static SSLContext trusting(Certificate... certificates) throws IOException, GeneralSecurityException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        for (int i = 0; i < certificates.length; i++) {
            trust.setCertificateEntry("c" + i, certificates[i]);
        }
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance("PKIX");
        trustManagers.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trustManagers.getTrustManagers(), null);
        return context;
    }
}
