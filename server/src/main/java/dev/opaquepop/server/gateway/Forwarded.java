package dev.opaquepop.server.gateway;

import java.io.InputStream;
import java.util.List;
import java.util.Map;

/**
 * The upstream's answer on its way back: status, its content type ({@code null} when it sent none), the length it
 * announced ({@code -1} when it sent none: then the answer is chunked to the client), the other headers the client
 * may see (hop-by-hop and framing ones removed), and the body as a stream the server copies to the client as it
 * arrives, and closes.
 */
public record Forwarded(
        int status, String contentType, long contentLength, Map<String, List<String>> headers, InputStream body) {}
