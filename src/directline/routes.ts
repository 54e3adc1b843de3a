/**
 * Direct Line 3.0 under /v3/directline, the subset Web Chat and botframework-directlinejs use in
 * polling mode: tokens/generate, tokens/refresh, conversations (start, resume), activities (post,
 * get after a watermark). One addition of ours: tokens/generate with `{ "start": true }` also starts
 * the conversation and answers with its first activities, so the widget can show the greeting
 * after one round trip, before Web Chat has loaded. Errors use Direct Line's shape `{ error: { code, message } }`:
 * 403 for a missing, forged, expired or other-conversation token, 404 for an unknown conversation,
 * 413 for an oversized body (restify's body parser), 429 with Retry-After for a flooding client.
 */
import { randomBytes } from 'node:crypto';
import type { Activity } from 'botbuilder';
import type { Request, Response } from 'restify';
import type restify from 'restify';
import { secondsToWait, type RequestLimiter } from './rate-limit.js';
import { z } from 'zod';
import type { DirectLineConfig } from '../config.js';
import { conversationTag, type Logger } from '../logger.js';
import type { DirectLineAdapter } from './adapter.js';
import { DIRECT_LINE_CHANNEL_ID } from './adapter.js';
import type { DirectLineConversation, DirectLineStore } from './store.js';
import { TokenError, type TokenClaims, type TokenIssuer } from './tokens.js';
import { clientOf } from '../http/client-address.js';
import { withoutBadLocale } from '../bot/inbound-activity.js';

export const DIRECT_LINE_PATH = '/v3/directline';

export interface DirectLineRoutesOptions {
  config: DirectLineConfig;
  store: DirectLineStore;
  issuer: TokenIssuer;
  logger: Logger;
  /** Runs activities through the bot (embedded mode only). */
  adapter?: DirectLineAdapter;
  /** The address browsers use, when behind a proxy; otherwise taken from the request. */
  publicUrl?: string;
  /** Checks a municipality code from the page; unknown codes are dropped (and logged). */
  knownMunicipality(code: string): boolean;
  /** Makes a request limit (shared by every instance on PostgreSQL). */
  limiter(name: string, points: number): RequestLimiter;
}

/** An error that becomes a Direct Line error response. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

const generateBody = z
  .object({
    municipality: z.string().max(40).optional(),
    locale: z.string().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/u).optional(),
    // Our own addition to Direct Line: also start the conversation and answer with its first
    // activities (the greeting), which saves the widget two round trips before it can show them.
    start: z.boolean().optional(),
  })
  .loose();

/** What the page may post; the server decides ids, timestamps, sender and conversation. */
const postedActivity = z
  .object({
    type: z.string().min(1, 'activity.type is missing'),
    text: z.string().optional(),
    value: z.unknown().optional(),
    name: z.string().optional(),
    locale: z.unknown().optional(),
    attachments: z.array(z.unknown()).optional(),
    channelData: z.record(z.string(), z.unknown()).optional(),
    from: z.object({ id: z.string().optional(), name: z.string().max(200).optional() }).loose().optional(),
  })
  .loose();

function newId(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

function bearer(req: Request): string {
  const header = req.headers.authorization ?? '';
  const match = /^Bearer\s+(\S+)$/iu.exec(header);
  if (!match) throw new HttpError(403, 'BadArgument', 'A Direct Line token is required (Authorization: Bearer <token>).');
  return match[1]!;
}

function send(res: Response, status: number, body: unknown): void {
  res.status(status);
  res.json(body);
}

export function addDirectLineRoutes(server: restify.Server, options: DirectLineRoutesOptions): void {
  const { config, store, issuer, logger, adapter } = options;
  const perConversation = options.limiter('dl-conversation', config.requestsPerMinute);
  const perAddress = options.limiter('dl-address', config.newConversationsPerMinute);

  const limit = async (limiter: RequestLimiter, key: string): Promise<void> => {
    const seconds = await secondsToWait(limiter, key);
    if (seconds !== undefined) throw new HttpError(429, 'TooManyRequests', `Too many requests; try again in ${seconds} s.`, seconds);
  };

  const domainFor = (req: Request): string => {
    if (options.publicUrl) return `${options.publicUrl}${DIRECT_LINE_PATH}`;
    const proto = String(req.headers['x-forwarded-proto'] ?? '').split(',')[0]?.trim() || (req.isSecure() ? 'https' : 'http');
    return `${proto}://${req.headers.host ?? '127.0.0.1'}${DIRECT_LINE_PATH}`;
  };

  /** The token's claims; the conversation in the URL (if any) must be the token's. */
  const authorize = async (req: Request, conversationId?: string): Promise<TokenClaims> => {
    let claims: TokenClaims;
    try {
      claims = await issuer.verify(bearer(req));
    } catch (err) {
      if (err instanceof TokenError) throw new HttpError(403, 'TokenExpiredOrInvalid', `The token was refused (${err.message}); get a new one.`);
      throw err;
    }
    if (conversationId !== undefined && conversationId !== claims.conversationId) {
      throw new HttpError(403, 'BadArgument', 'The token is not valid for this conversation.');
    }
    await limit(perConversation, claims.conversationId);
    return claims;
  };

  const conversationOf = async (claims: TokenClaims): Promise<DirectLineConversation> => {
    const conversation = await store.get(claims.conversationId);
    if (!conversation) throw new HttpError(404, 'BadArgument', 'Conversation not found; it may have ended or been erased. Start a new one.');
    return conversation;
  };

  /** Starts the conversation the first time (the bot greets); false when it had already started. */
  const start = async (conversation: DirectLineConversation, adapter: DirectLineAdapter): Promise<boolean> => {
    const isNew = await store.markStarted(conversation.id);
    if (isNew) {
      await adapter.start(conversation);
      logger.info({ conversation: conversationTag(DIRECT_LINE_CHANNEL_ID, conversation.id) }, 'Direct Line conversation started');
    }
    return isNew;
  };

  const tokenResponse = async (claims: TokenClaims) => ({
    conversationId: claims.conversationId,
    token: await issuer.issue(claims),
    expires_in: issuer.lifetimeSeconds,
  });

  /** Wraps a handler: HttpErrors become Direct Line errors, anything else a logged 500. */
  const handle =
    (name: string, fn: (req: Request, res: Response) => Promise<void>) =>
    async (req: Request, res: Response): Promise<void> => {
      try {
        await fn(req, res);
      } catch (err) {
        if (err instanceof HttpError) {
          if (err.retryAfterSeconds !== undefined) res.header('Retry-After', String(err.retryAfterSeconds));
          send(res, err.status, { error: { code: err.code, message: err.message } });
          return;
        }
        logger.error({ err: { name: (err as Error).name, message: (err as Error).message }, route: name }, 'Direct Line request failed');
        send(res, 500, { error: { code: 'ServiceError', message: 'The request could not be handled. Nothing was lost; try again.' } });
      }
    };

  // A page asks for a token for a new conversation. No secret is involved: the token is scoped to
  // one new conversation, so handing one out grants nothing beyond talking to the bot.
  server.post(
    `${DIRECT_LINE_PATH}/tokens/generate`,
    handle('tokens/generate', async (req, res) => {
      await limit(perAddress, clientOf(req).address);
      const parsed = generateBody.safeParse(req.body ?? {});
      if (!parsed.success) throw new HttpError(400, 'BadArgument', `The request body is not valid: ${parsed.error.issues[0]!.path.join('.')} ${parsed.error.issues[0]!.message}.`);
      const { municipality, locale, start: startNow } = parsed.data;
      if (municipality && !options.knownMunicipality(municipality)) {
        logger.warn({ municipality }, 'the page preselected a municipality that is not in the directory; the resident will be asked');
      }
      const conversation: DirectLineConversation = {
        id: newId(18),
        // Web Chat rejects user ids starting with "dl_".
        userId: `nv_${newId(12)}`,
        createdAt: new Date().toISOString(),
        started: false,
        ...(municipality && options.knownMunicipality(municipality) ? { municipality } : {}),
        ...(locale ? { locale } : {}),
      };
      await store.create(conversation);
      const claims = { conversationId: conversation.id, userId: conversation.userId };
      const response = { ...(await tokenResponse(claims)), userId: conversation.userId, domain: domainFor(req) };
      if (!startNow || !adapter) return send(res, 200, response);
      await start(conversation, adapter);
      const first = await store.after(conversation.id, undefined);
      send(res, 200, { ...response, activities: first.activities, watermark: String(first.watermark) });
    }),
  );

  server.post(
    `${DIRECT_LINE_PATH}/tokens/refresh`,
    handle('tokens/refresh', async (req, res) => {
      const claims = await authorize(req);
      await conversationOf(claims);
      send(res, 200, await tokenResponse(claims));
    }),
  );

  if (!adapter) return;

  // Start (or re-open) the conversation the token names; the bot greets on the first start.
  server.post(
    `${DIRECT_LINE_PATH}/conversations`,
    handle('conversations', async (req, res) => {
      const claims = await authorize(req);
      const conversation = await conversationOf(claims);
      const isNew = await start(conversation, adapter);
      send(res, isNew ? 201 : 200, await tokenResponse(claims));
    }),
  );

  server.get(
    `${DIRECT_LINE_PATH}/conversations/:conversationId`,
    handle('conversations/:id', async (req, res) => {
      const claims = await authorize(req, String(req.params['conversationId']));
      await conversationOf(claims);
      send(res, 200, await tokenResponse(claims));
    }),
  );

  server.get(
    `${DIRECT_LINE_PATH}/conversations/:conversationId/activities`,
    handle('activities:get', async (req, res) => {
      const claims = await authorize(req, String(req.params['conversationId']));
      await conversationOf(claims);
      const raw = new URL(req.url ?? '/', 'http://x').searchParams.get('watermark');
      const watermark = raw === null || raw === '' ? undefined : Number(raw);
      if (watermark !== undefined && (!Number.isInteger(watermark) || watermark < 0)) {
        throw new HttpError(400, 'BadArgument', 'watermark must be a whole number from an earlier response.');
      }
      const page = await store.after(claims.conversationId, watermark);
      send(res, 200, { activities: page.activities, watermark: String(page.watermark) });
    }),
  );

  server.post(
    `${DIRECT_LINE_PATH}/conversations/:conversationId/activities`,
    handle('activities:post', async (req, res) => {
      const claims = await authorize(req, String(req.params['conversationId']));
      const conversation = await conversationOf(claims);
      const body: unknown = req.body;
      const parsed = postedActivity.safeParse(body);
      if (!parsed.success) throw new HttpError(400, 'BadArgument', `The activity is not valid: ${parsed.error.issues[0]!.message}.`);
      if (!conversation.started) await store.markStarted(conversation.id);
      const { from, ...rest } = withoutBadLocale(parsed.data);
      const stored = await adapter.receive(conversation, { ...(rest as Partial<Activity>), from: { id: conversation.userId, name: from?.name ?? '' } });
      send(res, 200, { id: stored.id });
    }),
  );
}
