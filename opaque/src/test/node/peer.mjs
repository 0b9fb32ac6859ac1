#!/usr/bin/env node
// Interoperability peer for opaque-pop: exposes @serenity-kit/opaque 1.1.0
// (the WASM build of the Rust crate opaque-ke, ristretto255 + SHA-512 + 3DH +
// Argon2id) over newline-delimited JSON on stdin/stdout.
//
// Protocol (see README.md in this folder):
//   request  (one line on stdin):  {"id": <any JSON>, "op": "<name>", ...args}
//   response (one line on stdout): {"id": <same>, "ok": true, ...results}
//                              or  {"id": <same>, "ok": false, "error": "<message>"}
// Only response lines are written to stdout; diagnostics go to stderr.
// All binary values are base64url strings without padding, exactly as the
// library produces and consumes them.

import * as readline from "node:readline";
import * as opaque from "@serenity-kit/opaque";

// Make sure nothing but protocol lines can ever reach stdout.
console.log = console.error;
console.info = console.error;
console.debug = console.error;

// If the parent goes away and closes our stdout, stop quietly.
process.stdout.on("error", (err) => {
  if (err && err.code === "EPIPE") {
    process.exit(0);
  }
  process.stderr.write(`peer: stdout error: ${err && err.message}\n`);
  process.exit(1);
});

class RequestError extends Error {}

function requireString(req, name) {
  const value = req[name];
  if (typeof value !== "string") {
    throw new RequestError(`missing or non-string argument "${name}"`);
  }
  return value;
}

function optionalString(req, name) {
  const value = req[name];
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value !== "string") {
    throw new RequestError(`argument "${name}" must be a string or null`);
  }
  return value;
}

// identifiers: {client?: string, server?: string}; null/absent means "not given".
function optionalIdentifiers(req) {
  const value = req.identifiers;
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new RequestError('argument "identifiers" must be an object or null');
  }
  const result = {};
  for (const key of ["client", "server"]) {
    const v = value[key];
    if (v === undefined || v === null) {
      continue;
    }
    if (typeof v !== "string") {
      throw new RequestError(`identifiers.${key} must be a string or null`);
    }
    result[key] = v;
  }
  for (const key of Object.keys(value)) {
    if (key !== "client" && key !== "server") {
      throw new RequestError(`unknown identifiers field "${key}"`);
    }
  }
  return result;
}

// keyStretching is handed to the library unchanged (it validates it itself):
// "memory-constrained" (default), "rfc-recommended", "rfc-draft-recommended",
// or {"argon2id-custom": {"memory": KiB, "iterations": t, "parallelism": p}}.
function optionalKeyStretching(req) {
  const value = req.keyStretching;
  if (value === undefined || value === null) {
    return undefined;
  }
  return value;
}

// Build a params object, leaving out keys whose value is undefined.
function params(entries) {
  const out = {};
  for (const [key, value] of Object.entries(entries)) {
    if (value !== undefined) {
      out[key] = value;
    }
  }
  return out;
}

const handlers = {
  createSetup() {
    return { setup: opaque.server.createSetup() };
  },

  serverPublicKey(req) {
    return { publicKey: opaque.server.getPublicKey(requireString(req, "setup")) };
  },

  clientStartRegistration(req) {
    const r = opaque.client.startRegistration({
      password: requireString(req, "password"),
    });
    return {
      clientRegistrationState: r.clientRegistrationState,
      registrationRequest: r.registrationRequest,
    };
  },

  serverRegistrationResponse(req) {
    const r = opaque.server.createRegistrationResponse({
      serverSetup: requireString(req, "setup"),
      userIdentifier: requireString(req, "userIdentifier"),
      registrationRequest: requireString(req, "registrationRequest"),
    });
    return { registrationResponse: r.registrationResponse };
  },

  clientFinishRegistration(req) {
    const r = opaque.client.finishRegistration(
      params({
        password: requireString(req, "password"),
        clientRegistrationState: requireString(req, "clientRegistrationState"),
        registrationResponse: requireString(req, "registrationResponse"),
        keyStretching: optionalKeyStretching(req),
        identifiers: optionalIdentifiers(req),
      }),
    );
    return {
      registrationRecord: r.registrationRecord,
      exportKey: r.exportKey,
      serverStaticPublicKey: r.serverStaticPublicKey,
    };
  },

  clientStartLogin(req) {
    const r = opaque.client.startLogin({
      password: requireString(req, "password"),
    });
    return {
      clientLoginState: r.clientLoginState,
      startLoginRequest: r.startLoginRequest,
    };
  },

  serverStartLogin(req) {
    // registrationRecord null/absent => unknown user; the library then answers
    // with a fake (indistinguishable) KE2.
    const record = optionalString(req, "registrationRecord");
    const r = opaque.server.startLogin(
      params({
        serverSetup: requireString(req, "setup"),
        userIdentifier: requireString(req, "userIdentifier"),
        registrationRecord: record === undefined ? null : record,
        startLoginRequest: requireString(req, "startLoginRequest"),
        identifiers: optionalIdentifiers(req),
      }),
    );
    return {
      serverLoginState: r.serverLoginState,
      loginResponse: r.loginResponse,
    };
  },

  clientFinishLogin(req) {
    const r = opaque.client.finishLogin(
      params({
        password: requireString(req, "password"),
        clientLoginState: requireString(req, "clientLoginState"),
        loginResponse: requireString(req, "loginResponse"),
        keyStretching: optionalKeyStretching(req),
        identifiers: optionalIdentifiers(req),
      }),
    );
    // The library returns undefined when the client detects a failed login
    // (wrong password, tampered/foreign KE2, ...). That is a normal outcome.
    if (r === undefined || r === null) {
      return { finished: false };
    }
    return {
      finished: true,
      finishLoginRequest: r.finishLoginRequest,
      sessionKey: r.sessionKey,
      exportKey: r.exportKey,
      serverStaticPublicKey: r.serverStaticPublicKey,
    };
  },

  serverFinishLogin(req) {
    // Throws (=> ok:false) when the client's KE3 MAC does not verify.
    const r = opaque.server.finishLogin(
      params({
        serverLoginState: requireString(req, "serverLoginState"),
        finishLoginRequest: requireString(req, "finishLoginRequest"),
        identifiers: optionalIdentifiers(req),
      }),
    );
    return { sessionKey: r.sessionKey };
  },
};

function errorMessage(err) {
  if (err instanceof Error) {
    return err.message || err.name || "error";
  }
  if (typeof err === "string") {
    return err;
  }
  try {
    return JSON.stringify(err);
  } catch {
    return String(err);
  }
}

function respond(obj) {
  process.stdout.write(JSON.stringify(obj) + "\n");
}

function handleLine(line) {
  let req;
  try {
    req = JSON.parse(line);
  } catch (err) {
    respond({ id: null, ok: false, error: `invalid JSON request: ${errorMessage(err)}` });
    return;
  }
  if (req === null || typeof req !== "object" || Array.isArray(req)) {
    respond({ id: null, ok: false, error: "request must be a JSON object" });
    return;
  }
  const id = req.id === undefined ? null : req.id;
  const op = req.op;
  if (typeof op !== "string" || !Object.prototype.hasOwnProperty.call(handlers, op)) {
    respond({ id, ok: false, error: `unknown op: ${JSON.stringify(op)}` });
    return;
  }
  let result;
  try {
    result = handlers[op](req);
  } catch (err) {
    respond({ id, ok: false, error: errorMessage(err) });
    return;
  }
  respond({ id, ok: true, ...result });
}

async function main() {
  await opaque.ready;
  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
  for await (const rawLine of rl) {
    const line = rawLine.trim();
    if (line === "") {
      continue;
    }
    handleLine(line);
  }
  // stdin closed: nothing left to keep the event loop alive, so we exit with 0.
}

main().catch((err) => {
  process.stderr.write(`peer: fatal: ${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
});
