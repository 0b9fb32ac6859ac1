export { OpaquePopClient } from "./client.js";
export type { ClientOptions, Progress, SessionInfo, SessionView } from "./client.js";
export { ClientCodes, OpaquePopError } from "./errors.js";
export { bodySha256Hex, canonicalRequest, derivePopKey, popMac } from "./pop.js";
export type { SignedRequest } from "./pop.js";
export { checkKsfFloor, KSF_CEILING, parseServerInfo, PROTOCOL_KSF } from "./server-info.js";
export type { Argon2idParameters, KsfFloor, ServerInfo } from "./server-info.js";
export { IndexedDbSessionStore, MemorySessionStore } from "./session-store.js";
export type { SessionStore, StoredSession } from "./session-store.js";
