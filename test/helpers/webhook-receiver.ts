/**
 * A case system's webhook endpoint on 127.0.0.1 that checks the HMAC signature of each delivery,
 * and a copy of the content whose Karlstad elderly-care contact point delivers to it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { cp, readFile, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { REPO_ROOT } from './paths.js';

export interface WebhookDelivery {
  reference: string;
  deliveryId: string;
  /** The Idempotency-Key header. */
  idempotencyKey?: string;
  signatureOk: boolean;
  /** Date.now() when it arrived. */
  at: number;
}

export class WebhookReceiver {
  readonly received: WebhookDelivery[] = [];
  /** Where the directory should deliver. */
  url = '';
  private server?: http.Server;

  constructor(private readonly secret: string) {}

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (d: Buffer) => (raw += d.toString()));
      req.on('end', () => {
        const timestamp = String(req.headers['x-narvard-timestamp'] ?? '');
        const expected = Buffer.from(`sha256=${createHmac('sha256', this.secret).update(`${timestamp}.${raw}`).digest('hex')}`);
        const given = Buffer.from(String(req.headers['x-narvard-signature'] ?? ''));
        const signatureOk = expected.length === given.length && timingSafeEqual(expected, given);
        let body: { reference?: string; deliveryId?: string } = {};
        try {
          body = JSON.parse(raw) as typeof body;
        } catch {
          // counted below as a delivery without a reference
        }
        const idempotencyKey = req.headers['idempotency-key'] as string | undefined;
        this.received.push({ reference: String(body.reference ?? ''), deliveryId: String(body.deliveryId ?? ''), ...(idempotencyKey ? { idempotencyKey } : {}), signatureOk, at: Date.now() });
        res.writeHead(signatureOk ? 200 : 401);
        res.end();
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  /** Deliveries with a valid signature. */
  signed(): WebhookDelivery[] {
    return this.received.filter((d) => d.signatureOk);
  }

  /** How many signed deliveries arrived per case reference. */
  counts(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const d of this.signed()) counts.set(d.reference, (counts.get(d.reference) ?? 0) + 1);
    return counts;
  }

  stop(): Promise<void> {
    return new Promise((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

/**
 * Copies data/ to `dir`/content with Karlstad's elderly-care contact point (where the standard
 * test interview's case goes) delivering to `webhookUrl`, signed with the secret in the
 * environment variable `secretEnv`. Resolves with the content folder.
 */
export async function contentWithWebhook(dir: string, webhookUrl: string, secretEnv = 'KARLSTAD_WEBHOOK_SECRET'): Promise<string> {
  const contentDir = path.join(dir, 'content');
  await cp(path.join(REPO_ROOT, 'data'), contentDir, { recursive: true });
  const file = path.join(contentDir, 'directory.yaml');
  const yaml = await readFile(file, 'utf8');
  const replaced = yaml.replace('delivery: { email: bistand@karlstad.example, example: true }', `delivery: { webhook: '${webhookUrl}', webhookSecretEnv: ${secretEnv} }`);
  if (replaced === yaml) throw new Error("the test could not find Karlstad's delivery line in directory.yaml");
  await writeFile(file, replaced);
  return contentDir;
}
