/**
 * The HTTP surface: POST /api/messages (Bot Framework, through CloudAdapter), GET /healthz (the
 * process is up) and GET /readyz (the stores answer, each within READINESS_TIMEOUT_MS). Every error
 * is a JSON body with a status code that says what happened; a malformed request never reaches the
 * bot and never crashes it.
 *
 * Every route of the server (also those added later, in other modules) gets the request-body guard
 * (src/http/request-body.ts), the client's address (src/http/client-address.ts) and the security
 * headers (src/http/security-headers.ts).
 */
import restify, { type Request, type Response } from 'restify';
import type { Activity, TurnContext } from 'botbuilder';
import type { Logger } from '../logger.js';
import { AuthenticationRefused, type IntakeCloudAdapter } from '../bot/cloud-adapter.js';
import { inboundActivity, inboundRefusal, withoutBadLocale, type InboundRules } from '../bot/inbound-activity.js';
import { clientOf, installClientAddress } from './client-address.js';
import { sendJsonError } from './json-error.js';
import { jsonBodies } from './request-body.js';
import { addSecurityHeaders, type SecurityHeaderOptions } from './security-headers.js';

export interface ReadinessCheck {
  name: string;
  /** Resolves when the dependency works; its rejection's message is shown (first line, no credentials). */
  check(): Promise<void>;
}

/** A check that has not answered by then fails: a dead server must not make /readyz hang. */
export const READINESS_TIMEOUT_MS = 2000;

export interface ServerOptions {
  adapter: IntakeCloudAdapter;
  /** Runs a turn: the bot, or a router in front of several. */
  bot: { run(context: TurnContext): Promise<void> };
  logger: Logger;
  maxBodyBytes: number;
  readiness: ReadinessCheck[];
  /** Default READINESS_TIMEOUT_MS. */
  readinessTimeoutMs?: number;
  /** True when an app id is configured: every activity must carry a Bot Connector token. */
  authenticationRequired: boolean;
  /** Without an app id: clients other than this machine may send activities (ALLOW_UNAUTHENTICATED_BOT). */
  allowUnauthenticated?: boolean;
  /** Which channels and service URLs /api/messages accepts (src/bot/inbound-activity.ts). */
  inbound: InboundRules;
  /** Reverse proxies whose X-Forwarded-For is believed (TRUSTED_PROXIES). */
  trustedProxies?: string[];
  /** Content Security Policy and other headers (src/http/security-headers.ts). */
  headers?: SecurityHeaderOptions;
}

/** An error's message for a public answer: its first line, no stack, no user:password@ of an address. */
export function publicMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return (message.split('\n')[0] ?? '')
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/giu, '$1')
    .replace(/\b(password|pwd)=[^\s&;]*/giu, '$1=…')
    .slice(0, 500);
}

/** Resolves or rejects like `work`, or rejects after `ms`. */
function within(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Runs the readiness checks, each bounded by `timeoutMs`. A check still running from an earlier
 * request younger than that is awaited again rather than started anew, so a burst of probes against
 * a dead server does not pile up connection attempts; an older one is left to fail on its own.
 */
function readinessProbe(checks: ReadinessCheck[], timeoutMs: number) {
  const running = new Map<string, { started: number; work: Promise<void> }>();
  const run = (r: ReadinessCheck): Promise<void> => {
    const current = running.get(r.name);
    if (current && Date.now() - current.started < timeoutMs) return current.work;
    const work = Promise.resolve()
      .then(() => r.check())
      .finally(() => {
        if (running.get(r.name)?.work === work) running.delete(r.name);
      });
    work.catch(() => undefined);
    running.set(r.name, { started: Date.now(), work });
    return work;
  };
  return () =>
    Promise.all(
      checks.map(async (r) => {
        try {
          await within(run(r), timeoutMs);
          return { name: r.name, ok: true as const };
        } catch (err) {
          return { name: r.name, ok: false as const, error: publicMessage(err) };
        }
      }),
    );
}

const sendError = sendJsonError;

export function createServer(options: ServerOptions): restify.Server {
  const { adapter, bot, logger } = options;
  const server = restify.createServer({ name: 'narvard-intake', handleUncaughtExceptions: false });
  installClientAddress(server, options.trustedProxies ?? []);
  addSecurityHeaders(server, options.headers ?? {});
  server.use(jsonBodies({ maxBytes: options.maxBodyBytes }));

  // restify's own errors (bad JSON 400, body too large 413, unknown route 404) are JSON already;
  // give them the same shape as ours.
  server.on('restifyError', (req: Request, res: Response, err: { statusCode?: number; body?: { code?: string; message?: string }; message: string; toJSON?: () => unknown }, callback: () => void) => {
    err.toJSON = () => ({ error: { code: err.body?.code ?? 'Error', message: err.body?.message ?? err.message } });
    callback();
  });

  server.post('/api/messages', async (req: Request, res: Response) => {
    const body: unknown = req.body;
    if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
      sendError(res, 400, 'BadRequest', 'The body must be a JSON activity (Content-Type: application/json).');
      return;
    }
    const shape = inboundActivity.safeParse(body);
    if (!shape.success) {
      sendError(res, 400, 'BadRequest', shape.error.issues[0]!.message);
      return;
    }
    const activity = withoutBadLocale(body as Partial<Activity> & { locale?: unknown });
    const client = clientOf(req);
    // Without an app id nothing checks who sends an activity: only this machine may, unless allowed.
    if (!options.authenticationRequired && !options.allowUnauthenticated && !client.loopback) {
      logger.warn({ channelId: shape.data.channelId.slice(0, 64) }, 'activity from another machine refused: no MicrosoftAppId to check its token, and ALLOW_UNAUTHENTICATED_BOT is not true');
      sendError(res, 401, 'Unauthorized', 'This service accepts activities without a Bot Connector token only from its own machine.');
      return;
    }
    // Refused here rather than in CloudAdapter, which would print a stack trace for every such request.
    if (options.authenticationRequired && !req.headers.authorization) {
      logger.warn({ channelId: shape.data.channelId.slice(0, 64) }, 'activity without a Bot Connector token refused');
      sendError(res, 401, 'Unauthorized', 'This bot requires a Bot Connector token (Authorization: Bearer …).');
      return;
    }
    let authenticated;
    try {
      authenticated = await adapter.authenticate(activity, req.headers.authorization ?? '');
    } catch (err) {
      if (!(err instanceof AuthenticationRefused)) throw err;
      logger.warn({ channelId: shape.data.channelId.slice(0, 64), status: err.status }, err.message);
      sendError(res, err.status, err.status === 401 ? 'Unauthorized' : 'ServiceUnavailable', err.message);
      return;
    }
    const refusal = inboundRefusal(shape.data, { authenticated: options.authenticationRequired, loopback: client.loopback }, options.inbound);
    if (refusal) {
      logger.warn({ channelId: shape.data.channelId.slice(0, 64), status: refusal.status }, `activity refused: ${refusal.message}`);
      sendError(res, refusal.status, refusal.code, refusal.message);
      return;
    }
    try {
      const invoke = await adapter.run(authenticated, activity, (context) => bot.run(context));
      // botbuilder answers an invoke nobody handled with a bare 501: for a request this bot does not
      // serve, a 400 that says so (no 5xx for what a client sent).
      if (invoke?.status === 501 && invoke.body === undefined) {
        sendError(res, 400, 'BadRequest', `This bot does not handle the invoke "${String((activity as { name?: unknown }).name ?? '').slice(0, 100)}".`);
        return;
      }
      res.status(invoke?.status ?? 200);
      if (invoke?.body !== undefined) res.json(invoke.body);
      else res.end();
    } catch (err) {
      logger.error({ err: { name: (err as Error).name, message: (err as Error).message } }, 'processing an activity failed');
      sendError(res, 500, 'InternalError', 'The activity could not be processed. It was not stored; send it again.');
    }
  });

  server.get('/healthz', async (_req: Request, res: Response) => {
    res.json({ status: 'ok' });
  });

  // Not ready while a check fails (PostgreSQL gone, the data folder not writable); ready again by
  // itself once they pass. The change is logged once each way, not on every probe.
  const probe = readinessProbe(options.readiness, options.readinessTimeoutMs ?? READINESS_TIMEOUT_MS);
  let wasReady: boolean | undefined;
  server.get('/readyz', async (_req: Request, res: Response) => {
    const results = await probe();
    const ready = results.every((r) => r.ok);
    if (!ready && wasReady !== false) {
      const failing = results.flatMap((r) => (r.ok ? [] : [{ name: r.name, error: r.error }]));
      logger.error({ failing }, `not ready: ${failing.map((f) => `${f.name}: ${f.error}`).join('; ')}`);
    } else if (ready && wasReady === false) {
      logger.info({ checks: results.map((r) => r.name) }, 'ready again: every readiness check passes');
    }
    wasReady = ready;
    res.header('cache-control', 'no-store');
    res.status(ready ? 200 : 503);
    res.json({ status: ready ? 'ready' : 'not ready', checks: results });
  });

  return server;
}
