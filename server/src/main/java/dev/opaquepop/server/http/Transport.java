package dev.opaquepop.server.http;

import dev.opaquepop.server.Metrics;
import dev.opaquepop.server.ServerConfig;
import io.javalin.config.JavalinConfig;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * How the server meets the network: one Jetty connector on {@code --bind}/{@code --port}, HTTPS with HTTP/2
 * and HTTP/1.1 (ALPN) when a keystore is configured, plain HTTP/1.1 otherwise, and the request limits every
 * request passes before Javalin sees it.
 *
 * <p>Buffers are not pooled. With Jetty's pooled buffers (12.1.12, and 12.1.14 too), the HTTP fuzz harness now and
 * then saw a well-formed request on one connection answered 400, closed unanswered, or left unanswered until the idle
 * timeout, right after a malformed request on another connection: the symptoms of a buffer returned to the pool
 * while still in use, so that two connections shared it. Each connection then reads and writes through buffers of
 * its own, which no release elsewhere can hand to another connection; they are heap buffers, which the JVM
 * allocates cheaply. See docs/deploy.md, "Request limits".
 */
final class Transport {
    /** TLS 1.3 and 1.2 only: 1.0 and 1.1 are refused in the handshake even where the JVM still allows them. */
    static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    /**
     * Forward-secret AEAD suites only: the three of TLS 1.3, and ECDHE with AES-GCM or ChaCha20-Poly1305 for
     * TLS 1.2 (none of which HTTP/2 forbids). No CBC, no RSA key exchange, no SHA-1.
     */
    static final List<String> CIPHER_SUITES = List.of(
            "TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    /**
     * Each response's output buffer, in bytes. Unpooled, Jetty's default (32 KiB) was allocated and zeroed for every
     * answer: 5 % of a signed call's Java samples in a profile. The server's own answers are far smaller; a larger
     * one (a proxied upstream's) is sent in pieces (chunked), whole.
     */
    static final int OUTPUT_BUFFER_BYTES = 8 * 1024;

    /** Strict-Transport-Security on every HTTPS answer: one year, this host only. */
    static final Duration HSTS_MAX_AGE = Duration.ofDays(365);

    private Transport() {}

    static void configure(JavalinConfig javalin, ServerConfig config, Metrics metrics) {
        javalin.jetty.modifyHttpConfiguration(http -> {
            // Unpooled buffers (above): heap ones, as allocating a direct buffer per use costs far more.
            http.setUseInputDirectByteBuffers(false);
            http.setUseOutputDirectByteBuffers(false);
            http.setOutputBufferSize(OUTPUT_BUFFER_BYTES);
            http.setRequestHeaderSize(config.maxHeaderBytes());
            http.setSendServerVersion(false);
            http.setSendXPoweredBy(false);
        });
        javalin.jetty.modifyServer(server -> {
            server.setErrorHandler(new ProblemErrorHandler(metrics));
            server.insertHandler(new RequestLimits(
                    config.maxUriLength(),
                    config.connectionRequestRate(),
                    config.core().clock(),
                    metrics));
        });
        javalin.jetty.addConnector((server, http) -> connector(server, http, config));
    }

    private static ServerConnector connector(Server server, HttpConfiguration http, ServerConfig config) {
        ServerConnector connector = config.tlsContext()
                .map(context -> https(server, http, context, config))
                .orElseGet(() -> unpooled(server, new HttpConnectionFactory(http)));
        connector.setHost(config.bind());
        connector.setPort(config.port());
        connector.setIdleTimeout(config.idleTimeout().toMillis());
        server.addBean(new NetworkConnectionLimit(config.maxConnections(), connector));
        return connector;
    }

    private static ServerConnector https(
            Server server, HttpConfiguration plain, SSLContext context, ServerConfig config) {
        HttpConfiguration http = new HttpConfiguration(plain);
        // SNI is not required (clients by IP address work) and not matched against Host: there is one certificate.
        http.addCustomizer(new SecureRequestCustomizer(false, false, HSTS_MAX_AGE.toSeconds(), false));

        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setSslContext(context);
        tls.setIncludeProtocols(PROTOCOLS.toArray(String[]::new));
        tls.setIncludeCipherSuites(CIPHER_SUITES.toArray(String[]::new));
        tls.setUseCipherSuitesOrder(true);
        tls.setRenegotiationAllowed(false);
        // A renewed certificate is picked up without a restart; started and stopped with the server.
        config.tlsReload().ifPresent(reload -> server.addBean(new KeystoreWatcher(reload, tls)));

        HttpConnectionFactory http11 = new HttpConnectionFactory(http);
        HTTP2ServerConnectionFactory http2 = new HTTP2ServerConnectionFactory(http);
        // ALPN names are matched exactly: "http/1.1" as clients send it (the factory calls itself "HTTP/1.1").
        ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory("h2", "http/1.1");
        alpn.setDefaultProtocol(http11.getProtocol());
        return unpooled(server, new SslConnectionFactory(tls, alpn.getProtocol()), alpn, http2, http11);
    }

    /** A connector with the server's executor and scheduler and Jetty's default thread counts, without a pool. */
    private static ServerConnector unpooled(Server server, ConnectionFactory... factories) {
        return new ServerConnector(server, null, null, new ByteBufferPool.NonPooling(), -1, -1, factories);
    }
}
