/**
 * GET /metrics as an operator's Prometheus scrapes it: after a whole interview (with a cry for help
 * and Skatteverket's test personnummer among the answers), a delivery that fails and a refused staff
 * sign-in, the counters have moved, and nothing a resident wrote, no personnummer, conversation or
 * case reference appears in any label or value. And who may read it: this machine only, unless a
 * token is set.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { expect } from 'chai';
import { createApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { CONFIRM_AND_SHARE, SELF_ANSWERS } from './helpers/answers.js';
import { REPO_ROOT, removeDir, tempDir } from './helpers/harness.js';
import { freePort } from './helpers/service-process.js';
import { contentWithWebhook } from './helpers/webhook-receiver.js';
import { channelLabel } from '../src/ops/metrics.js';
import { KNOWN_CHANNELS } from '../src/bot/inbound-activity.js';
import { until } from './helpers/wait.js';

/**
 * A free-text answer with a cry for help in it, in place of the first free-text answer: clear present
 * danger ("ibland vill jag inte leva längre" would get the direct question first, the unsure level).
 */
const CRY = 'Jag bor ensam och i kväll tänker jag ta livet av mig.';
// After the cry for help the person declines the offer to send it at once: the case is sent at the end.
const ANSWERS = SELF_ANSWERS.flatMap((a) => (a.startsWith('Jag bor ensam i en lägenhet') ? [CRY, 'Nej, skicka inte'] : [a]));
const TOKEN = 'metrics-token-for-the-test-0123456789abcdef';

/** The samples of a Prometheus text exposition: name, labels and value of each line. */
function samples(text: string): Array<{ name: string; labels: Record<string, string>; value: number }> {
  return text
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((line) => {
      const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/u.exec(line);
      if (!m) throw new Error(`not a sample line: ${line}`);
      const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/gu)].map((l) => [l[1]!, l[2]!]));
      return { name: m[1]!, labels, value: Number(m[3]) };
    });
}

function value(text: string, name: string, labels: Record<string, string> = {}): number {
  const found = samples(text).filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return found.reduce((sum, s) => sum + s.value, 0);
}

describe('metrics for monitoring (GET /metrics)', function () {
  this.timeout(90_000);
  let dir: string;
  let app: App | undefined;
  let url: string;

  async function start(extra: Record<string, string> = {}): Promise<void> {
    // Karlstad's contact point delivers to a webhook where nothing listens: every attempt fails.
    const contentDir = await contentWithWebhook(dir, `http://127.0.0.1:${await freePort()}/hook`, 'METRICS_TEST_WEBHOOK_SECRET');
    const config = loadConfig(
      { DATA_DIR: path.join(dir, 'data'), CONTENT_DIR: contentDir, LOG_LEVEL: 'silent', OUTBOX_INTERVAL_MS: '50', OUTBOX_RETRY_BASE_MS: '20', ...extra },
      REPO_ROOT,
    );
    app = await createApp({ ...config, port: 0 }, createLogger('silent'));
    ({ url } = await app.listen());
  }

  before(() => {
    process.env['METRICS_TEST_WEBHOOK_SECRET'] = 'metrics-test-secret-0123456789abcdef';
  });
  after(() => {
    delete process.env['METRICS_TEST_WEBHOOK_SECRET'];
  });
  beforeEach(async () => {
    dir = await tempDir('intake-metrics-');
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    await removeDir(dir);
  });

  const scrape = async (headers: Record<string, string> = {}) => {
    const res = await fetch(`${url}/metrics`, { headers });
    return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
  };

  it('counts a whole interview, its risk alarm, its case and a failing delivery, and shows none of what was written', async () => {
    await start();
    const conversationId = `metrics-${randomUUID()}`;
    let turns = 0;
    const send = async (activity: Record<string, unknown>) => {
      turns += 1;
      const res = await fetch(`${url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          channelId: 'emulator',
          serviceUrl: url,
          conversation: { id: conversationId },
          from: { id: 'resident-1', name: 'Testa Testsson' },
          recipient: { id: 'bot' },
          locale: 'sv-SE',
          deliveryMode: 'expectReplies',
          id: randomUUID(),
          ...activity,
        }),
      });
      expect(res.status).to.equal(200);
      const body = (await res.json()) as { activities?: Array<{ text?: string; attachments?: unknown[] }> };
      return JSON.stringify(body.activities ?? []);
    };
    await send({ type: 'conversationUpdate', membersAdded: [{ id: 'resident-1' }] });
    let last = '';
    for (const text of [...ANSWERS, ...CONFIRM_AND_SHARE]) last = await send({ type: 'message', text });
    const reference = /NV-\d{4}-\d{6}/u.exec(last)?.[0];
    expect(reference, `the interview ended in a case: ${last.slice(0, 400)}`).to.be.a('string');

    // A refused staff sign-in.
    const login = await fetch(`${url}/staff/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'anna@karlstad.test', password: 'wrong-password-1234' }) });
    expect(login.status).to.equal(401);

    await until(async () => value((await scrape()).text, 'narvard_delivery_attempts_total', { target: 'webhook', outcome: 'failed' }) >= 1, 'a failed webhook delivery', 15000, 50);
    await until(async () => value((await scrape()).text, 'narvard_urgent_cases_waiting') === 1, 'the urgent case counted as waiting', 15000, 50);
    const { status, type, text } = await scrape();
    expect(status).to.equal(200);
    expect(type).to.match(/^text\/plain; version=0\.0\.4/u);

    expect(value(text, 'narvard_turns_total', { channel: 'emulator', outcome: 'ok' })).to.equal(turns);
    expect(value(text, 'narvard_turns_total', { outcome: 'error' })).to.equal(0);
    expect(value(text, 'narvard_turn_duration_seconds_count', { channel: 'emulator' })).to.equal(turns);
    expect(value(text, 'narvard_risk_alarms_total', { level: 'acute' })).to.equal(1);
    expect(value(text, 'narvard_cases_created_total', { urgent: 'true' })).to.equal(1);
    expect(value(text, 'narvard_cases_created_total', { urgent: 'false' })).to.equal(0);
    expect(value(text, 'narvard_outbox_items', { target: 'webhook' }), 'the failing webhook delivery still waits').to.equal(1);
    expect(value(text, 'narvard_urgent_case_oldest_wait_seconds')).to.be.within(0, 60);
    expect(value(text, 'narvard_staff_signin_failures_total', { reason: 'password' }), 'an unknown account too (not audited)').to.equal(1);
    expect(value(text, 'narvard_process_resident_memory_bytes')).to.be.greaterThan(0);

    // Nothing a resident wrote, nor who they are, nor which conversation or case.
    const written = [...ANSWERS, ...CONFIRM_AND_SHARE].filter((a) => a.length > 4);
    for (const secret of [...written, CRY, 'vill jag inte leva', '19811218-9876', '198112189876', '811218-9876', '8112189876', '070-123 45 67', '0701234567', 'Testa Testsson', conversationId, reference!]) {
      expect(text.includes(secret), `"${secret}" in /metrics`).to.equal(false);
    }
    // Every label value is one of a small fixed set.
    const allowed: Record<string, RegExp> = {
      channel: new RegExp(`^(${[...KNOWN_CHANNELS, 'other'].join('|')})$`, 'u'),
      outcome: /^(ok|error|delivered|failed)$/u,
      level: /^(acute|unsure)$/u,
      urgent: /^(true|false)$/u,
      target: /^(email|webhook|teams|handoff)$/u,
      status: /^(pending|failing)$/u,
      reason: /^(password|locked|entra)$/u,
    };
    for (const s of samples(text).filter((s) => s.name.startsWith('narvard_') && !s.name.startsWith('narvard_process_') && !s.name.startsWith('narvard_nodejs_'))) {
      for (const [label, v] of Object.entries(s.labels)) {
        if (label === 'le') continue;
        expect(allowed[label], `label ${label} of ${s.name}`).to.not.equal(undefined);
        expect(v, `${s.name}{${label}}`).to.match(allowed[label]!);
      }
    }
  });

  it('never names a channel id a client made up (refused before the bot; counted as "other" if it got there)', async () => {
    await start();
    const res = await fetch(`${url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', text: 'hej', channelId: 'Anna Andersson 19811218-9876', serviceUrl: url, conversation: { id: 'c-1' }, from: { id: 'u' }, recipient: { id: 'b' }, deliveryMode: 'expectReplies' }),
    });
    expect(res.status).to.equal(400);
    const { text } = await scrape();
    expect(value(text, 'narvard_turns_total', { outcome: 'ok' })).to.equal(0);
    expect(channelLabel('Anna Andersson 19811218-9876')).to.equal('other');
    expect(channelLabel('msteams')).to.equal('msteams');
    expect(text).to.not.include('Anna Andersson');
    expect(text).to.not.include('19811218');
  });

  it('is served only to this machine by default: a request a proxy forwarded is refused', async () => {
    await start();
    expect((await scrape()).status).to.equal(200);
    for (const header of [{ 'x-forwarded-for': '203.0.113.7' }, { forwarded: 'for=203.0.113.7' }, { 'x-real-ip': '203.0.113.7' }] as Array<Record<string, string>>) {
      const refused = await scrape(header);
      expect(refused.status, JSON.stringify(header)).to.equal(403);
      expect(refused.text).to.include('set METRICS_TOKEN');
      expect(refused.text).to.not.include('narvard_turns_total');
    }
  });

  it('with METRICS_TOKEN, asks every reader for the token', async () => {
    await start({ METRICS_TOKEN: TOKEN });
    expect((await scrape()).status, 'no token, even from this machine').to.equal(401);
    expect((await scrape({ authorization: 'Bearer not-the-token' })).status).to.equal(401);
    const ok = await scrape({ authorization: `Bearer ${TOKEN}`, 'x-forwarded-for': '203.0.113.7' });
    expect(ok.status).to.equal(200);
    expect(ok.text).to.include('narvard_turns_total');
  });
});
