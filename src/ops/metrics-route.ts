/**
 * GET /metrics, for Prometheus. Not for the internet: the numbers say how busy the service is, how
 * many people wrote something alarming and whether deliveries fail. Who may read them:
 *  - with METRICS_TOKEN set, any request carrying `Authorization: Bearer <token>`;
 *  - without it, only a request made on this machine (from 127.0.0.1 or ::1) that no proxy forwarded:
 *    a reverse proxy on the same host connects from loopback too, but says whom it forwards
 *    (X-Forwarded-For, Forwarded, X-Real-IP), and such a request is refused.
 * Everything else gets 403 (or 401 for a wrong token) with a line saying what to do.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import type restify from 'restify';
import type { Request, Response } from 'restify';
import type { Logger } from '../logger.js';
import type { ServiceMetrics } from './metrics.js';

export interface MetricsRouteOptions {
  metrics: ServiceMetrics;
  /** METRICS_TOKEN: readers elsewhere show it as a bearer token. */
  token?: string;
  logger: Logger;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const FORWARDING_HEADERS = ['x-forwarded-for', 'forwarded', 'x-real-ip'];

/** Compares in constant time (hashes first, so the lengths match). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** Whether this request may read the metrics, or the status and message to refuse it with. */
export function metricsAccess(req: Pick<Request, 'headers' | 'socket'>, token: string | undefined): { ok: true } | { ok: false; status: number; message: string } {
  if (token) {
    const header = req.headers.authorization ?? '';
    const given = /^Bearer\s+(.+)$/iu.exec(header)?.[1]?.trim();
    if (given && sameSecret(given, token)) return { ok: true };
    return { ok: false, status: 401, message: 'Send the METRICS_TOKEN as Authorization: Bearer <token>.' };
  }
  const direct = LOOPBACK.has(req.socket.remoteAddress ?? '') && !FORWARDING_HEADERS.some((h) => req.headers[h] !== undefined);
  if (direct) return { ok: true };
  return { ok: false, status: 403, message: 'Metrics are served only to this machine. To scrape them from elsewhere, set METRICS_TOKEN and send it as a bearer token (docs/operations.md).' };
}

export function addMetricsRoute(server: restify.Server, options: MetricsRouteOptions): void {
  server.get('/metrics', async (req: Request, res: Response) => {
    const access = metricsAccess(req, options.token);
    res.header('cache-control', 'no-store');
    if (!access.ok) {
      res.status(access.status);
      res.json({ error: { code: access.status === 401 ? 'Unauthorized' : 'Forbidden', message: access.message } });
      return;
    }
    try {
      const { contentType, body } = await options.metrics.exposition();
      res.header('content-type', contentType);
      res.status(200);
      res.end(body);
    } catch (err) {
      options.logger.error({ err: { message: (err as Error).message } }, 'metrics could not be collected');
      res.status(503);
      res.json({ error: { code: 'Unavailable', message: 'The metrics could not be collected just now; try again.' } });
    }
  });
}
