/**
 * {@code opaque-pop server --upstream URL}: the authenticating reverse proxy (docs/gateway.md).
 *
 * <p>{@link dev.opaquepop.server.gateway.Gateway} is the one entry point the HTTP layer uses: it tells which paths
 * go upstream, has the core verify a request's PoP, and forwards it, answering with a {@link
 * dev.opaquepop.server.gateway.Forwarded} the HTTP layer streams back. Package-private: the upstream connection
 * ({@code Upstream}, Jetty's HTTP client), which headers cross ({@code ForwardedHeaders}), the signed identity
 * assertion ({@code IdentityAssertions}, Nimbus JOSE with libsodium's Ed25519 through {@code
 * SodiumEd25519Signer}) and its key file ({@code GatewayKey}).
 */
package dev.opaquepop.server.gateway;
