package dev.opaquepop.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.opaquepop.client.OpaquePopClient;
import dev.opaquepop.client.OpaquePopClientException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code opaque-pop call}: a {@code curl} for PoP. Signs any request with the saved session, so that any protected
 * endpoint of any application speaking the protocol can be tried from a terminal; the answer's body goes to
 * standard output, and a refusal's problem code to standard error.
 */
@Command(
        name = "call",
        mixinStandardHelpOptions = true,
        description = {
            "Send any request, PoP-signed with the saved session, and print the answer's body (as UTF-8 text).",
            "The exit code is 0 for a 2xx answer and 1 for any other, with the status and problem code on standard"
                    + " error. A body is sent as application/json, exactly the bytes given."
        })
final class CallCommand extends ClientCommands.Base {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Parameters(index = "0", paramLabel = "METHOD", description = "GET, POST, DELETE, ... (any letters; upper-cased).")
    String method;

    @Parameters(
            index = "1",
            paramLabel = "TARGET",
            description = "The path and query as signed and sent, e.g. /api/me or '/api/transfers?limit=10';"
                    + " percent-encode reserved characters yourself.")
    String target;

    @ArgGroup(exclusive = true)
    Body body;

    @Option(
            names = {"-i", "--include"},
            description = "Print the status line and the answer's headers before its body.")
    boolean include;

    /** At most one of the two ways to give a body. */
    static final class Body {
        @Option(names = "--data", paramLabel = "JSON", description = "The request body.")
        String data;

        @Option(
                names = "--data-file",
                paramLabel = "FILE",
                description = "Read the request body from FILE ('-' for standard input).")
        Path file;

        byte[] bytes() throws IOException {
            if (data != null) {
                return data.getBytes(StandardCharsets.UTF_8);
            }
            return file.toString().equals("-") ? System.in.readAllBytes() : Files.readAllBytes(file);
        }
    }

    @Override
    int run(OpaquePopClient client) throws OpaquePopClientException, IOException {
        if (!target.startsWith("/")) {
            throw new IllegalArgumentException("TARGET is a path starting with '/', not " + target);
        }
        byte[] content = body == null ? null : body.bytes();
        HttpResponse<byte[]> answer = client.send(session(), method.toUpperCase(Locale.ROOT), target, content);
        PrintWriter out = spec.commandLine().getOut();
        if (include) {
            out.println("HTTP " + answer.statusCode());
            for (Map.Entry<String, List<String>> header : answer.headers().map().entrySet()) {
                for (String value : header.getValue()) {
                    out.println(header.getKey() + ": " + value);
                }
            }
            out.println();
        }
        String text = new String(answer.body(), StandardCharsets.UTF_8);
        out.print(text);
        if (!text.isEmpty() && !text.endsWith("\n")) {
            out.println();
        }
        out.flush();
        int status = answer.statusCode();
        if (status >= 200 && status < 300) {
            return 0;
        }
        spec.commandLine().getErr().println(spec.name() + ": HTTP " + status + problemCode(answer));
        return 1;
    }

    /** The problem code of a problem+json answer, after a space; empty for any other answer. */
    private static String problemCode(HttpResponse<byte[]> answer) {
        boolean problem = answer.headers()
                .firstValue("Content-Type")
                .map(type -> type.toLowerCase(Locale.ROOT).startsWith("application/problem+json"))
                .orElse(false);
        if (!problem) {
            return "";
        }
        try {
            JsonNode code = JSON.readTree(answer.body()).path("code");
            return code.isTextual() ? " " + code.asText() : "";
        } catch (IOException e) {
            return "";
        }
    }
}
