// Proof of possession as docs/protocol.md defines it, on node:crypto only: the PoP key derivation, the
// canonical request, and the server's checks in their normative order.

import { createHash, createHmac, hkdfSync, timingSafeEqual } from "node:crypto";

const POP_KEY_INFO = Buffer.from("opaque-pop v1 pop key", "ascii");
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;
const NONCE = /^[A-Za-z0-9_-]{16,64}$/;
const TIMESTAMP = /^[0-9]{1,15}$/;
const MAC = /^[A-Za-z0-9_-]{43}=?$/;
const BASE64URL = /^[A-Za-z0-9_-]*={0,2}$/;

/** base64url without padding. */
export function encode(bytes) {
  return Buffer.from(bytes).toString("base64url");
}

/**
 * Decodes base64url with or without padding; null for anything else (Buffer.from alone skips bad characters
 * instead of refusing them).
 */
export function decode(text) {
  if (typeof text !== "string" || !BASE64URL.test(text) || text.replace(/=+$/, "").length % 4 === 1) {
    return null;
  }
  return Buffer.from(text, "base64url");
}

/** pop_key = HKDF-SHA256(salt = empty, IKM = session_key, info = "opaque-pop v1 pop key", L = 32). */
export function derivePopKey(sessionKey) {
  return Buffer.from(hkdfSync("sha256", sessionKey, Buffer.alloc(0), POP_KEY_INFO, 32));
}

/** The seven lines joined with "\n", no trailing newline, UTF-8. */
export function canonicalRequest(method, target, sessionId, timestamp, nonce, body) {
  const bodyHash = createHash("sha256").update(body).digest("hex");
  return Buffer.from(
    ["OPAQUE-POP-V1", method.toUpperCase(), target, sessionId, timestamp, nonce, bodyHash].join("\n"),
    "utf8",
  );
}

export function mac(popKey, canonical) {
  return createHmac("sha256", popKey).update(canonical).digest();
}

/** A failed check: the problem code the server answers with 401. */
export class PopFailure extends Error {
  constructor(code) {
    super(code);
    this.code = code;
  }
}

/**
 * The server checks, in the order of docs/protocol.md. `sessions.get(id)` gives {popKey, expiresAt (epoch s),
 * username} or undefined; `nonces.claim(sessionId, nonce)` is true for a first use. Returns the session.
 */
export function verify(request, sessions, nonces, nowSeconds, windowSeconds) {
  const { method, target, headers, body } = request;
  const authorization = headers["authorization"];
  const timestamp = headers["x-ts"];
  const nonce = headers["x-nonce"];
  const pop = headers["x-pop"];
  if (authorization === undefined || timestamp === undefined || nonce === undefined || pop === undefined) {
    throw new PopFailure("missing_credentials");
  }
  const sessionId = authorization.slice(7);
  if (
    authorization.length !== 50 ||
    authorization.slice(0, 7).toLowerCase() !== "bearer " ||
    !SESSION_ID.test(sessionId) ||
    !TIMESTAMP.test(timestamp) ||
    !NONCE.test(nonce) ||
    !MAC.test(pop)
  ) {
    throw new PopFailure("malformed_credentials");
  }
  const session = sessions.get(sessionId);
  if (session === undefined) {
    throw new PopFailure("unknown_session");
  }
  if (nowSeconds >= session.expiresAt) {
    throw new PopFailure("expired_session");
  }
  if (Math.abs(nowSeconds - Number(timestamp)) > windowSeconds) {
    throw new PopFailure("stale_timestamp");
  }
  if (/[\r\n]/.test(method) || /[\r\n]/.test(target)) {
    throw new PopFailure("invalid_signature");
  }
  const expected = mac(session.popKey, canonicalRequest(method, target, sessionId, timestamp, nonce, body));
  if (!timingSafeEqual(expected, Buffer.from(pop.replace(/=$/, ""), "base64url"))) {
    throw new PopFailure("invalid_signature");
  }
  if (!nonces.claim(sessionId, nonce)) {
    throw new PopFailure("replayed_nonce");
  }
  return session;
}

/**
 * Seen nonces per session for a fixed TTL (twice the window), in two generations: a nonce is remembered for at
 * least the TTL and at most twice it. Node runs this on one thread, so check-and-insert is atomic.
 */
export class NonceCache {
  constructor(ttlSeconds, nowMillis = () => Date.now()) {
    this.ttlMillis = ttlSeconds * 1000;
    this.nowMillis = nowMillis;
    this.current = new Set();
    this.previous = new Set();
    this.rotatedAt = nowMillis();
  }

  claim(sessionId, nonce) {
    const now = this.nowMillis();
    if (now - this.rotatedAt >= this.ttlMillis) {
      // Everything in `previous` is now older than the TTL; `current` becomes the older generation.
      this.previous = now - this.rotatedAt >= 2 * this.ttlMillis ? new Set() : this.current;
      this.current = new Set();
      this.rotatedAt = now;
    }
    const key = sessionId + ":" + nonce;
    if (this.current.has(key) || this.previous.has(key)) {
      return false;
    }
    this.current.add(key);
    return true;
  }

  get size() {
    return this.current.size + this.previous.size;
  }
}
