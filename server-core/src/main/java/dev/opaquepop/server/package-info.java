/**
 * The protocol core's configuration and assembly, shared by every way of serving it (the stand-alone server, the
 * Spring Boot starter, the gateway).
 *
 * <p>Entry points: {@link dev.opaquepop.server.CoreConfig} (built with its builder, which validates
 * every option; its parts are {@link dev.opaquepop.server.SessionConfig}, which the adapters read, and the
 * package-private {@code StorageConfig} and {@code LimitConfig}; every default is in {@link
 * dev.opaquepop.server.Defaults}), then {@link
 * dev.opaquepop.server.ProtocolCore#open}, which connects and migrates the storage, loads or creates the server
 * setup ({@link dev.opaquepop.server.ServerSetups}, {@link dev.opaquepop.server.SecretFiles}, {@link
 * dev.opaquepop.server.SealingKeys}) and hands out the {@link dev.opaquepop.server.Services}, {@link
 * dev.opaquepop.server.Metrics} and {@link dev.opaquepop.server.Readiness} that the adapters serve. Which stores
 * back it is decided once, in the package-private {@code StorageBackend}.
 *
 * <p>This package is split across two modules: {@code server-core} (the above) and {@code server}, which adds
 * the stand-alone server's own configuration ({@code ServerConfig}, {@code GatewayConfig}, {@code PublicPaths})
 * and TLS ({@code TlsReload}). Both halves are described here, once.
 */
package dev.opaquepop.server;
