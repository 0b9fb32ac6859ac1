/**
 * Proof of possession exactly as docs/protocol.md defines it, with WebCrypto: the PoP key, the canonical request
 * and X-POP. The Java module `pop` (CanonicalRequest, PopKey, PopSigner) is the reference; test/unit checks both
 * agree byte for byte.
 */
import { base64url, hex } from "./encoding.js";

const POP_KEY_INFO = new TextEncoder().encode("opaque-pop v1 pop key");
const VERSION = "OPAQUE-POP-V1";
/** 24 random bytes, as the Java signer: 192 bits against collisions, 32 characters. */
const NONCE_BYTES = 24;

/**
 * pop_key = HKDF-SHA256(salt = empty, IKM = session_key, info = "opaque-pop v1 pop key", L = 32), derived
 * straight into a non-extractable HMAC-SHA256 key: script can sign with it but never read it. The caller must
 * drop (and zero) `sessionKey` once this resolves.
 */
export async function derivePopKey(sessionKey: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  const ikm = await crypto.subtle.importKey("raw", sessionKey, "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: POP_KEY_INFO },
    ikm,
    { name: "HMAC", hash: "SHA-256", length: 256 },
    false,
    ["sign"],
  );
}

/** Lower-case hex SHA-256 of the exact body bytes (of the empty string for no body). */
export async function bodySha256Hex(body: Uint8Array<ArrayBuffer>): Promise<string> {
  return hex(new Uint8Array(await crypto.subtle.digest("SHA-256", body)));
}

/**
 * The seven lines joined with "\n", no trailing newline. A field with a line break is refused, as by the Java
 * code: one field could otherwise pose as two.
 */
export function canonicalRequest(
  method: string,
  target: string,
  sessionId: string,
  timestamp: string,
  nonce: string,
  bodyHashHex: string,
): string {
  const fields = { method, target, sessionId, timestamp, nonce };
  for (const [name, value] of Object.entries(fields)) {
    if (/[\r\n]/.test(value)) throw new TypeError(`${name} must not contain a line break`);
  }
  return [VERSION, method.toUpperCase(), target, sessionId, timestamp, nonce, bodyHashHex].join("\n");
}

/** base64url(HMAC-SHA256(pop_key, canonical)), no padding. */
export async function popMac(key: CryptoKey, canonical: string): Promise<string> {
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(canonical));
  return base64url(new Uint8Array(mac));
}

export function newNonce(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(NONCE_BYTES)));
}

/** What one signed request carried: the headers, and the canonical string for display (it holds no secret). */
export interface SignedRequest {
  readonly method: string;
  readonly target: string;
  readonly canonical: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** Signs one request now: a fresh timestamp (whole seconds) and nonce. */
export async function sign(
  key: CryptoKey,
  sessionId: string,
  method: string,
  target: string,
  body: Uint8Array<ArrayBuffer>,
  nowMillis: number,
): Promise<SignedRequest> {
  const timestamp = Math.floor(nowMillis / 1000).toString();
  const nonce = newNonce();
  const canonical = canonicalRequest(method, target, sessionId, timestamp, nonce, await bodySha256Hex(body));
  return {
    method: method.toUpperCase(),
    target,
    canonical,
    headers: {
      Authorization: `Bearer ${sessionId}`,
      "X-TS": timestamp,
      "X-NONCE": nonce,
      "X-POP": await popMac(key, canonical),
    },
  };
}
