// The browser client against the opaque-ke peer server of the interop tests (bench/peer/server.mjs: the
// protocol around @serenity-kit/opaque on node, OPAQUE_POP_PEER_URL), so that the wire compatibility of the
// browser package is shown with an implementation other than this project's Java server. The peer serves no
// page: Playwright answers the page's own files on the peer's origin (so the page is same-origin with the API,
// as under `server --web`) and everything else goes to the peer.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import { launch, requiredUrl, screenshot, storedSessions } from "./browser.mjs";

const PEER = requiredUrl("OPAQUE_POP_PEER_URL");
const WEB = join(import.meta.dirname, "..", "..", "dist", "web");
const TYPES = { "index.html": "text/html", "app.js": "text/javascript", "style.css": "text/css", "icon.svg": "image/svg+xml" };
const SLOW = { timeout: 60_000 };

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

async function pageOnPeerOrigin() {
  const context = await browser.newContext();
  await context.route(`${PEER}/`, (route) => serve(route, "index.html"));
  await context.route(`${PEER}/web/*`, (route) => serve(route, new URL(route.request().url()).pathname.slice("/web/".length)));
  const page = await context.newPage();
  await page.goto(`${PEER}/`);
  await page.waitForFunction(() => window.opaquePop !== undefined, null, SLOW);
  return { context, page };
}

function serve(route, file) {
  const type = TYPES[file];
  if (type === undefined) return route.fulfill({ status: 404 });
  return route.fulfill({
    status: 200,
    contentType: type,
    body: readFileSync(join(WEB, file)),
    headers: {
      "Content-Security-Policy":
        "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    },
  });
}

test("register, log in, signed calls, replay refused, reload, logout: browser client with the opaque-ke server", SLOW, async () => {
  const { context, page } = await pageOnPeerOrigin();
  const name = `dora-${randomUUID().slice(0, 8)}`;
  const password = "correct horse battery staple";
  const session = await page.evaluate(
    async ({ name, password }) => {
      await window.opaquePop.register(name, password);
      return window.opaquePop.login(name, password);
    },
    { name, password },
  );
  assert.equal(session.username, name);
  assert.deepEqual(await storedSessions(page), [
    { fields: ["expiresAt", "key", "server", "sessionId", "username"], username: name, keyType: "CryptoKey", extractable: false },
  ]);
  assert.equal((await page.evaluate(() => window.demoBank.me())).username, name);

  const sent = page.waitForRequest((request) => request.url().endsWith("/api/transfer"));
  const receipt = await page.evaluate(() => window.demoBank.transfer("erin", "7.25"));
  assert.deepEqual([receipt.from, receipt.to, receipt.amount], [name, "erin", "7.25"]);
  const request = await sent;
  const headers = await request.allHeaders();
  const replayed = await fetch(request.url(), {
    method: "POST",
    headers: Object.fromEntries(["authorization", "x-ts", "x-nonce", "x-pop", "content-type"].map((h) => [h, headers[h]])),
    body: request.postDataBuffer(),
  });
  assert.equal(replayed.status, 401);
  assert.equal((await replayed.json()).code, "replayed_nonce");

  await page.reload();
  await page.waitForFunction(() => window.opaquePop !== undefined, null, SLOW);
  assert.equal((await page.evaluate(() => window.opaquePop.restore())).username, name);
  const transfers = await page.evaluate(() => window.demoBank.transfers());
  assert.deepEqual(transfers.map((transfer) => [transfer.to, transfer.amount]), [["erin", "7.25"]]);
  await screenshot(page, "peer", "01-logged-in-on-the-opaque-ke-server");

  const wrong = await page.evaluate(
    ({ name }) => window.opaquePop.login(name, "wrong").then(() => "logged in", (error) => error.code),
    { name },
  );
  assert.equal(wrong, "login_failed");
  await page.evaluate(() => window.opaquePop.logout());
  assert.deepEqual(await storedSessions(page), []);
  await context.close();
});
