#!/usr/bin/env node
// An opaque-pop protocol server (docs/protocol.md) around opaque-ke, through @serenity-kit/opaque 1.1.0 (the
// Rust crate compiled to WASM), for side-by-side benchmarks with the Java server. In-memory only: users,
// pending logins, sessions, nonces and transfers are lost when it stops.
//
//   node server.mjs [--bind 127.0.0.1] [--port 0] [--setup <base64url>] [--pop-window 30]
//
// Prints one line "listening on http://HOST:PORT" on stdout once it accepts connections; logs nothing per
// request. GET /metrics gives process_cpu_seconds_total, so a load generator can read its CPU time.

import { createServer } from "node:http";
import { randomBytes, randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import * as opaque from "@serenity-kit/opaque";
import { NonceCache, PopFailure, decode, derivePopKey, encode, verify } from "./pop.mjs";

const { values: options } = parseArgs({
  options: {
    bind: { type: "string", default: "127.0.0.1" },
    port: { type: "string", default: "0" },
    setup: { type: "string", default: process.env.OPAQUE_POP_SERVER_SETUP ?? "" },
    "pop-window": { type: "string", default: "30" },
    "session-ttl": { type: "string", default: "3600" },
    "login-ttl": { type: "string", default: "60" },
    "max-sessions": { type: "string", default: "100000" },
    "max-pending-logins": { type: "string", default: "100000" },
    "max-body-bytes": { type: "string", default: "65536" },
  },
});

function positiveInteger(name) {
  const value = Number(options[name]);
  if (!Number.isInteger(value) || value < 0) {
    process.stderr.write(`peer: --${name} must be a non-negative integer, got ${options[name]}\n`);
    process.exit(2);
  }
  return value;
}

const popWindow = positiveInteger("pop-window");
const sessionTtl = positiveInteger("session-ttl");
const loginTtl = positiveInteger("login-ttl");
const maxSessions = positiveInteger("max-sessions");
const maxPendingLogins = positiveInteger("max-pending-logins");
const maxBodyBytes = positiveInteger("max-body-bytes");

const USERNAME = /^[A-Za-z0-9._@-]{1,64}$/;
const AMOUNT = /^(0|[1-9][0-9]{0,15})(\.[0-9]{1,2})?$/;
const JSON_TYPE = "application/json";

await opaque.ready;
const serverSetup = options.setup || opaque.server.createSetup();
const serverPublicKey = opaque.server.getPublicKey(serverSetup);

const users = new Map(); // username -> registration record (base64url)
const pendingLogins = new Map(); // login id -> {username, state, expiresAt (ms)}, insertion ordered
const sessions = new Map(); // session id -> {username, popKey, expiresAt (s)}, insertion ordered
const nonces = new NonceCache(2 * popWindow);
const transfers = [];
const counters = { logins_succeeded: 0, logins_failed: 0, registrations: 0, pop_rejections: 0 };

class Problem extends Error {
  constructor(status, code, title, headers = {}) {
    super(title);
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

const badRequest = (detail) => new Problem(400, "invalid_request", detail);
const invalidMessage = (field) => new Problem(400, "invalid_message", `${field} is not a valid OPAQUE message`);
const loginFailed = () => new Problem(401, "login_failed", "Login failed");

function send(res, status, body, headers = {}) {
  const bytes = body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body), "utf8");
  res.writeHead(status, {
    ...(body === undefined ? {} : { "Content-Type": headers["Content-Type"] ?? JSON_TYPE }),
    "Content-Length": bytes.length,
    "Cache-Control": "no-store",
    ...headers,
  });
  res.end(bytes);
}

function sendProblem(res, problem) {
  send(
    res,
    problem.status,
    {
      type: `urn:opaque-pop:problem:${problem.code}`,
      title: problem.message,
      status: problem.status,
      code: problem.code,
    },
    { "Content-Type": "application/problem+json", ...problem.headers },
  );
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let length = 0;
    req.on("data", (chunk) => {
      length += chunk.length;
      if (length > maxBodyBytes) {
        reject(new Problem(413, "payload_too_large", "The request body is too large"));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function jsonObject(body) {
  let value;
  try {
    value = JSON.parse(body.toString("utf8"));
  } catch {
    throw badRequest("the body is not JSON");
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw badRequest("the body must be a JSON object");
  }
  return value;
}

function string(json, field) {
  const value = json[field];
  if (typeof value !== "string") {
    throw badRequest(`${field} must be a string`);
  }
  return value;
}

function username(json) {
  const value = string(json, "username");
  if (!USERNAME.test(value)) {
    throw badRequest("username must be 1 to 64 characters of A-Z a-z 0-9 . _ @ -");
  }
  return value;
}

/** A base64url field holding an OPAQUE message of `length` bytes, re-encoded the way the library wants it. */
function message(json, field, length) {
  const bytes = decode(string(json, field));
  if (bytes === null) {
    throw badRequest(`${field} is not base64url`);
  }
  if (bytes.length !== length) {
    throw invalidMessage(field);
  }
  return encode(bytes);
}

/** Calls the library; its errors (an invalid group element, say) become 400 invalid_message. */
function library(field, call) {
  try {
    return call();
  } catch {
    throw invalidMessage(field);
  }
}

function evictOldest(map, max) {
  while (map.size > max) {
    map.delete(map.keys().next().value);
  }
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

const routes = {
  "GET /healthz": () => ({ status: 200, body: { status: "ok" } }),

  "GET /.well-known/opaque-pop": () => ({
    status: 200,
    body: {
      protocol: "opaque-pop-v1",
      server_public_key: serverPublicKey,
      opaque: {
        suite: "OPAQUE-3DH ristretto255-SHA512",
        context: "",
        ksf: { algorithm: "argon2id", memory_kib: 65536, iterations: 3, parallelism: 4 },
      },
      pop: { window_seconds: popWindow },
    },
  }),

  "POST /register/start": (json) => {
    const name = username(json);
    const registrationRequest = message(json, "registration_request", 32);
    if (users.has(name)) {
      throw new Problem(409, "username_taken", "This username is already registered");
    }
    const { registrationResponse } = library("registration_request", () =>
      opaque.server.createRegistrationResponse({ serverSetup, userIdentifier: name, registrationRequest }),
    );
    return { status: 200, body: { registration_response: registrationResponse } };
  },

  "POST /register/finish": (json) => {
    const name = username(json);
    const record = message(json, "registration_record", 192);
    if (users.has(name)) {
      throw new Problem(409, "username_taken", "This username is already registered");
    }
    users.set(name, record);
    counters.registrations++;
    return { status: 201, body: { username: name } };
  },

  "POST /login/start": (json) => {
    const name = username(json);
    const startLoginRequest = message(json, "ke1", 96);
    // An unknown user gets a fake KE2 from the library and fails at finish, like a wrong password.
    const { serverLoginState, loginResponse } = library("ke1", () =>
      opaque.server.startLogin({
        serverSetup,
        userIdentifier: name,
        registrationRecord: users.get(name) ?? null,
        startLoginRequest,
      }),
    );
    const loginId = encode(randomBytes(32));
    pendingLogins.set(loginId, { username: name, state: serverLoginState, expiresAt: Date.now() + loginTtl * 1000 });
    evictOldest(pendingLogins, maxPendingLogins);
    return { status: 200, body: { login_id: loginId, ke2: loginResponse } };
  },

  "POST /login/finish": (json) => {
    const loginId = string(json, "login_id");
    const finishLoginRequest = message(json, "ke3", 64);
    const pending = pendingLogins.get(loginId);
    pendingLogins.delete(loginId);
    if (pending === undefined || Date.now() >= pending.expiresAt) {
      counters.logins_failed++;
      throw loginFailed();
    }
    let sessionKey;
    try {
      ({ sessionKey } = opaque.server.finishLogin({ serverLoginState: pending.state, finishLoginRequest }));
    } catch {
      counters.logins_failed++;
      throw loginFailed();
    }
    const sessionId = encode(randomBytes(32));
    const expiresAt = nowSeconds() + sessionTtl;
    sessions.set(sessionId, { username: pending.username, popKey: derivePopKey(decode(sessionKey)), expiresAt });
    evictOldest(sessions, maxSessions);
    counters.logins_succeeded++;
    return { status: 200, body: { session_id: sessionId, expires_at: expiresAt, token_type: "PoP" } };
  },

  "GET /api/me": (json, session) => ({
    status: 200,
    body: { username: session.username, session_expires_at: session.expiresAt },
  }),

  "POST /api/transfer": (json, session, nonce) => {
    const to = string(json, "to");
    const amount = string(json, "amount");
    if (!USERNAME.test(to)) {
      throw badRequest("to must be a username");
    }
    if (!AMOUNT.test(amount) || Number(amount) <= 0) {
      throw badRequest("amount must be a positive decimal with at most two fraction digits");
    }
    const [units, fraction = ""] = amount.split(".");
    const transfer = {
      transfer_id: randomUUID(),
      from: session.username,
      to,
      amount: `${units}.${fraction.padEnd(2, "0")}`,
      created_at: nowSeconds(),
      nonce,
    };
    transfers.push(transfer);
    const { nonce: _, ...receipt } = transfer;
    return { status: 200, body: receipt };
  },

  "GET /api/transfers": (json, session) => ({
    status: 200,
    body: {
      transfers: transfers
        .filter((t) => t.from === session.username)
        .map(({ nonce: _, ...receipt }) => receipt),
    },
  }),

  "POST /logout": (json, session, nonce, sessionId) => {
    sessions.delete(sessionId);
    return { status: 204 };
  },
};

const PROTECTED = /^\/(api\/|logout$)/;
const WITH_JSON_BODY = new Set(["/register/start", "/register/finish", "/login/start", "/login/finish", "/api/transfer"]);

function metrics() {
  const usage = process.cpuUsage();
  const lines = [
    "# TYPE process_cpu_seconds_total counter",
    `process_cpu_seconds_total ${(usage.user + usage.system) / 1e6}`,
    "# TYPE process_resident_memory_bytes gauge",
    `process_resident_memory_bytes ${process.memoryUsage.rss()}`,
    ...Object.entries(counters).map(([name, value]) => `opaque_pop_peer_${name} ${value}`),
    `opaque_pop_peer_sessions ${sessions.size}`,
    `opaque_pop_peer_nonces ${nonces.size}`,
  ];
  return Buffer.from(lines.join("\n") + "\n", "utf8");
}

async function handle(req, res) {
  const target = req.url;
  const query = target.indexOf("?");
  const path = query < 0 ? target : target.slice(0, query);
  if (req.method === "GET" && path === "/metrics") {
    const bytes = metrics();
    res.writeHead(200, { "Content-Type": "text/plain; version=0.0.4", "Content-Length": bytes.length });
    res.end(bytes);
    return;
  }
  const route = routes[`${req.method} ${path}`];
  if (route === undefined) {
    const known = Object.keys(routes).some((key) => key.endsWith(" " + path));
    throw known
      ? new Problem(405, "method_not_allowed", "Method not allowed on this endpoint")
      : new Problem(404, "not_found", "No such endpoint");
  }
  const body = await readBody(req);
  let session;
  let nonce;
  let sessionId;
  if (PROTECTED.test(path)) {
    try {
      session = verify({ method: req.method, target, headers: req.headers, body }, sessions, nonces, nowSeconds(), popWindow);
    } catch (e) {
      if (e instanceof PopFailure) {
        counters.pop_rejections++;
        throw new Problem(401, e.code, "Proof of possession failed", { "WWW-Authenticate": "PoP" });
      }
      throw e;
    }
    nonce = req.headers["x-nonce"];
    sessionId = req.headers["authorization"].slice(7);
  }
  const json = WITH_JSON_BODY.has(path) ? jsonObject(body) : undefined;
  const { status, body: out } = route(json, session, nonce, sessionId);
  send(res, status, out);
}

const server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
  handle(req, res).catch((error) => {
    if (error instanceof Problem) {
      sendProblem(res, error);
      return;
    }
    process.stderr.write(`peer: internal error: ${error && error.stack ? error.stack : error}\n`);
    sendProblem(res, new Problem(500, "internal_error", "Internal server error"));
  });
});

server.listen(Number(options.port), options.bind, () => {
  const { address, port } = server.address();
  process.stdout.write(`listening on http://${address}:${port}\n`);
  process.stderr.write(`peer: opaque-ke (@serenity-kit/opaque 1.1.0) server_public_key=${serverPublicKey}\n`);
});

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
