/**
 * The building blocks of OPAQUE-3DH, named after RFC 9807 and RFC 9497: the OPRF ({@code Oprf}), the envelope
 * ({@code Envelope}), the 3DH key exchange ({@code TripleDh}), ristretto255 group and scalar operations through
 * libsodium ({@code Ristretto255}), SHA-512 and key pairs, and byte helpers including the constant-time ones
 * ({@code Bytes}).
 *
 * <p>Internal to the {@code opaque} module: public only because Java packages cannot share package-private
 * members; an architecture test fails the build on any use from another module. Use {@code
 * dev.opaquepop.opaque}.
 */
package dev.opaquepop.opaque.internal;
