/**
 * Staff sessions: an HTTP-only, same-site cookie (`nv_staff`) holding a random session id; the
 * session itself is kept on the server (src/staff/session-store.ts), so signing out, disabling an
 * account or removing a member ends it at once. Each request also resolves the identity again from
 * its source (the local account, or the Entra staff list), so a disabled account or a removed member
 * loses access even while a session of theirs is still stored.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Request, Response } from 'restify';
import { parse as parseCookie, serialize as serializeCookie } from 'cookie';
import type { StaffIdentity } from '../core/staff/access.js';
import type { SessionSource, SessionStore } from './session-store.js';

export type { SessionSource } from './session-store.js';

export const STAFF_COOKIE = 'nv_staff';
/** A session id: 32 random bytes, base64url. Anything else in the cookie is not one. */
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/u;
/** Expired sessions are swept at most this often (when someone signs in). */
const SWEEP_EVERY_MS = 10 * 60 * 1000;

export type IdentityResolver = (subject: string, source: SessionSource) => Promise<StaffIdentity | undefined>;

const hashOf = (id: string) => createHash('sha256').update(id).digest('hex');

export class StaffSessions {
  private lastSweep = 0;

  constructor(
    private readonly store: SessionStore,
    private readonly hours: number,
    private readonly resolve: IdentityResolver,
  ) {}

  private secure(req: Request): boolean {
    return req.isSecure() || req.headers['x-forwarded-proto'] === 'https';
  }

  private cookieId(req: Request): string | undefined {
    const id = parseCookie(req.headers.cookie ?? '')[STAFF_COOKIE];
    return id && SESSION_ID.test(id) ? id : undefined;
  }

  /** Signs the member of staff in: stores a new session and sets its cookie on the response. */
  async issue(req: Request, res: Response, staff: StaffIdentity, source: SessionSource): Promise<void> {
    const now = Date.now();
    if (now - this.lastSweep > SWEEP_EVERY_MS) {
      this.lastSweep = now;
      await this.store.sweep(new Date(now)).catch(() => undefined);
    }
    const id = randomBytes(32).toString('base64url');
    await this.store.create(hashOf(id), { subject: staff.id, source, createdAt: new Date(now).toISOString(), expiresAt: new Date(now + this.hours * 3600_000).toISOString() });
    // Lax (not Strict) so that the redirect back from Entra ID carries the cookie it just set.
    res.header('Set-Cookie', serializeCookie(STAFF_COOKIE, id, { httpOnly: true, sameSite: 'lax', secure: this.secure(req), path: '/staff', maxAge: this.hours * 3600 }));
  }

  /** Signs out: the stored session ends and the cookie is cleared. */
  async clear(req: Request, res: Response): Promise<void> {
    const id = this.cookieId(req);
    if (id) await this.store.delete(hashOf(id));
    res.header('Set-Cookie', serializeCookie(STAFF_COOKIE, '', { httpOnly: true, sameSite: 'lax', secure: this.secure(req), path: '/staff', maxAge: 0 }));
  }

  /** Ends every session of this member of staff (an account disabled). */
  revokeAll(subject: string): Promise<number> {
    return this.store.deleteFor(subject);
  }

  /** The signed-in member of staff; undefined when there is no valid session (or the person lost access). */
  async read(req: Request): Promise<StaffIdentity | undefined> {
    const id = this.cookieId(req);
    if (!id) return undefined;
    const key = hashOf(id);
    const session = await this.store.get(key);
    if (!session) return undefined;
    if (Date.parse(session.expiresAt) <= Date.now()) {
      await this.store.delete(key);
      return undefined;
    }
    const staff = await this.resolve(session.subject, session.source);
    // Disabled, or no longer on the staff list: the session ends here too.
    if (!staff) await this.store.delete(key);
    return staff;
  }
}
