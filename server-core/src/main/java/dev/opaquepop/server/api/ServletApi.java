package dev.opaquepop.server.api;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;

/** The core over any servlet container (Jetty, Tomcat): requests in, answers out. */
public final class ServletApi {
    private ServletApi() {}

    /**
     * The request as the core sees it, its path taken below {@code mountPath} ({@code ""}, or a prefix such as
     * {@code /auth} under the servlet context); a request outside the mount path has a path that matches no route.
     */
    public static ApiRequest request(HttpServletRequest request, String mountPath) {
        return new ServletRequest(request, mountPath);
    }

    /** Writes the answer: status, headers, content type and body. */
    public static void write(ApiResponse response, HttpServletResponse servlet) throws IOException {
        servlet.setStatus(response.status());
        for (Map.Entry<String, String> header : response.headers().entrySet()) {
            servlet.setHeader(header.getKey(), header.getValue());
        }
        if (response.contentType() != null) {
            servlet.setContentType(response.contentType());
        }
        servlet.setContentLength(response.bodyLength());
        if (response.bodyLength() > 0) {
            servlet.getOutputStream().write(response.body());
        }
    }

    private static final class ServletRequest implements ApiRequest {
        private final HttpServletRequest request;
        private final String path;

        ServletRequest(HttpServletRequest request, String mountPath) {
            this.request = request;
            String uri = request.getRequestURI();
            String prefix = request.getContextPath() + mountPath;
            // Outside the mount point: a path no route has (routes all start with '/').
            this.path = uri.startsWith(prefix) ? uri.substring(prefix.length()) : "outside:" + uri;
        }

        @Override
        public String method() {
            return request.getMethod();
        }

        @Override
        public String path() {
            return path;
        }

        @Override
        public String target() {
            String query = request.getQueryString();
            return request.getRequestURI() + (query == null ? "" : "?" + query);
        }

        @Override
        public List<String> headers(String name) {
            Enumeration<String> values = request.getHeaders(name);
            return values == null ? List.of() : Collections.list(values);
        }

        @Override
        public String remoteAddress() {
            return request.getRemoteAddr();
        }

        @Override
        public long declaredLength() {
            return request.getContentLengthLong();
        }

        @Override
        public InputStream openBody() throws IOException {
            return request.getInputStream();
        }
    }
}
