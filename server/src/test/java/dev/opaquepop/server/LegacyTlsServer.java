package dev.opaquepop.server;

import dev.opaquepop.server.http.OpaquePopServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * Run by {@link TlsIT} in a JVM whose security properties allow TLS 1.0 and 1.1 again, to show that the
 * server's own protocol and suite lists refuse them, not just the JVM's defaults. Starts the opaque-pop server
 * with TLS and, as the control, a bare JSSE server socket from the same keystore with TLS 1.1 enabled; prints
 * both ports; exits when standard input closes.
 *
 * <p>Arguments: keystore, data directory. The keystore password comes from OPAQUE_POP_TLS_KEYSTORE_PASSWORD.
 */
final class LegacyTlsServer {
    private LegacyTlsServer() {}

    public static void main(String[] args) throws Exception {
        String password = System.getenv("OPAQUE_POP_TLS_KEYSTORE_PASSWORD");
        ServerConfig config = ServerConfig.builder()
                .port(0)
                .dataDirectory(Path.of(args[1]))
                .tlsKeystore(Path.of(args[0]))
                .tlsKeystorePassword(password)
                .build();
        SSLContext context =
                TlsKeystore.load(Path.of(args[0]), password.toCharArray()).context();
        try (OpaquePopServer server = OpaquePopServer.start(config);
                SSLServerSocket control =
                        (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0)) {
            control.setEnabledProtocols(new String[] {"TLSv1.1", "TLSv1.2"});
            Thread.ofVirtual().start(() -> acceptForever(control));
            PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
            out.println("ports " + server.port() + " " + control.getLocalPort());
            InputStream in = System.in;
            while (in.read() >= 0) {
                // run until the parent closes our standard input
            }
        }
    }

    private static void acceptForever(SSLServerSocket control) {
        while (!control.isClosed()) {
            try (SSLSocket socket = (SSLSocket) control.accept()) {
                socket.setSoTimeout(10_000);
                socket.startHandshake();
            } catch (IOException e) {
                // the probe hangs up after the ServerHello: expected
            }
        }
    }
}
