/**
 * Azure Bot Service Direct Line, for organisations that use it: the page asks this service for a
 * token, and the service exchanges its Direct Line secret for one at Azure, so the secret never
 * reaches the browser. The page then talks to Azure's Direct Line directly (the `domain` returned).
 */
import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'restify';
import type restify from 'restify';
import { secondsToWait, type RequestLimiter } from './rate-limit.js';
import { z } from 'zod';
import type { DirectLineConfig } from '../config.js';
import type { Logger } from '../logger.js';
import { DIRECT_LINE_PATH } from './routes.js';
import type { DirectLineStore } from './store.js';
import { clientOf } from '../http/client-address.js';
import { withoutBadLocale } from '../bot/inbound-activity.js';

const azureAnswer = z.object({ conversationId: z.string().min(1), token: z.string().min(1), expires_in: z.number() }).loose();

export interface AzureTokenOptions {
  config: DirectLineConfig;
  /** Keeps what the page preselected, so the bot finds it when Azure starts the conversation. */
  store: DirectLineStore;
  logger: Logger;
  knownMunicipality(code: string): boolean;
  /** Makes a request limit (shared by every instance on PostgreSQL). */
  limiter(name: string, points: number): RequestLimiter;
}

export function addAzureTokenRoute(server: restify.Server, options: AzureTokenOptions): void {
  const { config, store, logger } = options;
  const perAddress = options.limiter('dl-address', config.newConversationsPerMinute);

  server.post(`${DIRECT_LINE_PATH}/tokens/generate`, async (req: Request, res: Response) => {
    const wait = await secondsToWait(perAddress, clientOf(req).address);
    if (wait !== undefined) {
      res.header('Retry-After', String(wait));
      res.status(429);
      res.json({ error: { code: 'TooManyRequests', message: 'Too many new conversations from this address; try again shortly.' } });
      return;
    }
    const body = (req.body ?? {}) as { municipality?: unknown; locale?: unknown };
    const municipality = typeof body.municipality === 'string' && options.knownMunicipality(body.municipality) ? body.municipality : undefined;
    const locale = withoutBadLocale({ locale: body.locale }).locale as string | undefined;
    const userId = `nv_${randomBytes(12).toString('base64url')}`;
    let answer: z.infer<typeof azureAnswer>;
    try {
      const response = await fetch(`${config.azureEndpoint}/tokens/generate`, {
        method: 'POST',
        headers: { authorization: `Bearer ${config.azureSecret ?? ''}`, 'content-type': 'application/json' },
        body: JSON.stringify({ user: { id: userId } }),
        signal: AbortSignal.timeout(10_000),
      });
      if (!response.ok) {
        logger.error({ status: response.status }, `Azure Direct Line refused the token request${response.status === 403 || response.status === 401 ? '; check DIRECTLINE_SECRET' : ''}`);
        res.status(502);
        res.json({ error: { code: 'UpstreamError', message: `Azure Direct Line answered ${response.status}; the chat cannot start right now.` } });
        return;
      }
      answer = azureAnswer.parse(await response.json());
    } catch (err) {
      logger.error({ err: { name: (err as Error).name, message: (err as Error).message } }, 'Azure Direct Line could not be reached for a token');
      res.status(502);
      res.json({ error: { code: 'UpstreamError', message: 'Azure Direct Line could not be reached; the chat cannot start right now.' } });
      return;
    }
    await store.create({
      id: answer.conversationId,
      userId,
      createdAt: new Date().toISOString(),
      started: true,
      ...(municipality ? { municipality } : {}),
      ...(locale ? { locale } : {}),
    });
    res.status(200);
    res.json({ conversationId: answer.conversationId, token: answer.token, expires_in: answer.expires_in, userId, domain: config.azureEndpoint });
  });
}
