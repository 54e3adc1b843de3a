/**
 * The embedded store under a hard crash: many interviews run at once against the real service in a
 * child process, which is killed with SIGKILL in the middle and started again on the same data
 * folder. Afterwards every answer the service acknowledged is stored, every interview can be
 * finished, every confirmed case exists exactly once and is delivered exactly once.
 */
import { expect } from 'chai';
import path from 'node:path';
import { learnInterview } from './helpers/interview-script.js';
import { freePort, startService, type ServiceProcess } from './helpers/service-process.js';
import { readCases } from './helpers/stored.js';
import { removeDir, tempDir } from './helpers/harness.js';
import { WebhookReceiver, contentWithWebhook } from './helpers/webhook-receiver.js';

const SECRET = 'fault-test-webhook-secret-0123456789';
const CONVERSATIONS = 12;

describe('a crash of the embedded store (SIGKILL in the middle of many interviews)', function () {
  this.timeout(180000);
  let dir: string;
  const receiver = new WebhookReceiver(SECRET);
  let child: ServiceProcess | undefined;

  before(async () => {
    await receiver.start();
    dir = await tempDir('intake-faults-');
  });
  after(async () => {
    await child?.kill('SIGKILL');
    await receiver.stop();
    await removeDir(dir);
  });

  it('keeps every acknowledged answer, finishes every interview, and creates and delivers each case exactly once', async () => {
    const script = await learnInterview();
    const pairs = script.steps;
    const contentDir = await contentWithWebhook(dir, receiver.url);

    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const dataDir = path.join(dir, 'data');
    const start = () =>
      startService({
        port,
        env: { DATA_DIR: dataDir, CONTENT_DIR: contentDir, LOG_LEVEL: 'silent', OUTBOX_INTERVAL_MS: '50', OUTBOX_RETRY_BASE_MS: '20', URGENT_REMINDER_MINUTES: '0', KARLSTAD_WEBHOOK_SECRET: SECRET },
      });

    /** One message over HTTP with the replies in the response; undefined when not acknowledged. */
    const send = async (conversationId: string, activity: Record<string, unknown>): Promise<string | undefined> => {
      try {
        const res = await fetch(`${url}/api/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            channelId: 'test',
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
        const asked = script.stepFor(replies);
        if (asked === undefined) throw new Error(`${conversationId}: no known question in "${replies.slice(-200)}"`);
        const answer = pairs[asked]!.answer;
        replies = await send(conversationId, { type: 'message', text: answer });
        if (replies !== undefined) {
          acknowledged.get(conversationId)!.push(answer);
          acknowledgedTotal += 1;
        }
      }
    };

    child = await start();
    const ids = Array.from({ length: CONVERSATIONS }, (_, i) => `fault-${i}`);
    const running = ids.map((id) => interview(id));
    // Kill the service hard once a good part of the answers are in, with many turns in flight.
    while (acknowledgedTotal < CONVERSATIONS * 10) await new Promise((r) => setTimeout(r, 10));
    const killed = child.kill('SIGKILL');
    await Promise.all(running);
    await killed;
    const beforeCrash = acknowledgedTotal;
    expect(finished.size, 'not every interview is done before the crash').to.be.below(CONVERSATIONS);

    child = await start();
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
    while (receiver.counts().size < CONVERSATIONS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 500));
    const deliveries = receiver.counts();
    expect(deliveries.size).to.equal(CONVERSATIONS);
    expect([...deliveries.values()].every((n) => n === 1), `deliveries per case: ${[...deliveries.values()].join(',')}`).to.equal(true);
    await child.kill('SIGTERM');
  });
});
