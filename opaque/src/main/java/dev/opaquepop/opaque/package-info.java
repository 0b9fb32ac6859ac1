/**
 * OPAQUE-3DH (RFC 9807) over ristretto255-SHA512, wire-compatible with opaque-ke.
 *
 * <p>OPAQUE lets a client prove knowledge of a password to a server that never sees the password, nor anything
 * an attacker could test guesses against without first running an online login per guess (or, after a
 * compromise of the server, an Argon2id computation per guess and per user).
 *
 * <p>The story of a registration: {@link dev.opaquepop.opaque.OpaqueClient#startRegistration} blinds the
 * password into a {@link dev.opaquepop.opaque.RegistrationRequest}; {@link
 * dev.opaquepop.opaque.OpaqueServer#registrationResponse} evaluates it under a per-user OPRF key; {@link
 * dev.opaquepop.opaque.ClientRegistration#finish} turns the result into a {@link
 * dev.opaquepop.opaque.RegistrationRecord}, which the server stores.
 *
 * <p>A login: {@link dev.opaquepop.opaque.OpaqueClient#startLogin} sends {@link dev.opaquepop.opaque.Ke1};
 * {@link dev.opaquepop.opaque.OpaqueServer#startLogin} answers {@link dev.opaquepop.opaque.Ke2} (also, with a
 * fake record, for users that do not exist); {@link dev.opaquepop.opaque.ClientLogin#finish} authenticates the
 * server and produces {@link dev.opaquepop.opaque.Ke3} and the session key; {@link
 * dev.opaquepop.opaque.ServerLogin#finish} authenticates the client and yields the same session key.
 *
 * <p>Every failure is an {@link dev.opaquepop.opaque.OpaqueException}; secrets are {@link
 * dev.opaquepop.opaque.SecretBytes} and never printed. {@code internal} holds the primitives and promises
 * nothing to callers.
 */
package dev.opaquepop.opaque;
