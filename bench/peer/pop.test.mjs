// node --test bench/peer/: the peer's PoP against the worked example of docs/protocol.md, byte for byte.

import { test } from "node:test";
import assert from "node:assert/strict";
import { NonceCache, PopFailure, canonicalRequest, derivePopKey, encode, mac, verify } from "./pop.mjs";

const sessionKey = Buffer.from(Array.from({ length: 64 }, (_, i) => i));
const sessionId = encode(Buffer.from(Array.from({ length: 32 }, (_, i) => 0x40 + i)));
const body = Buffer.from('{"to":"bob","amount":"12.50"}', "utf8");
const headers = {
  authorization: "Bearer " + sessionId,
  "x-ts": "1767225600",
  "x-nonce": "bm9uY2UtMDAwMDAwMDAx",
  "x-pop": "TaCqfJXlaQPy0HKEY_rsua8-APXswqn6XMx22qWVcVo",
};

test("worked example: pop key, canonical request and X-POP", () => {
  assert.equal(sessionId, "QEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaW1xdXl8");
  const popKey = derivePopKey(sessionKey);
  assert.equal(popKey.toString("hex"), "55b21e3632b5804342901913340825eb3fd45d97b4bea09eb06cd03187eb8454");
  const canonical = canonicalRequest("POST", "/api/transfer", sessionId, "1767225600", "bm9uY2UtMDAwMDAwMDAx", body);
  assert.equal(canonical.length, 173);
  assert.equal(encode(mac(popKey, canonical)), headers["x-pop"]);
});

test("verify accepts the worked example once, then refuses the replay", () => {
  const sessions = new Map([[sessionId, { popKey: derivePopKey(sessionKey), expiresAt: 1767229200, username: "a" }]]);
  const nonces = new NonceCache(60);
  const request = { method: "POST", target: "/api/transfer", headers, body };
  assert.equal(verify(request, sessions, nonces, 1767225610, 30).username, "a");
  assert.throws(() => verify(request, sessions, nonces, 1767225610, 30), (e) => e instanceof PopFailure && e.code === "replayed_nonce");
});

test("verify checks in the documented order", () => {
  const sessions = new Map([[sessionId, { popKey: derivePopKey(sessionKey), expiresAt: 1767229200, username: "a" }]]);
  const code = (request, now = 1767225600) => {
    try {
      verify(request, sessions, new NonceCache(60), now, 30);
      return "accepted";
    } catch (e) {
      return e.code;
    }
  };
  const base = { method: "POST", target: "/api/transfer", headers, body };
  assert.equal(code({ ...base, headers: { ...headers, "x-pop": undefined } }), "missing_credentials");
  assert.equal(code({ ...base, headers: { ...headers, "x-ts": "12a" } }), "malformed_credentials");
  assert.equal(code({ ...base, headers: { ...headers, authorization: "Bearer " + "A".repeat(43) } }), "unknown_session");
  assert.equal(code(base, 1767229200), "expired_session");
  assert.equal(code(base, 1767225631), "stale_timestamp");
  assert.equal(code({ ...base, body: Buffer.from("{}") }), "invalid_signature");
  assert.equal(code(base), "accepted");
});

test("nonce cache remembers a nonce for at least its TTL", () => {
  let now = 0;
  const cache = new NonceCache(60, () => now);
  assert.ok(cache.claim("s", "n"));
  now = 59_999;
  assert.ok(!cache.claim("s", "n"));
  now = 60_000; // rotation: the nonce moves to the older generation and is still refused
  assert.ok(!cache.claim("s", "n"));
  now = 120_000; // older than the TTL in every generation: forgotten
  assert.ok(cache.claim("s", "n"));
});
