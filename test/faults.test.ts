/**
 * The embedded store under a hard crash: many interviews run at once against the real service in a
 * child process, which is killed with SIGKILL in the middle and started again on the same data
 * folder. Afterwards every answer the service acknowledged is stored, every interview can be
 * finished, every confirmed case exists exactly once and is delivered exactly once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { CONFIRM_AND_SHARE, SELF_ANSWERS } from './helpers/answers.js';
import { readCases } from './helpers/stored.js';
import { REPO_ROOT, removeDir, startConversation, tempDir, textOf } from './helpers/harness.js';

const SECRET = 'fault-test-webhook-secret-0123456789';
const CONVERSATIONS = 12;

async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

/** Which answer to give to which question: learned from one interview run in-process. */
async function learnAnswers(): Promise<Array<{ question: string; answer: string }>> {
  const convo = await startConversation();
  try {
    const pairs: Array<{ question: string; answer: string }> = [];
    let replies = await convo.join();
    for (const answer of [...SELF_ANSWERS, ...CONFIRM_AND_SHARE]) {
      const prompts = replies.filter((r) => r.text && (r.suggestedActions || /\?\s*$/u.test(r.text.trim())));
      const question = (prompts.at(-1)?.text ?? textOf(replies).trim().split('\n').at(-1) ?? '').trim();
      pairs.push({ question, answer });
      replies = await convo.say(answer);
    }
    return pairs;
  } finally {
    await convo.close();
  }
}

describe('a crash of the embedded store (SIGKILL in the middle of many interviews)', function () {
  this.timeout(180000);
  let dir: string;
  const deliveries = new Map<string, number>();
  let receiver: http.Server;
  let child: ChildProcess | undefined;

  before(async () => {
    receiver = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (d: Buffer) => (raw += d.toString()));
      req.on('end', () => {
        const signature = `sha256=${createHmac('sha256', SECRET).update(`${String(req.headers['x-narvard-timestamp'])}.${raw}`).digest('hex')}`;
        if (signature === req.headers['x-narvard-signature']) {
          const body = JSON.parse(raw) as { reference: string };
          deliveries.set(body.reference, (deliveries.get(body.reference) ?? 0) + 1);
        }
        res.writeHead(200);
        res.end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    dir = await tempDir('intake-faults-');
  });
  after(async () => {
    child?.kill('SIGKILL');
    await new Promise((r) => receiver.close(r));
    await removeDir(dir);
  });

  it('keeps every acknowledged answer, finishes every interview, and creates and delivers each case exactly once', async () => {
    const pairs = await learnAnswers();
    const contentDir = path.join(dir, 'content');
    await cp(path.join(REPO_ROOT, 'data'), contentDir, { recursive: true });
    const file = path.join(contentDir, 'directory.yaml');
    const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    await writeFile(file, (await readFile(file, 'utf8')).replace('delivery: { email: bistand@karlstad.example, example: true }', `delivery: { webhook: '${hookUrl}', webhookSecretEnv: KARLSTAD_WEBHOOK_SECRET }`));

    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const dataDir = path.join(dir, 'data');
    const startService = async (): Promise<ChildProcess> => {
      const proc = spawn(process.execPath, ['--disable-warning=DEP0111', '--import', 'tsx', 'src/main.ts'], {
        cwd: REPO_ROOT,
        env: { PATH: process.env['PATH'] ?? '', PORT: String(port), DATA_DIR: dataDir, CONTENT_DIR: contentDir, LOG_LEVEL: 'silent', OUTBOX_INTERVAL_MS: '50', OUTBOX_RETRY_BASE_MS: '20', URGENT_REMINDER_MINUTES: '0', KARLSTAD_WEBHOOK_SECRET: SECRET },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      await new Promise<void>((resolve, reject) => {
        let out = '';
        proc.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('ready')) resolve();
        });
        proc.on('exit', (code) => reject(new Error(`the service stopped (code ${code}) before it was ready: ${out}`)));
      });
      return proc;
    };

    /** One message over HTTP with the replies in the response; undefined when not acknowledged. */
    const send = async (conversationId: string, activity: Record<string, unknown>): Promise<string | undefined> => {
      try {
        const res = await fetch(`${url}/api/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            channelId: 'faulttest',
            serviceUrl: 'http://127.0.0.1:9/',
            conversation: { id: conversationId },
            from: { id: `${conversationId}-resident`, role: 'user' },
            recipient: { id: 'intake', role: 'bot' },
            locale: 'sv-SE',
            deliveryMode: 'expectReplies',
            id: `${conversationId}-${Math.random()}`,
            ...activity,
          }),
          signal: AbortSignal.timeout(10000),
        });
        if (res.status !== 200) return undefined;
        const body = (await res.json()) as { activities: Array<{ text?: string }> };
        return body.activities.map((a) => a.text ?? '').join('\n');
      } catch {
        return undefined;
      }
    };

    const acknowledged = new Map<string, string[]>();
    const finished = new Set<string>();
    let acknowledgedTotal = 0;

    /** Runs one interview until its case reference is shown or the service goes away. */
    const interview = async (conversationId: string): Promise<void> => {
      let replies = await send(conversationId, acknowledged.has(conversationId) ? { type: 'message', text: 'hjälp' } : { type: 'conversationUpdate', membersAdded: [{ id: `${conversationId}-resident` }] });
      if (!acknowledged.has(conversationId)) acknowledged.set(conversationId, []);
      for (let step = 0; step < 80 && replies !== undefined; step++) {
        if (/NV-\d{4}-\d{6}/u.test(replies)) {
          finished.add(conversationId);
          return;
        }
        const pair = [...pairs].reverse().find((p) => p.question && replies!.includes(p.question));
        if (!pair) throw new Error(`${conversationId}: no known question in "${replies.slice(-200)}"`);
        const answer = pair.answer;
        replies = await send(conversationId, { type: 'message', text: answer });
        if (replies !== undefined) {
          acknowledged.get(conversationId)!.push(answer);
          acknowledgedTotal += 1;
        }
      }
    };

    child = await startService();
    const ids = Array.from({ length: CONVERSATIONS }, (_, i) => `fault-${i}`);
    const running = ids.map((id) => interview(id));
    // Kill the service hard once a good part of the answers are in, with many turns in flight.
    while (acknowledgedTotal < CONVERSATIONS * 10) await new Promise((r) => setTimeout(r, 10));
    child.kill('SIGKILL');
    await Promise.all(running);
    const beforeCrash = acknowledgedTotal;
    expect(finished.size, 'not every interview is done before the crash').to.be.below(CONVERSATIONS);

    child = await startService();
    await Promise.all(ids.filter((id) => !finished.has(id)).map((id) => interview(id)));
    expect([...finished].sort()).to.deep.equal([...ids].sort());
    expect(acknowledgedTotal).to.be.greaterThan(beforeCrash);
    // No acknowledged answer was lost: had one been, its question would have been asked again.
    for (const id of ids) expect(acknowledged.get(id)!.length, `${id} answered ${acknowledged.get(id)!.length} times`).to.be.at.most(pairs.length);

    // Every confirmed case exists once per conversation, with every answer it was given.
    const cases = await readCases(dataDir);
    expect(cases).to.have.length(CONVERSATIONS);
    expect(new Set(cases.map((c) => c.conversation.conversationId)).size).to.equal(CONVERSATIONS);
    for (const c of cases) {
      expect(c.answers['what_matters'], c.conversation.conversationId).to.deep.equal({ kind: 'text', text: 'Att kunna bo kvar hemma och träffa mina barnbarn.' });
      expect(c.answers['personnummer']).to.deep.equal({ kind: 'text', text: '19811218-9876' });
    }
    // And each is delivered exactly once, also those whose delivery the crash interrupted.
    const deadline = Date.now() + 20000;
    while (deliveries.size < CONVERSATIONS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 500));
    expect(deliveries.size).to.equal(CONVERSATIONS);
    expect([...deliveries.values()].every((n) => n === 1), `deliveries per case: ${[...deliveries.values()].join(',')}`).to.equal(true);
    child.kill('SIGTERM');
  });
});
