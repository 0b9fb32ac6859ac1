/**
 * The stand-alone server: Javalin and Jetty carrying requests to {@link dev.opaquepop.server.api.ProtocolApi}
 * ({@link dev.opaquepop.server.http.HttpApi}), the transport's own limits and problem answers, TLS reload, the
 * metrics port, the optional web page, and the demo bank as the server's own small application.
 */
package dev.opaquepop.server.http;
