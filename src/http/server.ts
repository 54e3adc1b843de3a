/**
 * The HTTP surface: POST /api/messages (Bot Framework, through CloudAdapter), GET /healthz (the
 * process is up) and GET /readyz (the stores answer, each within READINESS_TIMEOUT_MS). Every error
 * is a JSON body with a status code that says what happened; a malformed request never reaches the
 * bot and never crashes it.
 */
import restify, { type Request, type Response } from 'restify';
import { z } from 'zod';
import type { CloudAdapter, TurnContext } from 'botbuilder';
import type { Logger } from '../logger.js';

export interface ReadinessCheck {
  name: string;
  /** Resolves when the dependency works; its rejection's message is shown (first line, no credentials). */
  check(): Promise<void>;
}

/** A check that has not answered by then fails: a dead server must not make /readyz hang. */
export const READINESS_TIMEOUT_MS = 2000;

export interface ServerOptions {
  adapter: CloudAdapter;
  /** Runs a turn: the bot, or a router in front of several. */
  bot: { run(context: TurnContext): Promise<void> };
  logger: Logger;
  maxBodyBytes: number;
  readiness: ReadinessCheck[];
  /** Default READINESS_TIMEOUT_MS. */
  readinessTimeoutMs?: number;
  /** True when an app id is configured: every activity must carry a Bot Connector token. */
  authenticationRequired: boolean;
}

/** The least an activity needs before the adapter sees it. */
const activityShape = z.object({
  type: z.string({ message: 'activity.type is missing' }).min(1, 'activity.type is empty'),
  conversation: z.object({ id: z.string({ message: 'activity.conversation.id is missing' }).min(1, 'activity.conversation.id is empty') }, { message: 'activity.conversation is missing' }),
  serviceUrl: z.string({ message: 'activity.serviceUrl is missing' }).min(1, 'activity.serviceUrl is empty'),
  channelId: z.string({ message: 'activity.channelId is missing' }).min(1, 'activity.channelId is empty'),
  from: z.object({ id: z.string({ message: 'activity.from.id is missing' }) }, { message: 'activity.from is missing' }).optional(),
  text: z.string({ message: 'activity.text must be a string' }).optional(),
});

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

function sendError(res: Response, status: number, code: string, message: string): void {
  if (res.headersSent) return;
  res.status(status);
  res.json({ error: { code, message } });
}

export function createServer(options: ServerOptions): restify.Server {
  const { adapter, bot, logger } = options;
  const server = restify.createServer({ name: 'narvard-intake', handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ maxBodySize: options.maxBodyBytes, mapParams: false }));

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
    const shape = activityShape.safeParse(body);
    if (!shape.success) {
      sendError(res, 400, 'BadRequest', shape.error.issues[0]!.message);
      return;
    }
    // Refused here rather than in CloudAdapter, which would print a stack trace for every such request.
    if (options.authenticationRequired && !req.headers.authorization) {
      logger.warn({ channelId: shape.data.channelId }, 'activity without a Bot Connector token refused');
      sendError(res, 401, 'Unauthorized', 'This bot requires a Bot Connector token (Authorization: Bearer …).');
      return;
    }
    try {
      await adapter.process(req, res, (context) => bot.run(context));
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
