// The demo page served by `opaque-pop server --web`: every call goes through the package's public API.
// Server data is only ever written with textContent, never as HTML.
import { OpaquePopClient, OpaquePopError, type Progress, type SignedRequest } from "../src/index.js";
import { DemoBank } from "./bank.js";

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`the page has no #${id}`);
  return found as T;
}

const status = element("status");
const auth = element("auth");
const account = element("account");
const message = element("message");
const progress = element("progress");
const progressText = element("progress-text");
const canonical = element("canonical");
const username = element<HTMLInputElement>("username");
const password = element<HTMLInputElement>("password");

const client = new OpaquePopClient({ onProgress: showProgress, onSigned: showSigned });
const bank = new DemoBank(client);

function utc(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace("T", " ").replace(/\.000Z$/, "");
}

function say(kind: "ok" | "error", text: string, code = ""): void {
  message.dataset.kind = kind;
  message.dataset.code = code;
  message.textContent = text;
}

function showProgress(step: Progress): void {
  progress.hidden = step.phase === "done";
  const texts: Record<Progress["phase"], string> = {
    discovering: "Reading the server's parameters…",
    contacting: "Talking to the server…",
    stretching: step.ksf
      ? `Stretching the password with Argon2id (${step.ksf.memoryKib / 1024} MiB, ${step.ksf.iterations} passes)…`
      : "Stretching the password…",
    finishing: "Finishing…",
    done: "",
  };
  progressText.textContent = texts[step.phase];
  progress.dataset.phase = step.phase;
}

function showSigned(signed: SignedRequest): void {
  canonical.textContent = `${signed.method} ${signed.target}\n\n${signed.canonical}\n\nX-POP: ${signed.headers["X-POP"]}`;
}

function cell(row: HTMLTableRowElement, text: string): HTMLTableCellElement {
  const td = row.insertCell();
  td.textContent = text;
  return td;
}

async function showLoggedIn(): Promise<void> {
  const me = await bank.me();
  status.dataset.state = "logged-in";
  status.textContent = `Logged in as ${me.username} until ${utc(me.session_expires_at)} UTC`;
  auth.hidden = true;
  account.hidden = false;
  await Promise.all([listTransfers(), listSessions()]);
}

function showLoggedOut(): void {
  status.dataset.state = "logged-out";
  status.textContent = "Not logged in";
  auth.hidden = false;
  account.hidden = true;
  progress.hidden = true;
}

async function listTransfers(): Promise<void> {
  const body = element<HTMLTableElement>("transfers").tBodies[0]!;
  const transfers = await bank.transfers();
  body.replaceChildren();
  for (const transfer of transfers) {
    const row = body.insertRow();
    cell(row, utc(transfer.created_at));
    cell(row, transfer.from);
    cell(row, transfer.to);
    cell(row, transfer.amount);
  }
}

async function listSessions(): Promise<void> {
  const body = element<HTMLTableElement>("sessions").tBodies[0]!;
  const sessions = await client.sessions();
  body.replaceChildren();
  for (const session of sessions) {
    const row = body.insertRow();
    row.className = session.current ? "current" : "";
    cell(row, session.id_prefix + (session.current ? " (this one)" : ""));
    cell(row, utc(session.created_at));
    cell(row, utc(session.last_used_at));
    cell(row, session.client_address);
    const end = document.createElement("button");
    end.type = "button";
    end.className = "small end-session";
    end.dataset.idPrefix = session.id_prefix;
    end.textContent = "End";
    end.addEventListener("click", () =>
      run(async () => {
        await client.endSession(session.id_prefix);
        if (session.current) {
          await client.forget();
          showLoggedOut();
          say("ok", "This session ended");
        } else {
          await listSessions();
          say("ok", `Session ${session.id_prefix} ended`);
        }
      }),
    );
    row.insertCell().append(end);
  }
}

/** Runs one user action with the buttons disabled; errors are shown with their problem code. */
async function run(action: () => Promise<void>): Promise<void> {
  const buttons = Array.from(document.querySelectorAll("button"));
  buttons.forEach((button) => (button.disabled = true));
  try {
    await action();
  } catch (error) {
    progress.hidden = true;
    if (error instanceof OpaquePopError) {
      say("error", `${error.message} (${error.code})`, error.code);
      if (error.code === "unknown_session" || error.code === "expired_session") showLoggedOut();
    } else {
      say("error", String(error), "error");
    }
  } finally {
    buttons.forEach((button) => (button.disabled = false));
  }
}

element("register").addEventListener("click", () =>
  run(async () => {
    if (!element<HTMLFormElement>("credentials").reportValidity()) return;
    await client.register(username.value, password.value);
    say("ok", `Registered ${username.value}; now log in`);
  }),
);

element<HTMLFormElement>("credentials").addEventListener("submit", (event) => {
  event.preventDefault();
  void run(async () => {
    const session = await client.login(username.value, password.value);
    password.value = "";
    await showLoggedIn();
    say("ok", `Logged in (session ${session.idPrefix})`);
  });
});

element<HTMLFormElement>("transfer-form").addEventListener("submit", (event) => {
  event.preventDefault();
  void run(async () => {
    const receipt = await bank.transfer(element<HTMLInputElement>("to").value, element<HTMLInputElement>("amount").value);
    say("ok", `Sent ${receipt.amount} to ${receipt.to}`);
    await listTransfers();
  });
});

element("refresh-transfers").addEventListener("click", () => run(listTransfers));
element("refresh-sessions").addEventListener("click", () => run(listSessions));

for (const [id, all] of [["logout", false], ["logout-all", true]] as const) {
  element(id).addEventListener("click", () =>
    run(async () => {
      try {
        await client.logout({ all });
      } finally {
        showLoggedOut();
      }
      say("ok", all ? "Every session ended" : "Logged out");
    }),
  );
}

void run(async () => {
  if ((await client.restore()) === null) {
    showLoggedOut();
  } else {
    await showLoggedIn();
  }
});

// For tests and the curious console: the same client the page uses, and the demo bank over it.
(globalThis as { opaquePop?: OpaquePopClient }).opaquePop = client;
(globalThis as { demoBank?: DemoBank }).demoBank = bank;
