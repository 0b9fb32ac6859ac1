package dev.opaquepop.loadgen;

import dev.opaquepop.client.OpaquePopClient;
import dev.opaquepop.opaque.Ksf;
import java.net.URI;
import java.net.http.HttpClient;
import java.security.SecureRandom;
import java.time.Duration;

/** The HTTP and SDK clients every bench command drives a server with, built one way. */
final class BenchClient {
    private BenchClient() {}

    /** HTTP/1.1 (one connection per request in flight, as many browsers' clients would be), no redirects. */
    static HttpClient http(Duration timeout) {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    static OpaquePopClient sdk(URI base, HttpClient http, SecureRandom random, Duration timeout) {
        return OpaquePopClient.builder(base)
                .httpClient(http)
                .requestTimeout(timeout)
                .secureRandom(random)
                // The server never runs the KSF: with the identity KSF the load measures the server, not Argon2 on
                // this side. Registrations made this way only log in this way.
                .ksfOverride(Ksf.identityUnsafeForTestsOnly())
                // Synthetic users with throwaway passwords, against a server the operator measures: plain HTTP to
                // another machine is the bench's explicit choice, as is the KSF above.
                .insecurePlainHttp()
                .build();
    }
}
