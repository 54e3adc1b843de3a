/**
 * Sign-in to the staff page with Microsoft Entra ID: OpenID Connect, authorization code flow with
 * PKCE, through openid-client (discovery, the token request and the validation of the ID token).
 *
 *   GET /staff/auth/entra[?next=#/cases/NV-…]  → the provider's sign-in page
 *   GET /staff/auth/entra/callback             → the code is exchanged; the person's Entra object id
 *                                                (the oid claim) is looked up in data/staff-teams.yaml
 *
 * state, nonce, the PKCE verifier and where to go afterwards travel in a short-lived signed cookie
 * (nv_entra) bound to this browser, so a callback that this browser did not start is refused.
 * Whatever goes wrong ends in a redirect to /staff/?signin=failed and one log line, never an error page.
 */
import { hkdfSync } from 'node:crypto';
import type { Request, Response } from 'restify';
import type restify from 'restify';
import * as client from 'openid-client';
import { parse as parseCookie, serialize as serializeCookie } from 'cookie';
import { SignJWT, jwtVerify } from 'jose';
import { ENTRA_CALLBACK_PATH } from '../config.js';
import type { StaffIdentity } from '../core/staff/access.js';
import type { Logger } from '../logger.js';
import type { StaffService } from './service.js';
import type { StaffSessions } from './sessions.js';
import { clientAddress } from './http-helpers.js';

export const ENTRA_START_PATH = '/staff/auth/entra';
export const ENTRA_STATE_COOKIE = 'nv_entra';
const STATE_ISSUER = 'narvard-intake/staff/entra-state';
const STATE_SECONDS = 10 * 60;
/** A view of the staff page to return to: only "#/…" of the page itself, never another address. */
const NEXT_PATTERN = /^#\/[\w\-.~/?=&%+:,]{0,300}$/u;

export interface EntraSignInOptions {
  /** The issuer, such as https://login.microsoftonline.com/<tenant id>/v2.0 (discovery is done from it). */
  issuer: URL | string;
  clientId: string;
  /** The app registration's client secret; without it the client is public (PKCE only). */
  clientSecret?: string;
  /** The registered redirect URI (…/staff/auth/entra/callback); absent: this request's own address. */
  redirectUri?: string;
  /** Who is staff: Entra object id → name, organisation, role (data/staff-teams.yaml). */
  people: { find(objectId: string | undefined): StaffIdentity | undefined };
  sessions: StaffSessions;
  service: StaffService;
  logger: Logger;
  /** Signs the short-lived state cookie (a key is derived from it); instances behind one address must share it. */
  secret: string;
  /** Seconds to wait for the provider (discovery, token request); default 15. */
  timeoutSeconds?: number;
}

interface PendingSignIn {
  state: string;
  nonce: string;
  verifier: string;
  redirectUri: string;
  next: string;
}

/** "#/cases/NV-…" if that is what the page asked for; anything else (an absolute URL, //host, …) is dropped. */
export function safeNext(value: unknown): string {
  return typeof value === 'string' && NEXT_PATTERN.test(value) ? value : '';
}

export function addEntraSignIn(server: restify.Server, options: EntraSignInOptions): void {
  const { clientId, clientSecret, people, sessions, service, logger } = options;
  const issuer = new URL(options.issuer);
  const key = new Uint8Array(hkdfSync('sha256', options.secret, '', STATE_ISSUER, 32));
  const from = clientAddress;
  const secure = (req: Request) => req.isSecure() || req.headers['x-forwarded-proto'] === 'https';

  // Discovery on first use (start-up does not depend on the provider); a failure is tried again next time.
  let discovered: Promise<client.Configuration> | undefined;
  const configuration = (): Promise<client.Configuration> => {
    discovered ??= client
      .discovery(issuer, clientId, undefined, clientSecret ? client.ClientSecretPost(clientSecret) : client.None(), {
        timeout: options.timeoutSeconds ?? 15,
        // http only for a provider on this machine (the configuration refuses any other http issuer).
        ...(issuer.protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : {}),
      })
      .catch((err: unknown) => {
        discovered = undefined;
        throw err;
      });
    return discovered;
  };

  const redirectUriFor = (req: Request): string => options.redirectUri ?? `${secure(req) ? 'https' : 'http'}://${req.headers.host ?? 'localhost'}${ENTRA_CALLBACK_PATH}`;

  const stateCookie = (req: Request, value: string, maxAge: number) =>
    // Lax: the provider's redirect back is a top-level navigation from another site.
    serializeCookie(ENTRA_STATE_COOKIE, value, { httpOnly: true, sameSite: 'lax', secure: secure(req), path: ENTRA_START_PATH, maxAge });

  const redirect = (res: Response, location: string) => {
    res.writeHead(302, { location, 'cache-control': 'no-store' });
    res.end();
  };

  /** One log line and back to the page, which says so in Swedish (and keeps the view asked for, to try again). */
  const failed = (req: Request, res: Response, step: string, err: unknown, next = '') => {
    const e = err as { name?: string; message?: string; code?: string; error?: string; cause?: { code?: string; message?: string } };
    // Name, message, the provider's error code and the cause (ECONNREFUSED …); no stack, no tokens.
    const cause = e?.cause?.code ?? e?.cause?.message;
    logger.warn(
      { step, err: { name: e?.name, message: e?.message, ...(e?.code ? { code: e.code } : {}), ...(e?.error ? { error: e.error } : {}), ...(typeof cause === 'string' ? { cause } : {}) } },
      'Entra sign-in failed',
    );
    res.header('Set-Cookie', stateCookie(req, '', 0));
    redirect(res, `/staff/?signin=failed${safeNext(next)}`);
  };

  server.get(ENTRA_START_PATH, async (req: Request, res: Response) => {
    const next = safeNext(new URL(req.url ?? '/', 'http://x').searchParams.get('next'));
    try {
      const config = await configuration();
      const pending: PendingSignIn = {
        state: client.randomState(),
        nonce: client.randomNonce(),
        verifier: client.randomPKCECodeVerifier(),
        redirectUri: redirectUriFor(req),
        next,
      };
      const to = client.buildAuthorizationUrl(config, {
        redirect_uri: pending.redirectUri,
        // profile: Entra puts the object id (oid) in the ID token only with it.
        scope: 'openid profile',
        code_challenge: await client.calculatePKCECodeChallenge(pending.verifier),
        code_challenge_method: 'S256',
        state: pending.state,
        nonce: pending.nonce,
      });
      const token = await new SignJWT({ ...pending })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(STATE_ISSUER)
        .setIssuedAt()
        .setExpirationTime(`${STATE_SECONDS}s`)
        .sign(key);
      res.header('Set-Cookie', stateCookie(req, token, STATE_SECONDS));
      redirect(res, to.href);
    } catch (err) {
      failed(req, res, 'start', err, next);
    }
  });

  server.get(ENTRA_CALLBACK_PATH, async (req: Request, res: Response) => {
    let step = 'state';
    let next = '';
    try {
      const cookie = parseCookie(req.headers.cookie ?? '')[ENTRA_STATE_COOKIE];
      if (!cookie) throw new Error('no sign-in was started in this browser, or it took longer than 10 minutes');
      const { payload } = await jwtVerify(cookie, key, { algorithms: ['HS256'], issuer: STATE_ISSUER, requiredClaims: ['exp'] });
      const pending = payload as unknown as PendingSignIn;
      next = safeNext(pending.next);
      // The provider's answer, at the address it was sent to (the token request repeats that address).
      const current = new URL(pending.redirectUri);
      current.search = new URL(req.url ?? '/', 'http://x').search;
      step = 'token';
      const config = await configuration();
      const tokens = await client.authorizationCodeGrant(config, current, {
        pkceCodeVerifier: pending.verifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      // oid: the Entra object id, the same in every app of the tenant (sub is per app); sub only from providers without oid.
      const objectId = typeof claims?.['oid'] === 'string' ? claims['oid'] : claims?.sub;
      if (!objectId) throw new Error('the ID token names nobody (no oid or sub)');
      res.header('Set-Cookie', stateCookie(req, '', 0));
      step = 'session';
      const staff = people.find(objectId);
      if (!staff) {
        await service.audit.append({ at: new Date().toISOString(), actor: `entra:${objectId.slice(0, 100)}`, action: 'login.failed', outcome: 'denied', from: from(req) });
        logger.info({ objectId }, 'Entra sign-in refused: this object id is not in staff-teams.yaml');
        redirect(res, '/staff/?signin=notstaff');
        return;
      }
      // Audited first: a sign-in that cannot be written to the audit log does not happen.
      await service.record(staff, from(req), 'login', 'allowed');
      await sessions.issue(req, res, staff, 'entra');
      redirect(res, `/staff/${next}`);
    } catch (err) {
      failed(req, res, step, err, next);
    }
  });
}
