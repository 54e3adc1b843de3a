/**
 * Staff sign-in sessions kept on the server, so that signing out, disabling an account or its
 * removal ends them at once (a signed cookie alone stays valid until it expires). The browser holds
 * only a random session id; the store keys each session by the id's SHA-256, so a copy of the store
 * signs nobody in. On the embedded store one file per session (staff/sessions), on PostgreSQL the
 * `staff_sessions` table (migration 7).
 */
import type { Records } from '../storage/records.js';

/** How someone signed in: a local account, or Microsoft Entra ID (OpenID Connect). */
export type SessionSource = 'local' | 'entra';

export interface StoredSession {
  /** The staff member's id (a local account's e-mail, or an Entra object id). */
  subject: string;
  source: SessionSource;
  createdAt: string;
  expiresAt: string;
}

export interface SessionStore {
  /** Keeps a new session under the hash of its id. */
  create(idHash: string, session: StoredSession): Promise<void>;
  get(idHash: string): Promise<StoredSession | undefined>;
  delete(idHash: string): Promise<void>;
  /** Ends every session of this staff member; resolves with how many there were. */
  deleteFor(subject: string): Promise<number>;
  /** Removes the sessions that have expired by `now`. */
  sweep(now: Date): Promise<number>;
}

/** The embedded store's sessions, one record each (a handful per member of staff). */
export class RecordsSessionStore implements SessionStore {
  constructor(private readonly records: Records<StoredSession>) {}

  create(idHash: string, session: StoredSession): Promise<void> {
    return this.records.write(idHash, session);
  }

  get(idHash: string): Promise<StoredSession | undefined> {
    return this.records.read(idHash);
  }

  delete(idHash: string): Promise<void> {
    return this.records.delete(idHash);
  }

  private async removeWhere(test: (s: StoredSession) => boolean): Promise<number> {
    let removed = 0;
    for (const key of await this.records.keys()) {
      const session = await this.records.read(key).catch(() => undefined);
      if (session && test(session)) {
        await this.records.delete(key);
        removed += 1;
      }
    }
    return removed;
  }

  deleteFor(subject: string): Promise<number> {
    return this.removeWhere((s) => s.subject === subject);
  }

  sweep(now: Date): Promise<number> {
    return this.removeWhere((s) => Date.parse(s.expiresAt) <= now.getTime());
  }
}
