/**
 * The protocol's HTTP face as plain values, for any web framework to carry: {@link
 * dev.opaquepop.server.api.ProtocolApi} answers the protocol's own endpoints ({@code handle}), verifies an
 * application request's PoP signature ({@code verify}) and maps every failure to its answer ({@code failure});
 * requests come in as {@link dev.opaquepop.server.api.ApiRequest}, answers go out as {@link
 * dev.opaquepop.server.api.ApiResponse}, and {@link dev.opaquepop.server.api.ServletApi} does both for any servlet
 * container. The stand-alone server, the Spring integration and the gateway are adapters over it and hold no
 * protocol rule of their own.
 */
package dev.opaquepop.server.api;
