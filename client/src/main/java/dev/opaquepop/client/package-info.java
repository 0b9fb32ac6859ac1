/**
 * The opaque-pop client SDK over {@link java.net.http.HttpClient}.
 *
 * <p>The story: {@link dev.opaquepop.client.OpaquePopClient#serverInfo()} reads what the server advertises at
 * {@code /.well-known/opaque-pop} (its OPAQUE public key, context and Argon2id parameters) and checks it before
 * any password is used: the Argon2id parameters against a {@link dev.opaquepop.client.KsfPolicy}, the key against
 * a pinned one or, trusting on first use, against what {@link dev.opaquepop.client.KnownServers} stored at the
 * first contact (a pin replaces a different stored key; {@link dev.opaquepop.client.KnownServers#forget} is the
 * way back after a legitimate change); without the document it fails closed. {@link dev.opaquepop.client.OpaquePopClient#register} runs an OPAQUE registration (RFC 9807
 * §5) over {@code /register/start} and {@code /register/finish}; the password never leaves the process.
 * {@link dev.opaquepop.client.OpaquePopClient#login} runs an OPAQUE login (§6) over {@code /login/start} and
 * {@code /login/finish}, checks the authenticated server key against the advertised one, and derives the
 * session's {@link dev.opaquepop.pop.PopKey} from the session key, giving a {@link
 * dev.opaquepop.client.ClientSession}. From then on {@link dev.opaquepop.client.OpaquePopClient#send} signs
 * every request with a {@link dev.opaquepop.pop.PopSigner}, and {@link dev.opaquepop.client.OpaquePopClient#call}
 * returns the body of a successful answer (an application's client is built on it); {@code logout} and {@code
 * logoutAll}, {@code sessions} and {@code endSession}, {@code changePassword} (an OPAQUE registration again,
 * signed, which needs a recent login) and {@code deleteAccount} are conveniences over it.
 *
 * <p>A session can be saved to a file readable only by its owner and loaded again, so a command-line tool can
 * log in once and make calls from later processes. Failures are one {@link
 * dev.opaquepop.client.OpaquePopClientException} carrying the HTTP status and the problem code; a {@link
 * dev.opaquepop.client.ProgressListener} hears about the slow password stretching.
 */
package dev.opaquepop.client;
