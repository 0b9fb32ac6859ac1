// The discovery document and the client's Argon2id floor and ceiling (docs/threat-model.md, "Malicious or
// compromised server").
import assert from "node:assert/strict";
import { test } from "node:test";
import { checkKsfFloor, MemorySessionStore, OpaquePopClient, parseServerInfo, PROTOCOL_KSF } from "../../dist/index.js";

const KEY = Buffer.alloc(32, 7).toString("base64url");

function document(ksf = {}, overrides = {}) {
  return {
    protocol: "opaque-pop-v1",
    server_public_key: KEY,
    opaque: {
      suite: "OPAQUE-3DH ristretto255-SHA512",
      context: "",
      ksf: { algorithm: "argon2id", memory_kib: 65536, iterations: 3, parallelism: 4, ...ksf },
    },
    pop: { window_seconds: 30 },
    ...overrides,
  };
}

/** A fetch that answers the discovery document and records every other call (there must be none). */
function fakeServer(doc) {
  const calls = [];
  const fetch = async (url) => {
    calls.push(String(url));
    if (String(url).endsWith("/.well-known/opaque-pop")) {
      return new Response(JSON.stringify(doc), { status: 200, headers: { "Content-Type": "application/json" } });
    }
    return new Response("{}", { status: 500 });
  };
  return { calls, fetch };
}

test("the protocol's parameters are accepted", () => {
  const info = parseServerInfo(document());
  assert.deepEqual(info.ksf, { memoryKib: 65536, iterations: 3, parallelism: 4 });
  assert.equal(info.serverPublicKey.length, 32);
  assert.equal(info.popWindowSeconds, 30);
  checkKsfFloor(info.ksf);
  assert.deepEqual(PROTOCOL_KSF, { memoryKib: 65536, iterations: 3, parallelism: 4 });
});

test("memory or iterations below the floor are refused with weak_ksf", () => {
  for (const ksf of [{ memory_kib: 65535 }, { iterations: 2 }, { memory_kib: 1024, iterations: 1 }]) {
    assert.throws(() => checkKsfFloor(parseServerInfo(document(ksf)).ksf), { code: "weak_ksf" });
  }
  // Fewer lanes make a guess no cheaper: no floor on parallelism.
  checkKsfFloor(parseServerInfo(document({ parallelism: 1 })).ksf);
});

test("a floor lowered explicitly accepts a test server's parameters, and only those above it", () => {
  const cheap = parseServerInfo(document({ memory_kib: 1024, iterations: 1, parallelism: 1 })).ksf;
  checkKsfFloor(cheap, { memoryKib: 1024, iterations: 1 });
  assert.throws(() => checkKsfFloor(cheap, { memoryKib: 2048, iterations: 1 }), { code: "weak_ksf" });
});

test("parameters above the ceiling are refused with ksf_too_costly while the document is read", () => {
  for (const ksf of [{ memory_kib: (1 << 20) + 1 }, { iterations: 17 }, { parallelism: 17 }, { memory_kib: 1e300 }]) {
    assert.throws(() => parseServerInfo(document(ksf)), (error) => ["ksf_too_costly", "invalid_response"].includes(error.code));
  }
  assert.throws(() => parseServerInfo(document({ iterations: 17 })), { code: "ksf_too_costly" });
});

test("another protocol, suite, context or KSF is unsupported_server; a malformed document is invalid_response", () => {
  assert.throws(() => parseServerInfo(document({}, { protocol: "opaque-pop-v2" })), { code: "unsupported_server" });
  assert.throws(() => parseServerInfo(document({ algorithm: "scrypt" })), { code: "unsupported_server" });
  const other = document();
  other.opaque.context = "x";
  assert.throws(() => parseServerInfo(other), { code: "unsupported_server" });
  assert.throws(() => parseServerInfo(document({}, { server_public_key: "short" })), { code: "invalid_response" });
  assert.throws(() => parseServerInfo(document({ iterations: "3" })), { code: "invalid_response" });
  assert.throws(() => parseServerInfo(document({ iterations: 2.5 })), { code: "invalid_response" });
  assert.throws(() => parseServerInfo([]), { code: "invalid_response" });
});

test("the client sends nothing to a server below the floor: register and login fail with weak_ksf", async () => {
  const server = fakeServer(document({ memory_kib: 8192, iterations: 1 }));
  const client = new OpaquePopClient({ server: "http://127.0.0.1:9", fetch: server.fetch, sessionStore: new MemorySessionStore() });
  await assert.rejects(client.register("alice", "a password"), { code: "weak_ksf" });
  await assert.rejects(client.login("alice", "a password"), { code: "weak_ksf" });
  assert.ok(server.calls.every((url) => url.endsWith("/.well-known/opaque-pop")), server.calls.join(", "));
});

test("a pinned server key must match the advertised one", async () => {
  const server = fakeServer(document());
  const pinned = Buffer.alloc(32, 8).toString("base64url");
  const client = new OpaquePopClient({ server: "http://127.0.0.1:9", fetch: server.fetch, serverPublicKey: pinned, sessionStore: new MemorySessionStore() });
  await assert.rejects(client.login("alice", "pw"), { code: "server_key_mismatch" });
});

test("an insecure floor below Argon2id's own minimum is a programming error", () => {
  assert.throws(() => new OpaquePopClient({ server: "http://127.0.0.1:9", insecureKsfFloor: { memoryKib: 4, iterations: 1 } }), TypeError);
});
