// The PoP code against the worked example of docs/protocol.md and the vectors the Java pop module also checks
// (test/vectors/pop-vectors.json, pop/src/test/java/dev/opaquepop/pop/BrowserVectorsIT.java).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { bodySha256Hex, canonicalRequest, derivePopKey, popMac } from "../../dist/index.js";

const vectors = JSON.parse(readFileSync(new URL("../vectors/pop-vectors.json", import.meta.url), "utf8")).cases;
const fromHex = (hex) => Uint8Array.from(hex.match(/../g) ?? [], (byte) => parseInt(byte, 16));
const toHex = (bytes) => Buffer.from(bytes).toString("hex");

test("the worked example of docs/protocol.md, step by step", async () => {
  const sessionKey = Uint8Array.from({ length: 64 }, (_, i) => i);
  const sessionId = Buffer.from(Uint8Array.from({ length: 32 }, (_, i) => 0x40 + i)).toString("base64url");
  assert.equal(sessionId, "QEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaW1xdXl8");
  const body = new TextEncoder().encode('{"to":"bob","amount":"12.50"}');
  const bodyHash = await bodySha256Hex(body);
  assert.equal(bodyHash, "b6963d30b8f26f3c937d56cb6af25945d6a6fa434b7c2e16c4021102aa51c2a5");
  assert.equal(await bodySha256Hex(new Uint8Array(0)), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const canonical = canonicalRequest("POST", "/api/transfer", sessionId, "1767225600", "bm9uY2UtMDAwMDAwMDAx", bodyHash);
  assert.equal(
    canonical,
    [
      "OPAQUE-POP-V1",
      "POST",
      "/api/transfer",
      "QEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaW1xdXl8",
      "1767225600",
      "bm9uY2UtMDAwMDAwMDAx",
      "b6963d30b8f26f3c937d56cb6af25945d6a6fa434b7c2e16c4021102aa51c2a5",
    ].join("\n"),
  );
  assert.equal(new TextEncoder().encode(canonical).length, 173);
  const key = await derivePopKey(sessionKey);
  assert.equal(await popMac(key, canonical), "TaCqfJXlaQPy0HKEY_rsua8-APXswqn6XMx22qWVcVo");
});

test("the PoP key is a non-extractable HMAC-SHA256 key that can only sign", async () => {
  const key = await derivePopKey(new Uint8Array(64));
  assert.equal(key.extractable, false);
  assert.deepEqual(key.usages, ["sign"]);
  assert.equal(key.algorithm.name, "HMAC");
  assert.equal(key.algorithm.hash.name, "SHA-256");
  assert.equal(key.algorithm.length, 256);
  await assert.rejects(crypto.subtle.exportKey("raw", key), { name: /^InvalidAccess/ });
  await assert.rejects(crypto.subtle.exportKey("jwk", key), { name: /^InvalidAccess/ });
});

test("every shared vector: HKDF output, canonical string and X-POP as the Java pop module computes them", async () => {
  assert.ok(vectors.length >= 5);
  for (const vector of vectors) {
    const sessionKey = fromHex(vector.session_key);
    // The same HKDF as derivePopKey, into bits this time, to compare with the Java key bytes.
    const ikm = await crypto.subtle.importKey("raw", sessionKey, "HKDF", false, ["deriveBits"]);
    const bits = await crypto.subtle.deriveBits(
      { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: new TextEncoder().encode("opaque-pop v1 pop key") },
      ikm,
      256,
    );
    assert.equal(toHex(new Uint8Array(bits)), vector.pop_key, `pop_key for ${vector.target}`);
    const canonical = canonicalRequest(
      vector.method,
      vector.target,
      vector.session_id,
      vector.timestamp,
      vector.nonce,
      await bodySha256Hex(fromHex(vector.body_hex)),
    );
    assert.equal(canonical, vector.canonical, `canonical for ${vector.target}`);
    assert.equal(await popMac(await derivePopKey(sessionKey), canonical), vector.x_pop, `x_pop for ${vector.target}`);
  }
});

test("the method is signed upper case, as the Java code does", () => {
  const lower = canonicalRequest("post", "/x", "s", "1", "n", "h");
  assert.equal(lower.split("\n")[1], "POST");
});

test("a field with a line break is refused, so one field cannot pose as two", () => {
  for (const [i, bad] of ["GET\n", "/x\r", "s\nx", "1\n", "n\r\n"].entries()) {
    const fields = ["GET", "/x", "s", "1", "n"];
    fields[i] = bad;
    assert.throws(() => canonicalRequest(...fields, "h"), TypeError);
  }
});
