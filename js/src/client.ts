/**
 * The browser client: OPAQUE registration and login through @serenity-kit/opaque (opaque-ke compiled to WASM),
 * then PoP-signed requests with a non-extractable WebCrypto key kept in IndexedDB (docs/browser.md).
 */
import * as opaque from "@serenity-kit/opaque";
import { fromBase64url, sameBytes } from "./encoding.js";
import { ClientCodes, OpaquePopError, problemOf } from "./errors.js";
import { derivePopKey, sign, type SignedRequest } from "./pop.js";
import {
  checkKsfFloor,
  insecureFloor,
  parseServerInfo,
  PROTOCOL_KSF,
  type Argon2idParameters,
  type KsfFloor,
  type ServerInfo,
} from "./server-info.js";
import { IndexedDbSessionStore, type SessionStore, type StoredSession } from "./session-store.js";

/** Where a registration or login is; `stretching` is the Argon2id run, which takes seconds. */
export interface Progress {
  readonly operation: "register" | "login";
  readonly phase: "discovering" | "contacting" | "stretching" | "finishing" | "done";
  /** The parameters, while stretching. */
  readonly ksf?: Argon2idParameters;
}

export interface ClientOptions {
  /** The API's origin (scheme, host, port). Default: the page's origin. */
  server?: string;
  /** Called as a registration or login moves on, e.g. to show that Argon2id is running. */
  onProgress?: (progress: Progress) => void;
  /** Called with what each request signed (the canonical string and headers, never the key). */
  onSigned?: (signed: SignedRequest) => void;
  /** The server's OPAQUE public key (base64url), obtained out of band: any other is refused. */
  serverPublicKey?: string;
  /**
   * A floor below the protocol's Argon2id m = 65536 KiB, t = 3, FOR TEST SERVERS ONLY: a password registered
   * under it is cheap to guess for whoever gets the server's records.
   */
  insecureKsfFloor?: KsfFloor;
  /** Where the session is kept; default IndexedDB. */
  sessionStore?: SessionStore;
  /** The fetch to use; default the global one. */
  fetch?: typeof globalThis.fetch;
}

/** A live session as the page may see it: no key, only what identifies it. */
export interface SessionView {
  readonly username: string;
  /** The first 8 characters of the session id, as the server's session list and logs show them. */
  readonly idPrefix: string;
  /** Epoch seconds. */
  readonly expiresAt: number;
}

export interface SessionInfo {
  readonly id_prefix: string;
  readonly created_at: number;
  readonly last_used_at: number;
  readonly client_address: string;
  readonly current: boolean;
}

const USERNAME = /^[A-Za-z0-9._@-]{1,64}$/;
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;
const METHOD = /^[A-Za-z]+$/;
const SAFE_METHODS = new Set(["GET", "HEAD"]);
/** Answers after which the stored session is of no use any more. */
const SESSION_GONE = new Set(["unknown_session", "expired_session"]);

/** Lets the page paint (e.g. a progress bar) before Argon2id blocks this thread for seconds. */
function yieldToRendering(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

function keyStretching(ksf: Argon2idParameters) {
  return {
    "argon2id-custom": { memory: ksf.memoryKib, iterations: ksf.iterations, parallelism: ksf.parallelism },
  } as const;
}

export class OpaquePopClient {
  readonly server: string;
  private readonly options: ClientOptions;
  private readonly floor: KsfFloor;
  private readonly store: SessionStore;
  private readonly fetchImpl: typeof globalThis.fetch;
  private info: ServerInfo | undefined;
  private session: StoredSession | null | undefined;
  private signed: SignedRequest | undefined;

  constructor(options: ClientOptions = {}) {
    const base = new URL(options.server ?? globalThis.location.origin);
    if (base.protocol !== "https:" && base.protocol !== "http:") throw new TypeError("server must be an http(s) URL");
    this.server = base.origin;
    this.options = options;
    this.floor = options.insecureKsfFloor === undefined ? PROTOCOL_KSF : insecureFloor(options.insecureKsfFloor);
    this.store = options.sessionStore ?? new IndexedDbSessionStore();
    this.fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  /** What the last signed request covered, for display; undefined before the first. */
  get lastSigned(): SignedRequest | undefined {
    return this.signed;
  }

  /**
   * The server's discovery document, checked: the protocol and suite, the KSF within the floor and ceiling,
   * and the pinned key when one was given.
   */
  async serverInfo(): Promise<ServerInfo> {
    if (this.info !== undefined) return this.info;
    let response: Response;
    try {
      response = await this.fetchImpl(`${this.server}/.well-known/opaque-pop`, { cache: "no-store", credentials: "omit" });
    } catch {
      throw new OpaquePopError(ClientCodes.DISCOVERY_FAILED, `no answer to /.well-known/opaque-pop from ${this.server}`);
    }
    if (response.status !== 200) {
      throw new OpaquePopError(
        ClientCodes.DISCOVERY_FAILED,
        `${this.server} does not serve /.well-known/opaque-pop, so its key and KSF are unknown`,
        response.status,
      );
    }
    let json: unknown;
    try {
      json = await response.json();
    } catch {
      throw new OpaquePopError(ClientCodes.INVALID_RESPONSE, "/.well-known/opaque-pop is not JSON");
    }
    const info = parseServerInfo(json);
    checkKsfFloor(info.ksf, this.floor);
    if (this.options.serverPublicKey !== undefined) {
      const pinned = fromBase64url(this.options.serverPublicKey);
      if (pinned === null || !sameBytes(pinned, info.serverPublicKey)) {
        throw new OpaquePopError(ClientCodes.SERVER_KEY_MISMATCH, "the server's key is not the pinned one");
      }
    }
    this.info = info;
    return info;
  }

  /** Registers `username` (RFC 9807 §5): the password never leaves this page. */
  async register(username: string, password: string): Promise<void> {
    requireUsername(username);
    this.progress({ operation: "register", phase: "discovering" });
    const info = await this.serverInfo();
    await opaque.ready;
    const { clientRegistrationState, registrationRequest } = opaque.client.startRegistration({ password });
    this.progress({ operation: "register", phase: "contacting" });
    const started = await this.postJson("/register/start", { username, registration_request: registrationRequest });
    const registrationResponse = text(started, "registration_response");
    this.progress({ operation: "register", phase: "stretching", ksf: info.ksf });
    await yieldToRendering();
    let finished: ReturnType<typeof opaque.client.finishRegistration>;
    try {
      finished = opaque.client.finishRegistration({
        clientRegistrationState,
        registrationResponse,
        password,
        keyStretching: keyStretching(info.ksf),
      });
    } catch {
      throw new OpaquePopError(ClientCodes.REGISTRATION_FAILED, "the registration response was refused");
    }
    requireServerKey(info, finished.serverStaticPublicKey);
    this.progress({ operation: "register", phase: "finishing" });
    await this.postJson("/register/finish", { username, registration_record: finished.registrationRecord });
    this.progress({ operation: "register", phase: "done" });
  }

  /**
   * Logs in (RFC 9807 §6) and keeps the session: its id, expiry and a PoP key derived straight into a
   * non-extractable CryptoKey. A wrong password and an unknown user both fail with `login_failed`.
   */
  async login(username: string, password: string): Promise<SessionView> {
    requireUsername(username);
    this.progress({ operation: "login", phase: "discovering" });
    const info = await this.serverInfo();
    await opaque.ready;
    const { clientLoginState, startLoginRequest } = opaque.client.startLogin({ password });
    this.progress({ operation: "login", phase: "contacting" });
    const started = await this.postJson("/login/start", { username, ke1: startLoginRequest });
    const loginId = text(started, "login_id");
    const loginResponse = text(started, "ke2");
    this.progress({ operation: "login", phase: "stretching", ksf: info.ksf });
    await yieldToRendering();
    let finished: ReturnType<typeof opaque.client.finishLogin>;
    try {
      finished = opaque.client.finishLogin({
        clientLoginState,
        loginResponse,
        password,
        keyStretching: keyStretching(info.ksf),
      });
    } catch {
      throw new OpaquePopError(ClientCodes.INVALID_RESPONSE, "ke2 is not a valid OPAQUE message");
    }
    if (finished === undefined) throw new OpaquePopError(ClientCodes.LOGIN_FAILED, "Login failed");
    requireServerKey(info, finished.serverStaticPublicKey);
    this.progress({ operation: "login", phase: "finishing" });
    const sessionKey = fromBase64url(finished.sessionKey);
    if (sessionKey === null || sessionKey.length !== 64) throw new OpaquePopError(ClientCodes.LOGIN_FAILED, "Login failed");
    let key: CryptoKey;
    try {
      key = await derivePopKey(sessionKey);
    } finally {
      // The base64 string from the WASM side cannot be wiped; these bytes can, and nothing else keeps either.
      sessionKey.fill(0);
    }
    const answer = await this.postJson("/login/finish", { login_id: loginId, ke3: finished.finishLoginRequest });
    const sessionId = text(answer, "session_id");
    if (!SESSION_ID.test(sessionId) || answer.token_type !== "PoP" || typeof answer.expires_at !== "number") {
      throw new OpaquePopError(ClientCodes.INVALID_RESPONSE, "login/finish did not answer a PoP session");
    }
    const session: StoredSession = { server: this.server, username, sessionId, key, expiresAt: answer.expires_at };
    await this.store.save(session);
    this.session = session;
    this.progress({ operation: "login", phase: "done" });
    return view(session);
  }

  /**
   * The session kept from an earlier login on this origin (another tab, before a reload), or null. A session
   * past its absolute expiry is deleted; one the server has ended is deleted at the first call it refuses.
   */
  async restore(nowMillis: number = Date.now()): Promise<SessionView | null> {
    const session = await this.current(nowMillis);
    return session === null ? null : view(session);
  }

  /**
   * A PoP-signed fetch to this client's server: signs the method, the target as sent, a timestamp, a nonce
   * and the exact body bytes (a string, sent as UTF-8, a Uint8Array or an ArrayBuffer), and returns the
   * Response whatever its status. Requests to another origin are refused: the signature does not name the
   * host, so it must never be shown to another server.
   */
  async fetch(pathOrUrl: string | URL, init: RequestInit = {}): Promise<Response> {
    const session = await this.current(Date.now());
    if (session === null) throw new OpaquePopError(ClientCodes.NOT_LOGGED_IN, "not logged in");
    const url = new URL(pathOrUrl, `${this.server}/`);
    if (url.origin !== this.server || url.username !== "" || url.password !== "") {
      throw new TypeError(`a signed request may only go to ${this.server}`);
    }
    // The target as it goes on the request line: the serialized URL without origin and fragment (keeps a bare
    // "?", which URL.search would drop).
    const target = url.href.slice(url.origin.length).replace(/#.*$/, "");
    url.hash = "";
    const method = (init.method ?? "GET").toUpperCase();
    if (!METHOD.test(method)) throw new TypeError("method must be ASCII letters, e.g. GET");
    const body = bodyBytes(init.body);
    let response = await this.send(session, url, method, target, body, init);
    if (SAFE_METHODS.has(method) && (await codeOf(response)) === "replayed_nonce") {
      // A browser may resend a GET on a reused connection that closed before the answer; the server rightly
      // refuses the copy. A safe method changes nothing, so it is signed afresh and sent once more.
      response = await this.send(session, url, method, target, body, init);
    }
    if (response.status === 401 && SESSION_GONE.has((await codeOf(response)) ?? "")) {
      await this.forget();
    }
    return response;
  }

  /**
   * A signed call with a JSON body (or none) to one of the application's endpoints: the answer's JSON object, `{}`
   * for a 204, or an `OpaquePopError` carrying the server's problem code and status for any other answer. Use
   * `fetch` for anything that is not JSON.
   */
  async call(method: string, path: string, body?: object): Promise<Record<string, unknown>> {
    return this.json(method, path, body);
  }

  async sessions(): Promise<SessionInfo[]> {
    return (await this.json("GET", "/api/sessions")).sessions as SessionInfo[];
  }

  /** Ends one of the user's sessions, named by the id prefix `sessions()` shows. */
  async endSession(idPrefix: string): Promise<void> {
    await this.json("DELETE", `/api/sessions/${encodeURIComponent(idPrefix)}`);
  }

  /** Ends this session (or, with `all`, every session of the user) and deletes the stored one. */
  async logout(options: { all?: boolean } = {}): Promise<void> {
    try {
      await this.json("POST", options.all === true ? "/logout?all=true" : "/logout");
    } finally {
      await this.forget();
    }
  }

  /** Deletes the stored session without telling the server (it ends there when idle or expired). */
  async forget(): Promise<void> {
    this.session = null;
    await this.store.delete(this.server);
  }

  private async current(nowMillis: number): Promise<StoredSession | null> {
    if (this.session === undefined) this.session = await this.store.load(this.server);
    if (this.session !== null && this.session.expiresAt * 1000 <= nowMillis) await this.forget();
    return this.session;
  }

  private async send(
    session: StoredSession,
    url: URL,
    method: string,
    target: string,
    body: Uint8Array<ArrayBuffer>,
    init: RequestInit,
  ): Promise<Response> {
    const signed = await sign(session.key, session.sessionId, method, target, body, Date.now());
    this.signed = signed;
    this.options.onSigned?.(signed);
    const headers = new Headers(init.headers);
    for (const [name, value] of Object.entries(signed.headers)) headers.set(name, value);
    try {
      return await this.fetchImpl(url.href, {
        ...init,
        method,
        headers,
        body: body.length === 0 ? null : body,
        // The session is the signature, never a cookie; and a signed answer is not for the HTTP cache.
        credentials: "omit",
        cache: "no-store",
      });
    } catch (error) {
      throw new OpaquePopError(ClientCodes.NETWORK_ERROR, `no answer from ${this.server}: ${String(error)}`);
    }
  }

  private async json(method: string, path: string, body?: object): Promise<Record<string, unknown>> {
    const response = await this.fetch(path, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { "Content-Type": "application/json" } }),
    });
    if (!response.ok) throw await problemOf(response);
    if (response.status === 204) return {};
    return readJson(response);
  }

  private async postJson(path: string, body: object): Promise<Record<string, unknown>> {
    let response: Response;
    try {
      response = await this.fetchImpl(`${this.server}${path}`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
        credentials: "omit",
        cache: "no-store",
      });
    } catch (error) {
      throw new OpaquePopError(ClientCodes.NETWORK_ERROR, `no answer from ${this.server}: ${String(error)}`);
    }
    if (!response.ok) throw await problemOf(response);
    return readJson(response);
  }

  private progress(progress: Progress): void {
    this.options.onProgress?.(progress);
  }
}

function requireUsername(username: string): void {
  if (!USERNAME.test(username)) {
    throw new OpaquePopError("invalid_request", "a username is 1 to 64 characters of A-Z a-z 0-9 . _ @ -");
  }
}

function requireServerKey(info: ServerInfo, serverStaticPublicKey: string): void {
  const key = fromBase64url(serverStaticPublicKey);
  if (key === null || !sameBytes(key, info.serverPublicKey)) {
    throw new OpaquePopError(ClientCodes.SERVER_KEY_MISMATCH, "the server's OPAQUE key is not the advertised one");
  }
}

function view(session: StoredSession): SessionView {
  return { username: session.username, idPrefix: session.sessionId.slice(0, 8), expiresAt: session.expiresAt };
}

function text(json: Record<string, unknown>, name: string): string {
  const value = json[name];
  if (typeof value !== "string") throw new OpaquePopError(ClientCodes.INVALID_RESPONSE, `${name} is missing`);
  return value;
}

async function readJson(response: Response): Promise<Record<string, unknown>> {
  try {
    const json: unknown = await response.json();
    if (json !== null && typeof json === "object" && !Array.isArray(json)) return json as Record<string, unknown>;
  } catch {
    // falls through
  }
  throw new OpaquePopError(ClientCodes.INVALID_RESPONSE, "the answer is not a JSON object", response.status);
}

/** The problem code of an answer, read from a copy so the caller still gets the whole body. */
async function codeOf(response: Response): Promise<string | undefined> {
  if (response.ok) return undefined;
  try {
    const json: unknown = await response.clone().json();
    if (json !== null && typeof json === "object" && typeof (json as { code?: unknown }).code === "string") {
      return (json as { code: string }).code;
    }
  } catch {
    // not a problem body
  }
  return undefined;
}

/** The exact bytes to sign and send; a body whose bytes cannot be known before sending is refused. */
function bodyBytes(body: RequestInit["body"]): Uint8Array<ArrayBuffer> {
  if (body === undefined || body === null) return new Uint8Array(0);
  if (typeof body === "string") return new TextEncoder().encode(body);
  if (body instanceof Uint8Array) return body.slice();
  if (body instanceof ArrayBuffer) return new Uint8Array(body.slice(0));
  throw new TypeError("a signed body must be a string, a Uint8Array or an ArrayBuffer");
}
