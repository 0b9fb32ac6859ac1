/**
 * The server's `/.well-known/opaque-pop` document, read strictly, and the client's bounds on its Argon2id
 * parameters (docs/threat-model.md, "Malicious or compromised server"): the same floor and ceiling as the Java
 * client's KsfPolicy.
 */
import { ClientCodes, OpaquePopError } from "./errors.js";
import { fromBase64url } from "./encoding.js";

export interface Argon2idParameters {
  readonly memoryKib: number;
  readonly iterations: number;
  readonly parallelism: number;
}

/** The protocol's default, also the client's floor on memory and iterations unless lowered explicitly. */
export const PROTOCOL_KSF: Argon2idParameters = Object.freeze({ memoryKib: 65536, iterations: 3, parallelism: 4 });
/** The ceiling, applied while the document is read: no larger value is ever used. */
export const KSF_CEILING: Argon2idParameters = Object.freeze({ memoryKib: 1 << 20, iterations: 16, parallelism: 16 });

/** A floor below the protocol's, for test servers only. */
export interface KsfFloor {
  readonly memoryKib: number;
  readonly iterations: number;
}

export interface ServerInfo {
  readonly serverPublicKey: Uint8Array;
  readonly ksf: Argon2idParameters;
  readonly popWindowSeconds: number;
}

const PROTOCOL = "opaque-pop-v1";
const SUITE = "OPAQUE-3DH ristretto255-SHA512";

function invalid(what: string): OpaquePopError {
  return new OpaquePopError(ClientCodes.INVALID_RESPONSE, `/.well-known/opaque-pop: ${what}`);
}

function object(value: unknown, name: string): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw invalid(`${name} must be an object`);
  return value as Record<string, unknown>;
}

function positiveInteger(value: unknown, name: string, max: number, unit = ""): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1) {
    throw invalid(`${name} must be a positive integer`);
  }
  if (value > max) {
    throw new OpaquePopError(
      ClientCodes.KSF_TOO_COSTLY,
      `the server asks for Argon2id ${name} ${value}${unit}; this client allows at most ${max}${unit}`,
    );
  }
  return value;
}

/** Parses the discovery document; throws `unsupported_server`, `invalid_response` or `ksf_too_costly`. */
export function parseServerInfo(json: unknown): ServerInfo {
  const document = object(json, "the document");
  if (document.protocol !== PROTOCOL) {
    throw new OpaquePopError(ClientCodes.UNSUPPORTED_SERVER, `the server speaks ${String(document.protocol)}, not ${PROTOCOL}`);
  }
  const key = typeof document.server_public_key === "string" ? fromBase64url(document.server_public_key) : null;
  if (key === null || key.length !== 32) throw invalid("server_public_key must be 32 bytes of base64url");
  const opaque = object(document.opaque, "opaque");
  if (opaque.suite !== SUITE || opaque.context !== "") {
    throw new OpaquePopError(ClientCodes.UNSUPPORTED_SERVER, `the server's OPAQUE suite or context is not ${SUITE} with an empty context`);
  }
  const ksf = object(opaque.ksf, "opaque.ksf");
  if (ksf.algorithm !== "argon2id") {
    throw new OpaquePopError(ClientCodes.UNSUPPORTED_SERVER, `the server's KSF is ${String(ksf.algorithm)}, not argon2id`);
  }
  const pop = object(document.pop, "pop");
  return {
    serverPublicKey: key,
    ksf: {
      memoryKib: positiveInteger(ksf.memory_kib, "memory", KSF_CEILING.memoryKib, " KiB"),
      iterations: positiveInteger(ksf.iterations, "iterations", KSF_CEILING.iterations),
      parallelism: positiveInteger(ksf.parallelism, "parallelism", KSF_CEILING.parallelism),
    },
    popWindowSeconds: positiveInteger(pop.window_seconds, "pop.window_seconds", Number.MAX_SAFE_INTEGER),
  };
}

/**
 * Refuses parameters below the floor (`weak_ksf`): a malicious server could otherwise have every registration
 * store a record that costs almost nothing per guess. Parallelism has no floor: fewer lanes make a guess no
 * cheaper.
 */
export function checkKsfFloor(ksf: Argon2idParameters, floor: KsfFloor = PROTOCOL_KSF): void {
  const weak = (asked: string, bound: string) =>
    new OpaquePopError(
      ClientCodes.WEAK_KSF,
      `the server asks for Argon2id ${asked}; this client requires ${bound} (a weaker setting would make stored passwords cheap to guess)`,
    );
  if (ksf.memoryKib < floor.memoryKib) throw weak(`memory ${ksf.memoryKib} KiB`, `at least ${floor.memoryKib} KiB`);
  if (ksf.iterations < floor.iterations) throw weak(`iterations ${ksf.iterations}`, `at least ${floor.iterations}`);
}

/** Validates an explicitly lowered floor: Argon2id itself needs 8 KiB and one pass. */
export function insecureFloor(floor: KsfFloor): KsfFloor {
  if (!Number.isSafeInteger(floor.memoryKib) || !Number.isSafeInteger(floor.iterations) || floor.memoryKib < 8 || floor.iterations < 1) {
    throw new TypeError("insecureKsfFloor: Argon2id needs at least 8 KiB and one pass");
  }
  return Object.freeze({ memoryKib: floor.memoryKib, iterations: floor.iterations });
}
