/**
 * A loopback stand-in for the Bot Connector service: the bot posts its replies here (the
 * activity's serviceUrl), and the test reads what arrived, in order.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ConnectorCall {
  method: string;
  path: string;
  authorization?: string;
  body: Record<string, unknown>;
}

export class FakeConnector {
  readonly calls: ConnectorCall[] = [];
  private server?: http.Server;
  private waiters: Array<{ count: number; resolve: () => void }> = [];
  private nextId = 0;

  /** Where the bot should send replies (use as the activity's serviceUrl). */
  url = '';
  /** Answer each call after this many ms (a slow connector keeps a turn busy). */
  delayMs = 0;
  /** Statuses for the next calls, one each, in order (200 once they are used up). */
  statuses: number[] = [];

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        this.calls.push({
          method: req.method ?? '',
          path: req.url ?? '',
          authorization: req.headers.authorization,
          body: raw ? (JSON.parse(raw) as Record<string, unknown>) : {},
        });
        const status = this.statuses.shift() ?? 200;
        setTimeout(() => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(status < 300 ? { id: `reply-${++this.nextId}` } : { error: { code: 'Forbidden', message: `status ${status} for the test` } }));
        }, this.delayMs);
        this.waiters = this.waiters.filter((w) => {
          if (this.calls.length < w.count) return true;
          w.resolve();
          return false;
        });
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  /** Resolves once at least `count` calls have arrived in total. */
  waitFor(count: number, timeoutMs = 5000): Promise<void> {
    if (this.calls.length >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the fake connector got ${this.calls.length} calls, expected ${count}`)), timeoutMs);
      this.waiters.push({ count, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }

  /** The message texts that arrived, in order. */
  texts(): string[] {
    return this.calls.map((c) => String(c.body['text'] ?? ''));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

/** A resident's activity as the Bot Connector posts it to /api/messages, replies going to `serviceUrl`. */
export function residentActivity(serviceUrl: string, conversationId: string, id: string, extra: Record<string, unknown>): Record<string, unknown> {
  return {
    type: 'message',
    id,
    channelId: 'emulator',
    serviceUrl,
    conversation: { id: conversationId },
    from: { id: 'resident-1', name: 'Invånare', role: 'user' },
    recipient: { id: 'intake-bot', name: 'Intake', role: 'bot' },
    locale: 'sv-SE',
    timestamp: new Date().toISOString(),
    ...extra,
  };
}
