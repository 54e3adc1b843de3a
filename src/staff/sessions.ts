/**
 * Staff sessions: a signed, HTTP-only, same-site cookie (`nv_staff`, a JWT via jose) naming the staff
 * member and how they signed in. Each request resolves the identity again from its source (the local
 * account, or the Entra staff list), so a disabled account or a removed member loses access at once.
 */
import type { Request, Response } from 'restify';
import { parse as parseCookie, serialize as serializeCookie } from 'cookie';
import { SignJWT, jwtVerify } from 'jose';
import type { StaffIdentity } from '../core/staff/access.js';

export const STAFF_COOKIE = 'nv_staff';
const ISSUER = 'narvard-intake/staff';

/** How someone signed in: a local account, or Microsoft Entra ID (OpenID Connect). */
export type SessionSource = 'local' | 'entra';

export type IdentityResolver = (subject: string, source: SessionSource) => Promise<StaffIdentity | undefined>;

export class StaffSessions {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    private readonly hours: number,
    private readonly resolve: IdentityResolver,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  private secure(req: Request): boolean {
    return req.isSecure() || req.headers['x-forwarded-proto'] === 'https';
  }

  /** Signs the member of staff in: sets the session cookie on the response. */
  async issue(req: Request, res: Response, staff: StaffIdentity, source: SessionSource): Promise<void> {
    const token = await new SignJWT({ src: source })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(staff.id)
      .setIssuer(ISSUER)
      .setIssuedAt()
      .setExpirationTime(`${this.hours}h`)
      .sign(this.key);
    // Lax (not Strict) so that the redirect back from Entra ID carries the cookie it just set.
    res.header('Set-Cookie', serializeCookie(STAFF_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure: this.secure(req), path: '/staff', maxAge: this.hours * 3600 }));
  }

  clear(req: Request, res: Response): void {
    res.header('Set-Cookie', serializeCookie(STAFF_COOKIE, '', { httpOnly: true, sameSite: 'lax', secure: this.secure(req), path: '/staff', maxAge: 0 }));
  }

  /** The signed-in member of staff; undefined when there is no valid session (or the person lost access). */
  async read(req: Request): Promise<StaffIdentity | undefined> {
    const token = parseCookie(req.headers.cookie ?? '')[STAFF_COOKIE];
    if (!token) return undefined;
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'], issuer: ISSUER });
      const source: SessionSource = payload['src'] === 'entra' ? 'entra' : 'local';
      return await this.resolve(String(payload.sub), source);
    } catch {
      return undefined;
    }
  }
}
