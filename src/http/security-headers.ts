/**
 * Headers every response gets: `X-Content-Type-Options: nosniff`, and on every HTML page a Content
 * Security Policy (added when the headers are written, so pages added later by any module get one
 * without asking):
 * - the staff pages (/staff…): strict, nothing but this service's own files, no inline script or
 *   style, and `frame-ancestors 'none'` (plus X-Frame-Options for older browsers): the page that
 *   shows cases can never be framed by another site;
 * - the residents' pages (the demo page, the privacy and accessibility pages): this service's own
 *   scripts only; inline styles (the pages have a <style> block, and Web Chat sets styles inline);
 *   connections to this service (and to Azure's Direct Line in that mode); framed only by this
 *   service or the municipalities' sites in DIRECTLINE_ALLOWED_ORIGINS.
 * The widget itself runs on the municipality's page, under that page's policy, not ours.
 */
import type { ServerResponse } from 'node:http';
import type { Request, Response, Next } from 'restify';
import type restify from 'restify';
import onHeaders from 'on-headers';

export interface SecurityHeaderOptions {
  /** Origins allowed to frame the residents' pages (DIRECTLINE_ALLOWED_ORIGINS; "*" is not passed on). */
  frameAncestors?: string[];
  /** Further origins the residents' pages connect to (Azure's Direct Line endpoint in that mode). */
  connectTo?: string[];
}

export const STAFF_PAGE_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function residentPagePolicy(options: SecurityHeaderOptions): string {
  const origins = (list: string[] | undefined) => (list ?? []).filter((o) => o !== '*').join(' ');
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "media-src 'self' data: blob:",
    `connect-src 'self' ${origins(options.connectTo)}`.trim(),
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    `frame-ancestors 'self' ${origins(options.frameAncestors)}`.trim(),
  ].join('; ');
}

/** Whether a request path is the staff side's (/staff, /staff/…). */
export function isStaffPath(url: string | undefined): boolean {
  const path = (url ?? '/').split('?')[0]!;
  return path === '/staff' || path.startsWith('/staff/');
}

export function addSecurityHeaders(server: restify.Server, options: SecurityHeaderOptions): void {
  const resident = residentPagePolicy(options);
  server.pre((req: Request, res: Response, next: Next) => {
    const staff = isStaffPath(req.url);
    res.setHeader('x-content-type-options', 'nosniff');
    onHeaders(res, function (this: ServerResponse) {
      if (!/^text\/html\b/iu.test(String(this.getHeader('content-type') ?? ''))) return;
      this.setHeader('content-security-policy', staff ? STAFF_PAGE_POLICY : resident);
      if (staff) this.setHeader('x-frame-options', 'DENY');
    });
    next();
  });
}
