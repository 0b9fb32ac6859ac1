// The signed fetch: what it signs and sends, what it refuses, and what it does with the stored session.
import assert from "node:assert/strict";
import { test } from "node:test";
import { bodySha256Hex, canonicalRequest, derivePopKey, MemorySessionStore, OpaquePopClient, popMac } from "../../dist/index.js";

const SERVER = "http://127.0.0.1:8080";
const SESSION_ID = "QEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaW1xdXl8";
const SESSION_KEY = Uint8Array.from({ length: 64 }, (_, i) => i);

async function loggedIn(answer = () => new Response("{}", { status: 200 })) {
  const store = new MemorySessionStore();
  const key = await derivePopKey(SESSION_KEY.slice());
  const expiresAt = Math.floor(Date.now() / 1000) + 3600;
  await store.save({ server: SERVER, username: "alice", sessionId: SESSION_ID, key, expiresAt });
  const sent = [];
  const fetch = async (url, init) => {
    sent.push({ url, init });
    return answer(url, init);
  };
  return { client: new OpaquePopClient({ server: SERVER, fetch, sessionStore: store }), sent, store, key };
}

async function assertSignedFor(request, method, target, bodyBytes) {
  const headers = request.init.headers;
  assert.equal(request.init.method, method);
  assert.equal(headers.get("Authorization"), `Bearer ${SESSION_ID}`);
  assert.match(headers.get("X-TS"), /^[0-9]{1,15}$/);
  assert.match(headers.get("X-NONCE"), /^[A-Za-z0-9_-]{32}$/);
  assert.ok(Math.abs(Number(headers.get("X-TS")) - Date.now() / 1000) < 5);
  const canonical = canonicalRequest(method, target, SESSION_ID, headers.get("X-TS"), headers.get("X-NONCE"), await bodySha256Hex(bodyBytes));
  const key = await derivePopKey(SESSION_KEY.slice());
  assert.equal(headers.get("X-POP"), await popMac(key, canonical));
  const sentBody = request.init.body === null ? new Uint8Array(0) : new Uint8Array(request.init.body);
  assert.deepEqual(sentBody, bodyBytes);
}

test("a string body is signed and sent as its exact UTF-8 bytes, the method upper case", async () => {
  const { client, sent } = await loggedIn();
  const body = '{"to":"bob","amount":"12.50","note":"café €"}';
  await client.fetch("/api/transfer", { method: "post", body, headers: { "Content-Type": "application/json" } });
  assert.equal(sent.length, 1);
  assert.equal(sent[0].url, `${SERVER}/api/transfer`);
  assert.equal(sent[0].init.headers.get("Content-Type"), "application/json");
  assert.equal(sent[0].init.credentials, "omit");
  await assertSignedFor(sent[0], "POST", "/api/transfer", new TextEncoder().encode(body));
  assert.equal(client.lastSigned.canonical.split("\n")[2], "/api/transfer");
});

test("Uint8Array and ArrayBuffer bodies; no body hashes as the empty string", async () => {
  const { client, sent } = await loggedIn();
  const bytes = Uint8Array.from([0, 1, 2, 255]);
  await client.fetch("/api/x", { method: "PUT", body: bytes });
  await client.fetch("/api/x", { method: "PUT", body: bytes.buffer.slice(0) });
  await client.fetch("/api/me");
  await assertSignedFor(sent[0], "PUT", "/api/x", bytes);
  await assertSignedFor(sent[1], "PUT", "/api/x", bytes);
  await assertSignedFor(sent[2], "GET", "/api/me", new Uint8Array(0));
});

test("the target is signed as the browser sends it: query kept, a bare '?' kept, the fragment not sent", async () => {
  const { client, sent } = await loggedIn();
  await client.fetch("/api/transfers?limit=10&q=a b");
  await client.fetch(`${SERVER}/api/me?`);
  await client.fetch("/api/me#top");
  await assertSignedFor(sent[0], "GET", "/api/transfers?limit=10&q=a%20b", new Uint8Array(0));
  assert.equal(sent[0].url, `${SERVER}/api/transfers?limit=10&q=a%20b`);
  await assertSignedFor(sent[1], "GET", "/api/me?", new Uint8Array(0));
  await assertSignedFor(sent[2], "GET", "/api/me", new Uint8Array(0));
  assert.equal(sent[2].url, `${SERVER}/api/me`);
});

test("nothing is signed for another origin, nor a body whose bytes cannot be known in advance", async () => {
  const { client, sent } = await loggedIn();
  await assert.rejects(client.fetch("https://evil.example/api/me"), TypeError);
  await assert.rejects(client.fetch("http://127.0.0.1:8081/api/me"), TypeError);
  await assert.rejects(client.fetch("/api/x", { method: "POST", body: new Blob(["x"]) }), TypeError);
  await assert.rejects(client.fetch("/api/x", { method: "GE T" }), TypeError);
  assert.equal(sent.length, 0);
});

test("each request gets a fresh nonce", async () => {
  const { client, sent } = await loggedIn();
  await client.fetch("/api/me");
  await client.fetch("/api/me");
  assert.notEqual(sent[0].init.headers.get("X-NONCE"), sent[1].init.headers.get("X-NONCE"));
});

test("a GET refused as replayed_nonce is signed afresh and sent once more; a POST never is", async () => {
  const replayed = () => new Response(JSON.stringify({ code: "replayed_nonce" }), { status: 401 });
  const { client, sent } = await loggedIn(replayed);
  const get = await client.fetch("/api/me");
  assert.equal(get.status, 401);
  assert.equal(sent.length, 2);
  assert.notEqual(sent[0].init.headers.get("X-NONCE"), sent[1].init.headers.get("X-NONCE"));
  await client.fetch("/api/transfer", { method: "POST", body: "{}" });
  assert.equal(sent.length, 3);
});

test("errors carry the problem code; a session the server no longer knows is deleted", async () => {
  const gone = () => new Response(JSON.stringify({ code: "unknown_session", title: "Unknown session" }), { status: 401 });
  const { client, store } = await loggedIn(gone);
  await assert.rejects(client.call("GET", "/api/me"), { code: "unknown_session", status: 401 });
  assert.equal(await store.load(SERVER), null);
  assert.equal(await client.restore(), null);
  await assert.rejects(client.fetch("/api/me"), { code: "not_logged_in" });
});

test("call() sends its body as signed JSON and gives the answer's object back, {} for a 204", async () => {
  const answers = [
    () => new Response(JSON.stringify({ transfer_id: "t1", amount: "1.00" }), { status: 201 }),
    () => new Response(null, { status: 204 }),
  ];
  const { client, sent } = await loggedIn(() => answers.shift()());
  const answer = await client.call("POST", "/api/transfer", { to: "bob", amount: "1.00" });
  assert.deepEqual(answer, { transfer_id: "t1", amount: "1.00" });
  assert.equal(sent[0].init.headers.get("Content-Type"), "application/json");
  await assertSignedFor(sent[0], "POST", "/api/transfer", new TextEncoder().encode('{"to":"bob","amount":"1.00"}'));
  assert.deepEqual(await client.call("DELETE", "/api/sessions/abcdefgh"), {});
  await assertSignedFor(sent[1], "DELETE", "/api/sessions/abcdefgh", new Uint8Array(0));
});

test("restore() gives the saved session without its key; an expired one is deleted", async () => {
  const { client, store } = await loggedIn();
  const view = await client.restore();
  assert.deepEqual(Object.keys(view).sort(), ["expiresAt", "idPrefix", "username"]);
  assert.equal(view.idPrefix, SESSION_ID.slice(0, 8));
  assert.equal(await client.restore(Date.now() + 3601 * 1000), null);
  assert.equal(await store.load(SERVER), null);
});

test("logout ends the session on the server and deletes it here, also when the server refuses", async () => {
  const { client, sent, store } = await loggedIn(() => new Response(null, { status: 204 }));
  await client.logout({ all: true });
  await assertSignedFor(sent[0], "POST", "/logout?all=true", new Uint8Array(0));
  assert.equal(await store.load(SERVER), null);
  const refused = await loggedIn(() => new Response(JSON.stringify({ code: "expired_session" }), { status: 401 }));
  await assert.rejects(refused.client.logout(), { code: "expired_session" });
  assert.equal(await refused.store.load(SERVER), null);
});
