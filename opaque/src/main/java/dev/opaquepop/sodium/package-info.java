/**
 * libsodium, loaded once per process from the copy lazysodium bundles ({@link dev.opaquepop.sodium.Libsodium}),
 * and the one primitive other modules take from it directly: Ed25519 signatures ({@link
 * dev.opaquepop.sodium.Ed25519SigningKey}). OPAQUE's group arithmetic uses the same library through {@code
 * opaque.internal}.
 */
package dev.opaquepop.sodium;
