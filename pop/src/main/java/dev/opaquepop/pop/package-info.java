/**
 * Proof of possession for OPAQUE sessions: every protected request carries a MAC bound to the session key of
 * the login that created its session, so a leaked session id or a captured request is useless on its own.
 *
 * <p>The story: after an OPAQUE login (RFC 9807) client and server hold the same 64-byte session key. Each side
 * derives a {@link dev.opaquepop.pop.PopKey} from it with HKDF-SHA256 (RFC 5869); the key never travels. For
 * every request the client's {@link dev.opaquepop.pop.PopSigner} picks the current time and a fresh nonce,
 * builds the {@link dev.opaquepop.pop.CanonicalRequest} (method, target, session id, time, nonce, body hash)
 * and sends its HMAC-SHA256 in the headers of {@link dev.opaquepop.pop.PopHeaders}. The server turns the
 * received request into an {@link dev.opaquepop.pop.IncomingRequest}; the {@link
 * dev.opaquepop.pop.PopVerifier} finds the {@link dev.opaquepop.pop.PopSession} through a {@link
 * dev.opaquepop.pop.PopSessionLookup}, checks freshness and the MAC, and claims the nonce in a {@link
 * dev.opaquepop.pop.NonceStore} so the same request is accepted at most once.
 *
 * <p>A refusal is one checked {@link dev.opaquepop.pop.PopVerificationException} carrying a {@link
 * dev.opaquepop.pop.PopFailure}, whose code goes into the 401 problem+json answer. Misuse (a key of the wrong
 * length, a null argument) is an unchecked exception. Keys are never printed. The wire format is specified in
 * {@code docs/protocol.md}; {@code docs/protocol-worked-example.md} works one request through by hand.
 *
 * <p>{@link dev.opaquepop.pop.LoginPurpose} names what a login was performed for, in the words client and server
 * both use on the wire: a session is for everyday calls unless its login was made for a password change or an
 * account deletion.
 */
package dev.opaquepop.pop;
