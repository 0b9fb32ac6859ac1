package dev.opaquepop.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A request decoded leniently from fuzzer bytes, in a text form the seed corpus can be written in:
 *
 * <pre>
 * METHOD TARGET
 * Name: value
 * X-Fuzz-Sign: yes        (optional: the harness signs the request with a live session)
 *
 * body bytes
 * </pre>
 *
 * A TARGET of {@code #n...} means route n of {@link #ROUTES} followed by the rest ({@code #4?limit=3}). Line
 * breaks cannot occur inside a line, and the harness owns the framing headers (Host, Content-Length,
 * Transfer-Encoding, Connection), so every input is exactly one request on the wire; everything else reaches
 * the server as the fuzzer wrote it, malformed or not.
 */
final class FuzzedRequest {
    static final List<String> ROUTES = List.of(
            "/register/start",
            "/register/finish",
            "/login/start",
            "/login/finish",
            "/api/transfer",
            "/api/transfers",
            "/api/me",
            "/logout",
            "/healthz",
            "/healthz/ready",
            "/healthz/live",
            "/.well-known/opaque-pop",
            "/openapi.yaml",
            "/metrics");

    static final String SIGN_HEADER = "x-fuzz-sign";
    private static final Set<String> FRAMING =
            Set.of("host", "content-length", "transfer-encoding", "connection", "keep-alive", "upgrade", "te");

    private final String method;
    private final String target;
    private final List<String[]> headers;
    private final boolean sign;
    private final byte[] body;

    private FuzzedRequest(String method, String target, List<String[]> headers, boolean sign, byte[] body) {
        this.method = method;
        this.target = target;
        this.headers = headers;
        this.sign = sign;
        this.body = body;
    }

    String method() {
        return method;
    }

    String target() {
        return target;
    }

    /**
     * True when the server reads this request as a HEAD, and so answers it without a body. Jetty's parser skips
     * colons before the method as padding (as it does empty lines), so {@code :HEAD} is a HEAD request to it; a
     * harness that took it for another method would wait for a body that never comes.
     */
    boolean head() {
        int start = 0;
        while (start < method.length() && method.charAt(start) == ':') {
            start++;
        }
        return method.startsWith("HEAD", start) && method.length() - start == 4;
    }

    /** True when the input asked for a valid PoP signature with the harness's live session. */
    boolean sign() {
        return sign;
    }

    byte[] body() {
        return body.clone();
    }

    static FuzzedRequest parse(byte[] data) {
        int headEnd = indexOf(data, new byte[] {'\n', '\n'});
        byte[] head = headEnd < 0 ? data : Arrays.copyOf(data, headEnd);
        byte[] body = headEnd < 0 ? new byte[0] : Arrays.copyOfRange(data, headEnd + 2, data.length);
        // Latin-1 keeps every byte as one char, so what the fuzzer wrote is what goes on the wire.
        String[] lines = new String(head, StandardCharsets.ISO_8859_1).split("\n", -1);

        String requestLine = lines.length == 0 ? "" : clean(lines[0]);
        int space = requestLine.indexOf(' ');
        String method = space < 0 ? requestLine : requestLine.substring(0, space);
        String target = space < 0 ? "/" : requestLine.substring(space + 1);
        if (method.isEmpty()) {
            method = "GET";
        }
        target = route(target);

        List<String[]> headers = new ArrayList<>();
        boolean sign = false;
        for (int i = 1; i < lines.length; i++) {
            String line = clean(lines[i]);
            if (line.isEmpty()) {
                continue;
            }
            int colon = line.indexOf(':');
            String name = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? null : line.substring(colon + 1).stripLeading();
            String lower = name.strip().toLowerCase(Locale.ROOT);
            if (lower.equals(SIGN_HEADER)) {
                sign = true;
            } else if (!FRAMING.contains(lower)) {
                headers.add(new String[] {name, value});
            }
        }
        return new FuzzedRequest(method, target, headers, sign, body);
    }

    /** The request as bytes on the wire, with the given extra headers (the PoP signature) and the framing. */
    byte[] encode(String host, List<String[]> extra) {
        StringBuilder text = new StringBuilder();
        text.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        text.append("Host: ").append(host).append("\r\n");
        for (List<String[]> list : List.of(headers, extra)) {
            for (String[] header : list) {
                text.append(header[0]);
                if (header[1] != null) {
                    text.append(": ").append(header[1]);
                }
                text.append("\r\n");
            }
        }
        if (body.length > 0 || (!method.equals("GET") && !method.equals("HEAD"))) {
            text.append("Content-Length: ").append(body.length).append("\r\n");
        }
        text.append("\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(text.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(body);
        return out.toByteArray();
    }

    private static String route(String target) {
        if (!target.startsWith("#")) {
            return target.isEmpty() ? "/" : target;
        }
        int end = 1;
        while (end < target.length() && end < 4 && Character.isDigit(target.charAt(end))) {
            end++;
        }
        int index = end == 1 ? 0 : Integer.parseInt(target.substring(1, end));
        return ROUTES.get(index % ROUTES.size()) + target.substring(end);
    }

    private static String clean(String line) {
        return line.replace("\r", "").replace("\n", "");
    }

    private static int indexOf(byte[] data, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= data.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (data[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
