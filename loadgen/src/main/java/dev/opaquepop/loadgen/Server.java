package dev.opaquepop.loadgen;

import dev.opaquepop.client.OpaquePopClient;
import java.net.URI;
import java.net.http.HttpClient;

/** A server ready to be measured: its HTTP client, an SDK client on it, and its CPU clock. */
record Server(Target target, HttpClient http, OpaquePopClient client, CpuClock cpu) {
    String name() {
        return target.name();
    }

    URI base() {
        return target.base();
    }
}
