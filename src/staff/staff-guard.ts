/**
 * The rules for every request under /staff, whichever module adds its route (a restify pre
 * handler, so routes added later are covered without asking):
 * - every response is `Cache-Control: no-store`: case JSON, exports and the audit log must not stay
 *   in a shared computer's or a proxy's cache;
 * - a request that changes something (any method but GET, HEAD, OPTIONS) must be JSON
 *   (`Content-Type: application/json`, 415 otherwise; also with an empty body), and must come from
 *   the staff page itself: a browser's `Sec-Fetch-Site` must be same-origin (or none, typed by the
 *   person), and an `Origin` must be this service's (403 otherwise). A page on another site, even a
 *   sibling subdomain that SameSite=Lax lets the cookie through from, can send neither a JSON body
 *   without CORS (which /staff never allows) nor a same-origin `Sec-Fetch-Site`.
 * Clients that are not browsers send neither header and are not held back: they have no visitor's
 * cookie to abuse.
 */
import type { ServerResponse } from 'node:http';
import type { Request, Response, Next } from 'restify';
import type restify from 'restify';
import onHeaders from 'on-headers';
import { sendJsonError } from '../http/json-error.js';
import { isJsonContentType } from '../http/request-body.js';
import { isStaffPath } from '../http/security-headers.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface StaffGuardOptions {
  /** The service's public address (PUBLIC_URL), when it differs from the Host a request names. */
  publicUrl?: string;
}

/** Whether `origin` is this service: the public address, or the host the request was sent to. */
function isOwnOrigin(origin: string, req: Request, publicUrl: string | undefined): boolean {
  if (!URL.canParse(origin)) return false;
  const { host, origin: normalized } = new URL(origin);
  if (publicUrl && URL.canParse(publicUrl) && new URL(publicUrl).origin === normalized) return true;
  return host === String(req.headers.host ?? '').toLowerCase();
}

export function addStaffGuard(server: restify.Server, options: StaffGuardOptions = {}): void {
  server.pre((req: Request, res: Response, next: Next) => {
    if (!isStaffPath(req.url)) return next();
    onHeaders(res, function (this: ServerResponse) {
      this.setHeader('cache-control', 'no-store');
    });
    if (SAFE_METHODS.has(req.method ?? 'GET')) return next();
    if (!isJsonContentType(req.headers['content-type'])) {
      sendJsonError(res, 415, 'UnsupportedMediaType', 'Changes on the staff side are sent as JSON (Content-Type: application/json).');
      return next(false);
    }
    const site = req.headers['sec-fetch-site'];
    const origin = req.headers.origin;
    if ((site !== undefined && site !== 'same-origin' && site !== 'none') || (origin !== undefined && !isOwnOrigin(origin, req, options.publicUrl))) {
      sendJsonError(res, 403, 'Forbidden', 'A change on the staff side must come from the staff page itself (cross-site request refused).');
      return next(false);
    }
    next();
  });
}
