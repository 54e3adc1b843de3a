/**
 * Delivery of new cases through the durable outbox: a real SMTP server (smtp-server) on 127.0.0.1
 * receives the mails, a loopback receiver checks the webhook's HMAC signature, a target that is down
 * keeps the case until it is back and then gets it exactly once, also across a restart, and urgent
 * cases nobody takes are sent again as reminders.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';
import { createApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import type { OutboxItem } from '../src/core/delivery.js';
import { newCopySecret } from '../src/core/person-copy.js';
import { CONFIRM_AND_SHARE, SELF_ANSWERS } from './helpers/answers.js';
import { KARLSTAD_BISTAND, REGION_VARDCENTRAL, caseDraft } from './helpers/cases.js';
import { REPO_ROOT, removeDir, startConversation, tempDir } from './helpers/harness.js';
import { until } from './helpers/wait.js';


const SECRET = 'test-webhook-secret-karlstad-0123456789';

interface Mail {
  to: string[];
  raw: string;
  subject: string;
  text: string;
}

class MailServer {
  readonly mails: Mail[] = [];
  private server?: SMTPServer;
  port = 0;

  async start(): Promise<void> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData: (stream, session, callback) => {
        let raw = '';
        stream.on('data', (d: Buffer) => (raw += d.toString('utf8')));
        stream.on('end', () => {
          void simpleParser(raw).then((parsed) => {
            this.mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw, subject: parsed.subject ?? '', text: parsed.text ?? '' });
            callback();
          }, callback);
        });
      },
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.server.address() as AddressInfo).port;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server?.close(() => resolve()));
  }
}

/** A case system's endpoint: answers 503 while "down", checks the signature when up. */
class WebhookReceiver {
  readonly received: Array<{ body: Record<string, unknown>; signatureOk: boolean; idempotencyKey?: string }> = [];
  up = true;
  attempts = 0;
  private server?: http.Server;
  url = '';

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (d: Buffer) => (raw += d.toString()));
      req.on('end', () => {
        this.attempts += 1;
        // (restify, loaded in this process, changes what writeHead returns: no chaining.)
        if (!this.up) {
          res.writeHead(503);
          res.end();
          return;
        }
        const timestamp = String(req.headers['x-narvard-timestamp'] ?? '');
        const expected = Buffer.from(`sha256=${createHmac('sha256', SECRET).update(`${timestamp}.${raw}`).digest('hex')}`);
        const given = Buffer.from(String(req.headers['x-narvard-signature'] ?? ''));
        const signatureOk = expected.length === given.length && timingSafeEqual(expected, given);
        this.received.push({ body: JSON.parse(raw) as Record<string, unknown>, signatureOk, idempotencyKey: req.headers['idempotency-key'] as string | undefined });
        res.writeHead(signatureOk ? 200 : 401);
        res.end();
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  stop(): Promise<void> {
    return new Promise((r) => this.server?.close(() => r()));
  }
}

/** A copy of the content where Karlstad's elderly-care contact point has real (test) targets. */
async function contentWithTargets(dir: string, webhookUrl: string): Promise<string> {
  const dataDir = path.join(dir, 'content');
  await cp(path.join(REPO_ROOT, 'data'), dataDir, { recursive: true });
  const file = path.join(dataDir, 'directory.yaml');
  const yaml = await readFile(file, 'utf8');
  const replaced = yaml.replace(
    'delivery: { email: bistand@karlstad.example, example: true }',
    `delivery: { email: intag-bistand@karlstad.test, webhook: '${webhookUrl}', webhookSecretEnv: KARLSTAD_WEBHOOK_SECRET }`,
  );
  if (replaced === yaml) throw new Error('the test could not find Karlstad\'s delivery line in directory.yaml');
  await writeFile(file, replaced);
  return dataDir;
}

describe('delivery of new cases (outbox, e-mail, webhook)', function () {
  this.timeout(60000);
  const mail = new MailServer();
  const hook = new WebhookReceiver();
  let dir: string;
  let contentDir: string;
  let app: App | undefined;

  const env = (extra: Record<string, string> = {}) => ({
    DATA_DIR: path.join(dir, 'data'),
    CONTENT_DIR: contentDir,
    LOG_LEVEL: 'silent',
    SMTP_URL: `smtp://127.0.0.1:${mail.port}`,
    OUTBOX_INTERVAL_MS: '50',
    OUTBOX_RETRY_BASE_MS: '20',
    URGENT_REMINDER_MINUTES: '0',
    ...extra,
  });

  async function start(extra: Record<string, string> = {}): Promise<App> {
    const config = loadConfig(env(extra), REPO_ROOT);
    const started = await createApp({ ...config, port: 0 }, createLogger('silent'));
    await started.listen();
    return started;
  }

  before(async () => {
    process.env['KARLSTAD_WEBHOOK_SECRET'] = SECRET;
    await mail.start();
    await hook.start();
  });
  after(async () => {
    delete process.env['KARLSTAD_WEBHOOK_SECRET'];
    await mail.stop();
    await hook.stop();
  });
  beforeEach(async () => {
    dir = await tempDir('intake-delivery-');
    contentDir = await contentWithTargets(dir, hook.url);
    mail.mails.splice(0);
    hook.received.splice(0);
    hook.attempts = 0;
    hook.up = true;
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    await removeDir(dir);
  });

  it('mails the contact point (reference, urgency, link; no health data) and posts a signed webhook, once', async () => {
    app = await start();
    const record = await app.cases.create(caseDraft([KARLSTAD_BISTAND, REGION_VARDCENTRAL], { urgent: true }));
    await app.delivery.caseCreated(record.reference);
    await until(() => mail.mails.length === 1 && hook.received.length === 1, 'the mail and the webhook');

    const [m] = mail.mails;
    expect(m!.to).to.deep.equal(['intag-bistand@karlstad.test']);
    expect(m!.subject).to.equal(`BRÅDSKANDE: nytt ärende ${record.reference}`);
    expect(m!.text).to.include(`/staff/#/cases/${record.reference}`);
    expect(m!.text).to.include('Kommun: Karlstads kommun');
    expect(m!.text).not.to.include('trappan');
    expect(m!.raw).not.to.include('19811218-9876');

    const [h] = hook.received;
    expect(h!.signatureOk).to.equal(true);
    expect(h!.body).to.include({ event: 'case.created', reference: record.reference, urgent: true });
    expect(h!.body['summaryText']).to.include('trappan');
    expect(h!.idempotencyKey).to.be.a('string');

    // The region's contact point has only an example address: skipped, visibly, never sent.
    // (The receiver has the request a moment before the outbox records the delivery.)
    await until(async () => (await app!.outbox.forCase(record.reference)).every((i) => i.status !== 'pending'), 'the outbox to record the deliveries');
    const items = await app.outbox.forCase(record.reference);
    expect(items.map((i) => [i.organisationId, i.target.kind, i.status]).sort()).to.deep.equal([
      ['karlstad', 'email', 'delivered'],
      ['karlstad', 'webhook', 'delivered'],
      ['region_varmland', 'email', 'skipped'],
    ]);
    await app.delivery.runOnce();
    await new Promise((r) => setTimeout(r, 200));
    expect(mail.mails).to.have.length(1);
    expect(hook.received).to.have.length(1);
  });

  it('puts the key facts first: the mail (nothing that identifies anyone) and the webhook\'s text (who, who wrote, where, urgency and why, what may be read, how to reach them in their own words); never the person\'s copy', async () => {
    app = await start();
    const copy = newCopySecret();
    const draft = caseDraft([{ ...KARLSTAD_BISTAND, transcript: false }], { urgent: true, phone: '070-174 06 42', name: 'Greta Testsson' });
    const record = await app.cases.create({
      ...draft,
      respondent: 'other',
      answers: {
        ...draft.answers,
        relation: { kind: 'choice', option: 'child' },
        contact_name: { kind: 'text', text: 'Maria Testsson' },
        contact_way: { kind: 'choice', option: 'phone', note: 'Ring mig först, inte pappa' },
      },
      riskCategories: ['suicide_self_harm'],
      risk: { triggers: [{ sentence: 'han sa i går att han ska skjuta sig', level: 'acute', category: 'suicide_self_harm' }] },
      personCopy: { tokenHash: copy.hash, locale: 'sv', summary: { title: 'Din sammanfattning', recipients: 'Kopians mottagare', sections: [] } },
    });
    await app.delivery.caseCreated(record.reference);
    await until(() => mail.mails.length === 1 && hook.received.length === 1, 'the mail and the webhook');

    // The mail, read on a phone: the facts first, none that identifies the person or says why.
    const lines = mail.mails[0]!.text.split('\n').filter((l) => l.trim());
    expect(lines.slice(0, 5)).to.deep.equal([
      'Brådskande: ja',
      'Kommun: Karlstads kommun',
      'Svaren lämnades av: en närstående (personens barn)',
      'Får läsas: bara sammanfattningen (hela samtalet godkändes inte)',
      `Referens: ${record.reference}`,
    ]);
    for (const secret of ['Greta', 'Maria', '19811218-9876', '070-174', 'skjuta', 'självmord', 'Ring mig', copy.hash]) expect(mail.mails[0]!.raw, secret).not.to.include(secret);

    // The webhook: the key facts first in the text a case worker reads, and as data.
    const body = hook.received[0]!.body;
    expect((body['keyFacts'] as Array<{ id: string }>).map((f) => f.id).slice(0, 7)).to.deep.equal(['person', 'answeredBy', 'municipality', 'urgency', 'shared', 'reach', 'contactWay']);
    const text = (body['summaryText'] as string).split('\n');
    expect(text.slice(0, 8)).to.deep.equal([
      'NYCKELUPPGIFTER',
      'Personen: Greta Testsson, 19811218-9876',
      'Svaren lämnades av: Maria Testsson (personens barn)',
      'Bor i: Karlstads kommun',
      'Brådskande: ja – larm (akut), tankar på självmord eller självskada: ”han sa i går att han ska skjuta sig”',
      'Får läsas: bara sammanfattningen (hela samtalet godkändes inte)',
      'Nås på: 070-174 06 42',
      'Vill bli kontaktad: per telefon – ”Ring mig först, inte pappa”',
    ]);
    expect(body['summaryText'], 'then the summary').to.include('SAMMANFATTNING\nSammanfattning\nVardagen just nu: Jag bor ensam och trappan är svår.');
    const raw = JSON.stringify(body);
    expect(raw).not.to.include('personCopy');
    expect(raw).not.to.include(copy.hash);
    expect(raw).not.to.include('Kopians mottagare');
  });

  it('keeps a case while the case system is down, shows it failing, and delivers it exactly once when back, across a restart', async () => {
    hook.up = false;
    app = await start();
    const record = await app.cases.create(caseDraft([KARLSTAD_BISTAND]));
    await app.delivery.caseCreated(record.reference);
    const webhookItem = async (a: App) => (await a.outbox.forCase(record.reference)).find((i) => i.target.kind === 'webhook') as OutboxItem;
    await until(async () => (await webhookItem(app!)).status === 'failing', 'the webhook delivery to be marked failing');
    const failing = await webhookItem(app);
    expect(failing.attempts).to.be.at.least(5);
    expect(failing.lastError).to.include('503');
    expect(mail.mails).to.have.length(1);

    await app.close();
    app = undefined;
    hook.up = true;
    const attemptsBefore = hook.attempts;
    app = await start();
    await until(async () => (await webhookItem(app!)).status === 'delivered', 'the webhook delivery after the restart');
    await new Promise((r) => setTimeout(r, 300));
    expect(hook.received).to.have.length(1);
    expect(hook.attempts - attemptsBefore).to.equal(1);
    expect(mail.mails).to.have.length(1);
  });

  it('sends an urgent case nobody has taken again as a reminder, once', async () => {
    app = await start({ URGENT_REMINDER_MINUTES: '1' });
    const old = new Date(Date.now() - 3 * 60_000).toISOString();
    const record = await app.cases.create(caseDraft([KARLSTAD_BISTAND], { urgent: true, createdAt: old }));
    await app.delivery.caseCreated(record.reference);
    await until(() => mail.mails.length >= 2, 'the reminder');
    expect(mail.mails[1]!.subject).to.equal(`Påminnelse: brådskande ärende ${record.reference} är inte taget`);
    await new Promise((r) => setTimeout(r, 300));
    expect(mail.mails).to.have.length(2);
  });

  it('a confirmed interview puts one delivery per consented target in the outbox before the person is told', async () => {
    const convo = await startConversation({ dataDir: path.join(dir, 'data'), env: { CONTENT_DIR: contentDir, SMTP_URL: `smtp://127.0.0.1:${mail.port}` } });
    try {
      await convo.join();
      await convo.sayAll([...SELF_ANSWERS, ...CONFIRM_AND_SHARE]);
      const all = await convo.stack.outbox.all();
      // Karlstad elderly care (e-mail + webhook), Karlstad home health (example: skipped); the
      // vårdcentral was declined, so nothing is queued for it.
      expect(all.map((i) => `${i.recipientKey} ${i.target.kind} ${i.status === 'skipped' ? 'skipped' : 'queued'}`).sort()).to.deep.equal([
        'karlstad:bistand email queued',
        'karlstad:bistand webhook queued',
        'karlstad:hemsjukvard email skipped',
      ]);
    } finally {
      await convo.close();
    }
  });
});
