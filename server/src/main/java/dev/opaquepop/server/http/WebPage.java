package dev.opaquepop.server.http;

import dev.opaquepop.server.api.ApiProblem;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The browser demo of {@code js/} (docs/browser.md), served from the jar when {@code --web} is on: the page at
 * {@code /} and its files under {@code /web/}, nothing else, under a CSP that runs only this origin's script
 * (and its WASM), no inline script or style, and no framing.
 */
final class WebPage {
    /**
     * {@code 'wasm-unsafe-eval'} lets the page compile the OPAQUE WASM it carries, and nothing else: no {@code
     * eval}, no inline script. {@code connect-src 'self'}: the page talks to this server only.
     */
    static final String CSP = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self';"
            + " connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    static final String CSP_HEADER = "Content-Security-Policy";

    /** Set on the requests this page answers: their answers carry its own policy, not the server's default one. */
    static final String OWN_POLICY_ATTRIBUTE = "opaque-pop.web-page";

    private static final String RESOURCES = "/dev/opaquepop/server/web/";

    /** One file: its type and bytes, read once and only ever sent whole. */
    private static final class Asset {
        private final String contentType;
        private final byte[] bytes;

        Asset(String contentType, byte[] bytes) {
            this.contentType = contentType;
            this.bytes = bytes;
        }
    }

    private final Map<String, Asset> assets;

    private WebPage(Map<String, Asset> assets) {
        this.assets = assets;
    }

    /**
     * Reads the page from the jar.
     *
     * @throws IllegalArgumentException when this build has none (npm was missing when it was built)
     */
    static WebPage load() {
        return new WebPage(Map.of(
                "index.html", asset("index.html", "text/html; charset=utf-8"),
                "app.js", asset("app.js", "text/javascript; charset=utf-8"),
                "style.css", asset("style.css", "text/css; charset=utf-8"),
                "icon.svg", asset("icon.svg", "image/svg+xml")));
    }

    void register(JavalinConfig config) {
        config.routes.get("/", ctx -> send(ctx, assets.get("index.html")));
        config.routes.get("/web/{file}", ctx -> {
            Asset asset = assets.get(ctx.pathParam("file"));
            if (asset == null) {
                throw new ApiProblem(404, "not_found", "Not found", null);
            }
            send(ctx, asset);
        });
    }

    private static void send(Context ctx, Asset asset) {
        ctx.attribute(OWN_POLICY_ATTRIBUTE, true);
        ctx.header(CSP_HEADER, CSP);
        ctx.header("Cross-Origin-Opener-Policy", "same-origin");
        ctx.header("Cross-Origin-Resource-Policy", "same-origin");
        ctx.contentType(asset.contentType).result(asset.bytes);
    }

    private static Asset asset(String name, String contentType) {
        try (InputStream in = WebPage.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IllegalArgumentException("--web: this build has no web page (" + name + " is missing from"
                        + " the jar: node and npm were not on the PATH when it was built); install Node.js 18 or"
                        + " newer with npm, then rebuild (rm cli/target/opaque-pop.jar; bin/opaque-pop builds it"
                        + " again)");
            }
            return new Asset(contentType, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
