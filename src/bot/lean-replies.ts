/**
 * A turn's replies sent to the Bot Connector with undici instead of the connector client's Azure HTTP
 * pipeline. botbuilder sends every reply through `conversations.replyToActivity` (or
 * `sendToConversation` when it answers nothing in particular); in the stock client each goes through
 * a mapper that serialises the activity field by field, about ten pipeline policies, tracing and a
 * node-fetch style request: about a fifth of an intake turn's CPU in the benchmark, for two POSTs of
 * JSON. Here the same two operations are a plain JSON POST on a kept-alive undici pool, signed by
 * the connector client's own credentials (the Bearer token of the bot's app registration, cached by
 * botbuilder as before). Every other operation (members, updates, deletes, conversations) stays
 * with the stock client, as does everything Teams-specific.
 */
import type { LookupFunction } from 'node:net';
import { Agent, EnvHttpProxyAgent, RetryAgent, type Dispatcher } from 'undici';

/** What this module needs of botframework-connector's ConnectorClient (kept structural on purpose). */
export interface ConnectorClientLike {
  baseUri?: string;
  credentials?: { signRequest(webResource: { headers: HeaderSetter }): Promise<unknown> };
  conversations: object;
}

interface HeaderSetter {
  set(name: string, value: string): void;
  get(name: string): string | undefined;
}

/** The Bot Connector answered a reply with an error status (the message says which and why). */
export class ConnectorReplyError extends Error {
  constructor(
    readonly statusCode: number,
    readonly path: string,
    detail: string,
  ) {
    super(`the Bot Connector answered ${statusCode} to POST ${path}${detail ? `: ${detail}` : ''}`);
    this.name = 'ConnectorReplyError';
  }
}

/** Proxy settings; each one left out is read from its environment variable, as the stock client does. */
export interface ProxySettings {
  /** HTTP_PROXY */
  httpProxy?: string;
  /** HTTPS_PROXY */
  httpsProxy?: string;
  /** NO_PROXY */
  noProxy?: string;
}

/**
 * One dispatcher for every connector: keep-alive connections per origin, through the proxy that
 * HTTPS_PROXY / HTTP_PROXY name unless NO_PROXY exempts the host (as the stock client's pipeline
 * does: a municipality's network may allow no other way out), and the stock client's retry rules
 * (network errors, 408, 429 and 5xx but 501/505, at most three retries honouring Retry-After) so a
 * reply is not lost to a blip any more than before.
 */
export function connectorDispatcher(proxy: ProxySettings = {}, lookup?: LookupFunction): Dispatcher {
  const timeouts = { keepAliveTimeout: 30_000, headersTimeout: 30_000, bodyTimeout: 30_000 };
  // A setting given wins over its environment variables (as in EnvHttpProxyAgent).
  const named = (given: string | undefined, ...variables: string[]) => given ?? variables.map((v) => process.env[v]).find(Boolean) ?? '';
  const proxied = Boolean(named(proxy.httpProxy, 'http_proxy', 'HTTP_PROXY') || named(proxy.httpsProxy, 'https_proxy', 'HTTPS_PROXY'));
  // Without a proxy, a plain pool: EnvHttpProxyAgent chooses a route for every request (and reads
  // NO_PROXY from the environment each time), 7 % of an /api/messages turn's CPU (A/B, npm run
  // bench:ab). So the environment is read once, at start-up, as a service's settings are.
  // `lookup` checks where a name resolves to (src/bot/service-urls.ts); through a proxy, the proxy resolves.
  const connections = proxied ? new EnvHttpProxyAgent({ ...timeouts, ...proxy }) : new Agent({ ...timeouts, ...(lookup ? { connect: { lookup } } : {}) });
  return new RetryAgent(connections, {
    maxRetries: 3,
    minTimeout: 500,
    maxTimeout: 10_000,
    methods: ['POST'],
    statusCodes: [408, 429, 500, 502, 503, 504],
  });
}

/**
 * The connector client with `replyToActivity` and `sendToConversation` going through `dispatcher`;
 * everything else is the client itself (reached through the prototype chain, so it is not copied).
 */
export function withLeanReplies<T extends object>(stock: T, dispatcher: Dispatcher): T {
  // baseUri and credentials are protected in the typings, public at run time.
  const client = stock as unknown as ConnectorClientLike;
  const base = new URL(client.baseUri ?? 'https://api.botframework.com');
  // Teams' service URLs carry a path (https://smba.trafficmanager.net/emea/): it goes before v3/…
  const prefix = base.pathname.replace(/\/+$/, '');
  const credentials = client.credentials;

  const post = async (path: string, activity: unknown): Promise<{ id?: string }> => {
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
    if (credentials) {
      // AppCredentials.signRequest sets the Bearer token when the bot has an app ID, nothing otherwise.
      await credentials.signRequest({
        headers: { set: (name, value) => void (headers[name.toLowerCase()] = value), get: (name) => headers[name.toLowerCase()] },
      });
    }
    const response = await dispatcher.request({ origin: base.origin, path: `${prefix}${path}`, method: 'POST', headers, body: JSON.stringify(activity) });
    const text = await response.body.text();
    if (response.statusCode >= 300) throw new ConnectorReplyError(response.statusCode, path, errorDetail(text));
    if (!text) return {};
    try {
      return JSON.parse(text) as { id?: string };
    } catch {
      return {};
    }
  };

  const conversations = Object.create(client.conversations, {
    replyToActivity: {
      value: (conversationId: string, activityId: string, activity: unknown) =>
        post(`/v3/conversations/${encodeURIComponent(conversationId)}/activities/${encodeURIComponent(activityId)}`, activity),
    },
    sendToConversation: {
      value: (conversationId: string, activity: unknown) => post(`/v3/conversations/${encodeURIComponent(conversationId)}/activities`, activity),
    },
  }) as object;
  return Object.create(stock, { conversations: { value: conversations, enumerable: true } }) as T;
}

/** The connector's error message (`{ error: { code, message } }`), else the start of its answer. */
function errorDetail(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: { code?: string; message?: string }; message?: string };
    const error = body.error;
    if (error) return [error.code, error.message].filter(Boolean).join(': ');
    if (body.message) return body.message;
  } catch {
    // not JSON: fall through
  }
  return text.slice(0, 200);
}
