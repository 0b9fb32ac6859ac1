/**
 * Every failure of the client is an OpaquePopError with a stable `code`: the server's problem code
 * (docs/protocol.md, "Errors": `login_failed`, `replayed_nonce`, `username_taken`, ...) or one of the client's
 * own below. Messages never hold a password, a key or a signature.
 */
export class OpaquePopError extends Error {
  /** The problem code, e.g. `login_failed`. */
  readonly code: string;
  /** The HTTP status of the answer, or 0 when the client refused before or without one. */
  readonly status: number;
  /** The problem's `detail`, when the server gave one. */
  readonly detail: string | undefined;

  constructor(code: string, message: string, status = 0, detail?: string) {
    super(message);
    this.name = "OpaquePopError";
    this.code = code;
    this.status = status;
    this.detail = detail;
  }
}

/** The client's own codes; the server's are passed through as it sends them. */
export const ClientCodes = {
  /** Wrong password or unknown user (indistinguishable by design), also when the client's OPAQUE check fails. */
  LOGIN_FAILED: "login_failed",
  REGISTRATION_FAILED: "registration_failed",
  SERVER_KEY_MISMATCH: "server_key_mismatch",
  DISCOVERY_FAILED: "discovery_failed",
  INVALID_RESPONSE: "invalid_response",
  UNSUPPORTED_SERVER: "unsupported_server",
  WEAK_KSF: "weak_ksf",
  KSF_TOO_COSTLY: "ksf_too_costly",
  NETWORK_ERROR: "network_error",
  HTTP_ERROR: "http_error",
  NOT_LOGGED_IN: "not_logged_in",
} as const;

/** The error for a non-2xx answer: its problem code when the body is RFC 9457 JSON with one, else `http_error`. */
export async function problemOf(response: Response): Promise<OpaquePopError> {
  let code: string = ClientCodes.HTTP_ERROR;
  let title = `HTTP ${response.status}`;
  let detail: string | undefined;
  try {
    const body: unknown = await response.json();
    if (body !== null && typeof body === "object") {
      const problem = body as Record<string, unknown>;
      if (typeof problem.code === "string") code = problem.code;
      if (typeof problem.title === "string") title = problem.title;
      if (typeof problem.detail === "string") detail = problem.detail;
    }
  } catch {
    // Not JSON: the status alone says what happened.
  }
  return new OpaquePopError(code, detail === undefined ? title : `${title}: ${detail}`, response.status, detail);
}
