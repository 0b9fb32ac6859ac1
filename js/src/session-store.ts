/**
 * Where a session survives a reload: IndexedDB, one entry per server. The PoP key is stored as the
 * non-extractable CryptoKey itself (structured clone keeps it non-extractable), never as bytes.
 */

export interface StoredSession {
  readonly server: string;
  readonly username: string;
  readonly sessionId: string;
  readonly key: CryptoKey;
  /** Epoch seconds: the server's absolute end of the session. */
  readonly expiresAt: number;
}

/** The storage the client uses; tests and non-browser hosts may pass their own (or none). */
export interface SessionStore {
  load(server: string): Promise<StoredSession | null>;
  save(session: StoredSession): Promise<void>;
  delete(server: string): Promise<void>;
}

const DATABASE = "opaque-pop";
const STORE = "sessions";

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error("IndexedDB request failed"));
  });
}

/** The default store: database "opaque-pop", object store "sessions", keyed by the server's origin. */
export class IndexedDbSessionStore implements SessionStore {
  private database: Promise<IDBDatabase> | undefined;

  private open(): Promise<IDBDatabase> {
    this.database ??= new Promise((resolve, reject) => {
      const opening = indexedDB.open(DATABASE, 1);
      opening.onupgradeneeded = () => opening.result.createObjectStore(STORE, { keyPath: "server" });
      opening.onsuccess = () => resolve(opening.result);
      opening.onerror = () => reject(opening.error ?? new Error("IndexedDB could not be opened"));
    });
    return this.database;
  }

  private async run<T>(mode: IDBTransactionMode, action: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
    const database = await this.open();
    const transaction = database.transaction(STORE, mode);
    // Settled only when the transaction is durable, not merely when its request answered.
    const done = new Promise<void>((resolve, reject) => {
      transaction.oncomplete = () => resolve();
      transaction.onerror = () => reject(transaction.error ?? new Error("IndexedDB transaction failed"));
      transaction.onabort = () => reject(transaction.error ?? new Error("IndexedDB transaction aborted"));
    });
    const [result] = await Promise.all([request(action(transaction.objectStore(STORE))), done]);
    return result;
  }

  async load(server: string): Promise<StoredSession | null> {
    const found = (await this.run("readonly", (store) => store.get(server))) as StoredSession | undefined;
    return found ?? null;
  }

  async save(session: StoredSession): Promise<void> {
    await this.run("readwrite", (store) => store.put(session));
  }

  async delete(server: string): Promise<void> {
    await this.run("readwrite", (store) => store.delete(server));
  }
}

/** Keeps the session in this page only: for hosts without IndexedDB, and for tests. */
export class MemorySessionStore implements SessionStore {
  private readonly sessions = new Map<string, StoredSession>();

  async load(server: string): Promise<StoredSession | null> {
    return this.sessions.get(server) ?? null;
  }

  async save(session: StoredSession): Promise<void> {
    this.sessions.set(session.server, session);
  }

  async delete(server: string): Promise<void> {
    this.sessions.delete(server);
  }
}
