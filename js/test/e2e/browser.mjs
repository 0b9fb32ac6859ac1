// Shared by the end-to-end tests: headless Chromium through playwright-core, and where screenshots go.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

/** Debian's chromium by default; CHROMIUM names another executable. */
export const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

/** Where screenshots are kept (OPAQUE_POP_E2E_ARTIFACTS; default js/test-results). */
export const ARTIFACTS = process.env.OPAQUE_POP_E2E_ARTIFACTS ?? join(import.meta.dirname, "..", "..", "test-results");

/** The URL of a required environment variable, or an error naming it. */
export function requiredUrl(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: the test runner starts a server and passes its URL`);
  return value.replace(/\/+$/, "");
}

/**
 * A fresh headless Chromium: Playwright gives every launch a new temporary profile (its own --user-data-dir),
 * and each context is a separate, empty storage partition. No network beyond what the tests start.
 */
export function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** Saves a full-page screenshot as ARTIFACTS/<suite>/<name>.png. */
export async function screenshot(page, suite, name) {
  const folder = join(ARTIFACTS, suite);
  mkdirSync(folder, { recursive: true });
  await page.screenshot({ path: join(folder, `${name}.png`), fullPage: true });
}

/** Fails the test on anything the page logs as an error: a CSP violation, an uncaught exception. */
export function watchErrors(page) {
  const errors = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(String(error)));
  return errors;
}

/** The session entries IndexedDB holds for this page's origin, as the page itself can read them. */
export function storedSessions(page) {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const opening = indexedDB.open("opaque-pop", 1);
        opening.onupgradeneeded = () => opening.result.createObjectStore("sessions", { keyPath: "server" });
        opening.onerror = () => reject(opening.error);
        opening.onsuccess = () => {
          const all = opening.result.transaction("sessions").objectStore("sessions").getAll();
          all.onerror = () => reject(all.error);
          all.onsuccess = () =>
            resolve(
              all.result.map((entry) => ({
                fields: Object.keys(entry).sort(),
                username: entry.username,
                keyType: entry.key?.constructor?.name,
                extractable: entry.key?.extractable,
              })),
            );
        };
      }),
  );
}
