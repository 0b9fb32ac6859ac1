// The browser client through the gateway (docs/gateway.md): OPAQUE_POP_GATEWAY_URL is a gateway
// (`server --upstream`) in front of a recording upstream that serves the page on public paths, so page and API
// share one origin.
// The package registers and logs in with the gateway, and its signed fetch is forwarded to the upstream;
// server/src/test/java/dev/opaquepop/server/GatewayBrowserIT.java then checks what the upstream received.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launch, requiredUrl, screenshot, watchErrors } from "./browser.mjs";

const URL = requiredUrl("OPAQUE_POP_GATEWAY_URL");
const USER = process.env.OPAQUE_POP_USER ?? "browser-user";
const PASSWORD = "correct horse battery staple";
const SLOW = { timeout: 60_000 };

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test("signed fetch through the gateway reaches the upstream; a replay does not", SLOW, async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(`${URL}/`);
  await page.waitForSelector("#status[data-state=logged-out]", SLOW);

  await page.evaluate(
    async ({ name, password }) => {
      await window.opaquePop.register(name, password);
      await window.opaquePop.login(name, password);
    },
    { name: USER, password: PASSWORD },
  );

  const sent = page.waitForRequest((request) => request.url().endsWith("/notes?from=browser"));
  const answer = await page.evaluate(async () => {
    const response = await window.opaquePop.fetch("/notes?from=browser", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: new TextEncoder().encode(JSON.stringify({ note: "hello" })),
    });
    return { status: response.status, body: await response.json() };
  });
  assert.deepEqual(answer, { status: 200, body: { upstream: "ok", received_bytes: 16 } });
  const get = await page.evaluate(() => window.opaquePop.fetch("/notes").then((response) => response.status));
  assert.equal(get, 200);
  await screenshot(page, "gateway", "01-after-signed-calls");

  // The captured request, replayed from outside the browser with its exact PoP headers: the gateway refuses it.
  const request = await sent;
  const headers = await request.allHeaders();
  const copied = {};
  for (const name of ["authorization", "x-ts", "x-nonce", "x-pop", "content-type"]) copied[name] = headers[name];
  const replayed = await fetch(request.url(), { method: "POST", headers: copied, body: request.postDataBuffer() });
  assert.equal(replayed.status, 401);
  assert.equal((await replayed.json()).code, "replayed_nonce");

  assert.deepEqual(errors, []);

  // Unsigned, from the page (Chromium logs the 401 as an error, so after the check above): the gateway answers.
  const unsigned = await page.evaluate(() => fetch("/notes").then((response) => response.status));
  assert.equal(unsigned, 401);
  await context.close();
});
