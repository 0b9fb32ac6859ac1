// The browser client end to end against a real opaque-pop server (OPAQUE_POP_URL, started with the web page
// and the protocol's default Argon2id by server/src/test/java/dev/opaquepop/server/BrowserIT.java), in
// headless Chromium: through the demo page, and through the package API the page exposes. A screenshot of each
// page state goes to ARTIFACTS/server/.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import { launch, requiredUrl, screenshot, storedSessions, watchErrors } from "./browser.mjs";

const URL = requiredUrl("OPAQUE_POP_URL");
const SUITE = "server";
const PASSWORD = "correct horse battery staple";
const EXPECTED_CSP =
  "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self'; img-src 'self';" +
  " base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
/** Argon2id with 64 MiB runs in seconds; a generous bound so a loaded CI machine does not fail. */
const SLOW = { timeout: 60_000 };

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

function username(prefix) {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

async function openPage(context) {
  const page = await context.newPage();
  const errors = watchErrors(page);
  const response = await page.goto(`${URL}/`);
  await page.waitForSelector("#status[data-state=logged-out], #status[data-state=logged-in]", SLOW);
  return { page, errors, response };
}

async function fillCredentials(page, name, password) {
  await page.fill("#username", name);
  await page.fill("#password", password);
}

async function registerThroughPage(page, name) {
  await fillCredentials(page, name, PASSWORD);
  await page.click("#register");
  await page.waitForSelector("#message[data-kind=ok]:has-text('Registered')", SLOW);
}

async function loginThroughPage(page, name, password = PASSWORD) {
  await fillCredentials(page, name, password);
  await page.click("#login");
  await page.waitForSelector("#status[data-state=logged-in]", SLOW);
}

/** Replays a request the page sent, from outside the browser, with its exact headers and body. */
async function replay(request) {
  const headers = await request.allHeaders();
  const copied = {};
  for (const name of ["authorization", "x-ts", "x-nonce", "x-pop", "content-type"]) {
    if (headers[name] !== undefined) copied[name] = headers[name];
  }
  const response = await fetch(request.url(), { method: request.method(), headers: copied, body: request.postDataBuffer() });
  return { status: response.status, body: await response.json() };
}

test("the demo page: register, log in with progress, reload, new tab, transfer, sessions, log out", SLOW, async () => {
  const context = await browser.newContext();
  const { page, errors, response } = await openPage(context);
  assert.equal(response.headers()["content-security-policy"], EXPECTED_CSP);
  assert.equal(await page.getAttribute("#status", "data-state"), "logged-out");
  await screenshot(page, SUITE, "01-logged-out");

  const alice = username("alice");
  await registerThroughPage(page, alice);
  await screenshot(page, SUITE, "02-registered");

  // Hold /login/start until the screenshot is taken, so the progress state is captured every time.
  let release;
  const held = new Promise((resolve) => (release = resolve));
  await page.route("**/login/start", async (route) => {
    await held;
    await route.continue();
  });
  const phases = [];
  await page.exposeFunction("recordPhase", (phase) => phases.push(phase));
  await page.evaluate(() => {
    const progress = document.getElementById("progress");
    new MutationObserver(() => window.recordPhase(progress.dataset.phase)).observe(progress, { attributes: true, attributeFilter: ["data-phase"] });
  });
  await fillCredentials(page, alice, PASSWORD);
  await page.click("#login");
  await page.waitForSelector("#progress[data-phase=contacting]:not([hidden])");
  await screenshot(page, SUITE, "03-logging-in");
  release();
  await page.waitForSelector("#status[data-state=logged-in]", SLOW);
  await page.unroute("**/login/start");
  assert.deepEqual(phases, ["discovering", "contacting", "stretching", "finishing", "done"]);
  assert.equal(await page.isHidden("#progress"), true);
  assert.match(await page.textContent("#status"), new RegExp(`Logged in as ${alice}`));
  assert.equal(await page.inputValue("#password"), "", "the password field is cleared after login");
  await screenshot(page, SUITE, "04-logged-in");

  await page.reload();
  await page.waitForSelector("#status[data-state=logged-in]", SLOW);
  await screenshot(page, SUITE, "05-reloaded");
  const tab = await context.newPage();
  await tab.goto(`${URL}/`);
  await tab.waitForSelector("#status[data-state=logged-in]", SLOW);
  await tab.close();

  await page.fill("#to", "bob");
  await page.fill("#amount", "12.5");
  await page.click("#send");
  await page.waitForSelector("#transfers tbody tr");
  assert.deepEqual(await page.$$eval("#transfers tbody td", (cells) => cells.slice(1).map((cell) => cell.textContent)), [alice, "bob", "12.50"]);
  const panel = await page.textContent("#canonical");
  assert.match(panel, /^GET \/api\/transfers\n\nOPAQUE-POP-V1\nGET\n\/api\/transfers\n/);
  await screenshot(page, SUITE, "06-transfer");

  // A second session of the same user, in another browser context; listed here, then ended from here.
  const other = await browser.newContext();
  const { page: otherPage } = await openPage(other);
  assert.equal(await otherPage.getAttribute("#status", "data-state"), "logged-out", "a second context shares no session");
  await loginThroughPage(otherPage, alice);
  await page.click("#refresh-sessions");
  await page.waitForFunction(() => document.querySelectorAll("#sessions tbody tr").length === 2);
  await screenshot(page, SUITE, "07-two-sessions");
  await page.click("#sessions tbody tr:not(.current) button.end-session");
  await page.waitForFunction(() => document.querySelectorAll("#sessions tbody tr").length === 1);
  await otherPage.click("#refresh-transfers");
  await otherPage.waitForSelector("#status[data-state=logged-out]");
  assert.equal(await otherPage.getAttribute("#message", "data-code"), "unknown_session");
  assert.deepEqual(await storedSessions(otherPage), [], "the ended session is deleted from IndexedDB");
  await other.close();

  assert.equal((await storedSessions(page)).length, 1);
  await page.click("#logout");
  await page.waitForSelector("#status[data-state=logged-out]");
  assert.deepEqual(await storedSessions(page), [], "logout deletes the IndexedDB entry");
  await screenshot(page, SUITE, "08-logged-out-again");
  await page.reload();
  await page.waitForSelector("#status[data-state=logged-out]", SLOW);
  assert.deepEqual(errors, []);
  await context.close();
});

test("the package API: a key script cannot export, a replay refused, a wrong password, a fresh context", SLOW, async () => {
  const context = await browser.newContext();
  const { page, errors } = await openPage(context);
  const bob = username("bob");
  const session = await page.evaluate(
    async ({ name, password }) => {
      await window.opaquePop.register(name, password);
      return window.opaquePop.login(name, password);
    },
    { name: bob, password: PASSWORD },
  );
  assert.deepEqual(Object.keys(session).sort(), ["expiresAt", "idPrefix", "username"]);

  // What IndexedDB holds: a CryptoKey object, not extractable, and no key bytes in any other field.
  const stored = await storedSessions(page);
  assert.deepEqual(stored, [
    { fields: ["expiresAt", "key", "server", "sessionId", "username"], username: bob, keyType: "CryptoKey", extractable: false },
  ]);
  const attempts = await page.evaluate(async () => {
    const entry = await new Promise((resolve, reject) => {
      const opening = indexedDB.open("opaque-pop", 1);
      opening.onerror = () => reject(opening.error);
      opening.onsuccess = () => {
        const all = opening.result.transaction("sessions").objectStore("sessions").getAll();
        all.onsuccess = () => resolve(all.result[0]);
        all.onerror = () => reject(all.error);
      };
    });
    const outcome = async (promise) => promise.then(() => "exported", (error) => error.name);
    const signature = await crypto.subtle.sign("HMAC", entry.key, new TextEncoder().encode("x"));
    return {
      raw: await outcome(crypto.subtle.exportKey("raw", entry.key)),
      jwk: await outcome(crypto.subtle.exportKey("jwk", entry.key)),
      wrap: await outcome(
        crypto.subtle
          .generateKey({ name: "AES-KW", length: 256 }, false, ["wrapKey"])
          .then((wrapping) => crypto.subtle.wrapKey("raw", entry.key, wrapping, "AES-KW")),
      ),
      usages: entry.key.usages,
      signs: signature.byteLength,
    };
  });
  assert.deepEqual(attempts, { raw: "InvalidAccessError", jwk: "InvalidAccessError", wrap: "InvalidAccessError", usages: ["sign"], signs: 32 });

  // A transfer through client.fetch, captured on the wire and replayed from outside: refused, booked once.
  const sent = page.waitForRequest((request) => request.url().endsWith("/api/transfer") && request.method() === "POST");
  const status = await page.evaluate(async () => {
    const response = await window.opaquePop.fetch("/api/transfer", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: new TextEncoder().encode(JSON.stringify({ to: "carol", amount: "3.00" })),
    });
    return response.status;
  });
  assert.equal(status, 200);
  const replayed = await replay(await sent);
  assert.equal(replayed.status, 401);
  assert.equal(replayed.body.code, "replayed_nonce");
  const transfers = await page.evaluate(() => window.demoBank.transfers());
  assert.deepEqual(transfers.map((transfer) => [transfer.to, transfer.amount]), [["carol", "3.00"]]);

  // Another context of the same browser: no session, even for the same user's origin.
  const fresh = await browser.newContext();
  const { page: freshPage } = await openPage(fresh);
  assert.equal(await freshPage.evaluate(() => window.opaquePop.restore()), null);
  assert.equal(await freshPage.evaluate(() => window.opaquePop.fetch("/api/me").then(() => "sent", (error) => error.code)), "not_logged_in");
  // A wrong password: login_failed, and nothing stored.
  const wrong = await freshPage.evaluate(
    ({ name }) => window.opaquePop.login(name, "not the password").then(() => "logged in", (error) => [error.name, error.code]),
    { name: bob },
  );
  assert.deepEqual(wrong, ["OpaquePopError", "login_failed"]);
  assert.deepEqual(await storedSessions(freshPage), []);
  await fresh.close();

  const me = await page.evaluate(() => window.demoBank.me());
  assert.equal(me.username, bob);
  await page.evaluate(() => window.opaquePop.logout({ all: true }));
  assert.deepEqual(await storedSessions(page), []);
  assert.equal(await page.evaluate(() => window.opaquePop.restore()), null);
  assert.deepEqual(errors, []);
  await context.close();
});

test("a wrong password through the page is refused with login_failed", SLOW, async () => {
  const context = await browser.newContext();
  const { page } = await openPage(context);
  const carol = username("carol");
  await registerThroughPage(page, carol);
  await fillCredentials(page, carol, "a wrong password");
  await page.click("#login");
  await page.waitForSelector("#message[data-kind=error]", SLOW);
  assert.equal(await page.getAttribute("#message", "data-code"), "login_failed");
  assert.equal(await page.getAttribute("#status", "data-state"), "logged-out");
  await screenshot(page, SUITE, "09-wrong-password");
  await context.close();
});

test("the CSP keeps inline script from running", SLOW, async () => {
  const context = await browser.newContext();
  const { page } = await openPage(context);
  const outcome = await page.evaluate(
    () =>
      new Promise((resolve) => {
        document.addEventListener("securitypolicyviolation", (event) => resolve({ blocked: event.violatedDirective, ran: window.inlineRan === true }), { once: true });
        const script = document.createElement("script");
        script.textContent = "window.inlineRan = true";
        document.body.append(script);
      }),
  );
  assert.deepEqual(outcome, { blocked: "script-src-elem", ran: false });
  await context.close();
});
