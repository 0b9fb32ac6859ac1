package dev.opaquepop.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FuzzedRequestTest {
    private static FuzzedRequest parse(String text) {
        return FuzzedRequest.parse(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Jetty skips colons before the method, so these are HEAD requests to it, answered without a body. */
    @Test
    void colonsBeforeHead_makeAHeadRequest_asTheServerReadsIt() {
        assertThat(parse("HEAD /healthz").head()).isTrue();
        assertThat(parse(":HEAD /healthz").head()).isTrue();
        assertThat(parse("::HEAD").head()).isTrue();
    }

    @Test
    void otherMethods_areNotHead() {
        assertThat(parse("GET /healthz").head()).isFalse();
        assertThat(parse("head /healthz").head()).isFalse();
        assertThat(parse("xHEAD /").head()).isFalse();
        assertThat(parse("HEADx /").head()).isFalse();
        assertThat(parse(":HEAD: /").head()).isFalse();
        assertThat(parse(": /").head()).isFalse();
    }
}
