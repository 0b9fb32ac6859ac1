package dev.opaquepop.samples.notes;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.opaquepop.client.ClientSession;
import dev.opaquepop.client.KsfPolicy;
import dev.opaquepop.client.OpaquePopClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The {@code benchmark} profile (BENCHMARKS.md, "The Spring sample"): its public twin answers without a signature
 * in the shape of {@code /api/notes/count}, which still needs one; nothing else is opened.
 */
@SpringBootTest(classes = NotesApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("benchmark")
@Import(ControllerCalls.class)
class NotesBenchmarkProfileTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path directory;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void storage(DynamicPropertyRegistry properties) {
        properties.add("spring.datasource.url", () -> "jdbc:sqlite:" + directory.resolve("notes.db"));
        properties.add(
                "opaque-pop.data-directory", () -> directory.resolve("data").toString());
    }

    @Test
    void publicTwin_answersUnsigned_andEverythingElseStaysProtected() throws Exception {
        HttpResponse<String> twin = unsigned("/bench/public/notes-count");
        assertThat(twin.statusCode()).as(twin.body()).isEqualTo(200);
        assertThat(JSON.readTree(twin.body()).get("count").asLong()).isZero();
        for (String path : new String[] {"/api/notes/count", "/api/notes", "/bench/other"}) {
            HttpResponse<String> refused = unsigned(path);
            assertThat(refused.statusCode()).as(path).isEqualTo(401);
            assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValue("PoP");
        }

        try (OpaquePopClient client = OpaquePopClient.builder(URI.create("http://127.0.0.1:" + port))
                .ksfPolicy(KsfPolicy.insecureFloor(
                        ControllerCalls.TEST_KSF.memoryKib(), ControllerCalls.TEST_KSF.iterations()))
                .build()) {
            byte[] password = "benchmark profile passphrase".getBytes(UTF_8);
            client.register("bench-user", password);
            ClientSession session = client.login("bench-user", password);
            client.send(session, "POST", "/api/notes", "{\"text\":\"one\"}".getBytes(UTF_8));
            HttpResponse<byte[]> signed = client.send(session, "GET", "/api/notes/count", null);
            assertThat(signed.statusCode()).isEqualTo(200);
            JsonNode count = JSON.readTree(signed.body());
            assertThat(count.get("user").asText()).isEqualTo("bench-user");
            assertThat(count.get("count").asLong()).isEqualTo(1);
        }
    }

    private HttpResponse<String> unsigned(String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
