/**
 * The service over real HTTP on 127.0.0.1: /api/messages through CloudAdapter with replies to a
 * loopback fake Bot Connector, expectReplies, authentication, health and readiness, and the JSON
 * errors a channel or an installer sees when something is wrong.
 */
import { existsSync } from 'node:fs';
import http from 'node:http';
import { readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { createApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { FakeConnector, residentActivity } from './helpers/fake-connector.js';
import { REPO_ROOT, removeDir, tempDir } from './helpers/harness.js';

interface Running {
  app: App;
  url: string;
  dataDir: string;
}

async function start(env: Record<string, string> = {}): Promise<Running> {
  const dataDir = await tempDir('intake-http-');
  const config = loadConfig({ DATA_DIR: dataDir, HOST: '127.0.0.1', LOG_LEVEL: 'silent', ...env }, REPO_ROOT);
  // Port 0: any free port, so tests never collide with a running assistant.
  const app = await createApp({ ...config, port: 0 }, createLogger('silent'));
  const { url } = await app.listen();
  return { app, url, dataDir };
}

async function stop(r: Running | undefined): Promise<void> {
  if (!r) return;
  await r.app.close();
  await removeDir(r.dataDir);
}

let seq = 0;
function activity(connector: FakeConnector, conversationId: string, extra: Record<string, unknown>): Record<string, unknown> {
  return residentActivity(connector.url, conversationId, `act-${++seq}`, extra);
}

function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function filesUnder(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

describe('the HTTP service', function () {
  this.timeout(30000);
  const connector = new FakeConnector();
  let running: Running | undefined;

  before(() => connector.start());
  after(() => connector.stop());
  beforeEach(() => connector.calls.splice(0));
  afterEach(async () => {
    await stop(running);
    running = undefined;
  });

  it('answers a new conversation through the Bot Connector, replies threaded to the activity', async () => {
    running = await start();
    const conversationId = `http-${randomUUID()}`;
    const join = activity(connector, conversationId, { type: 'conversationUpdate', membersAdded: [{ id: 'resident-1' }] });
    const res = await post(running.url, join);
    expect(res.status).to.be.oneOf([200, 201, 202]);
    await connector.waitFor(1);
    const greeting = connector.calls[0]!;
    expect(greeting.method).to.equal('POST');
    expect(greeting.path).to.equal(`/v3/conversations/${encodeURIComponent(conversationId)}/activities/${join['id'] as string}`);
    expect(greeting.body['replyToId']).to.equal(join['id']);
    expect(connector.texts().join('\n')).to.include('automatisk assistent');
    // No app id configured: the bot sends without a token, as the Emulator expects.
    expect(greeting.authorization).to.equal(undefined);
  });

  it('keeps a conversation across requests: state and transcript land on disk', async () => {
    running = await start();
    const conversationId = `http-${randomUUID()}`;
    await post(running.url, activity(connector, conversationId, { type: 'conversationUpdate', membersAdded: [{ id: 'resident-1' }] }));
    await post(running.url, activity(connector, conversationId, { text: 'ja' }));
    const before = connector.calls.length;
    await post(running.url, activity(connector, conversationId, { text: 'för mig själv' }));
    await connector.waitFor(before + 1);
    const reply = connector.texts().slice(before).join('\n');
    expect(reply).to.match(/kommun/iu);
    await running.app.transcripts.flush();
    const files = await filesUnder(running.dataDir);
    expect(files.some((f) => f.startsWith(`state${path.sep}`))).to.equal(true);
    expect(files.some((f) => f.startsWith(`transcripts${path.sep}`))).to.equal(true);
    const transcript = await running.app.transcripts.getTranscriptActivities('emulator', conversationId);
    const userTexts = transcript.items.filter((a) => a.type === 'message' && a.from?.role === 'user').map((a) => a.text);
    expect(userTexts).to.deep.equal(['ja', 'för mig själv']);
  });

  it('returns the replies in the response for deliveryMode expectReplies, with no connector call', async () => {
    running = await start();
    const res = await post(
      running.url,
      activity(connector, `http-${randomUUID()}`, { type: 'conversationUpdate', membersAdded: [{ id: 'resident-1' }], deliveryMode: 'expectReplies' }),
    );
    expect(res.status).to.equal(200);
    const body = (await res.json()) as { activities: Array<{ text?: string }> };
    expect(body.activities.map((a) => a.text ?? '').join('\n')).to.include('Vill du fortsätta?');
    expect(connector.calls).to.have.length(0);
  });

  it('handles two messages of one conversation sent at once in order, losing neither', async () => {
    running = await start();
    const conversationId = `http-${randomUUID()}`;
    await post(running.url, activity(connector, conversationId, { type: 'conversationUpdate', membersAdded: [{ id: 'resident-1' }] }));
    // A slow connector keeps the first turn busy; the second message (a double click) arrives
    // during it and must wait for it, not overtake it or overwrite its state.
    connector.delayMs = 100;
    const first = post(running.url, activity(connector, conversationId, { text: 'ja' }));
    await new Promise((r) => setTimeout(r, 40));
    const second = post(running.url, activity(connector, conversationId, { text: 'för mig själv' }));
    const statuses = (await Promise.all([first, second])).map((r) => r.status);
    connector.delayMs = 0;
    expect(statuses.every((s) => s >= 200 && s < 300)).to.equal(true);
    // The next answer is taken as the municipality: only possible if both earlier answers were kept.
    const before = connector.calls.length;
    await post(running.url, activity(connector, conversationId, { text: 'Karlstad' }));
    expect(connector.texts().slice(before).join('\n')).not.to.match(/förstod inte|kommun bor/iu);
    const state = await running.app.transcripts.getTranscriptActivities('emulator', conversationId);
    expect(state.items.filter((a) => a.type === 'message' && a.from?.role === 'user').map((a) => a.text)).to.deep.equal(['ja', 'för mig själv', 'Karlstad']);
  });

  it('rejects requests without a Bot Connector token once an app id is configured (401), without any network call', async () => {
    running = await start({ MicrosoftAppId: randomUUID(), MicrosoftAppPassword: 'test-secret-not-real' });
    const res = await post(running.url, activity(connector, `http-${randomUUID()}`, { text: 'hej' }));
    expect(res.status).to.equal(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).to.equal('Unauthorized');
    expect(connector.calls).to.have.length(0);
    expect(await filesUnder(path.join(running.dataDir, 'state'))).to.have.length(0);
  });

  it('answers malformed requests with a JSON error and a status that says why', async () => {
    running = await start({ MAX_BODY_BYTES: '2048' });
    const badJson = await post(running.url, '{"type": "message", ');
    expect(badJson.status).to.equal(400);
    expect(((await badJson.json()) as { error: { code: string } }).error.code).to.be.a('string');

    const notAnObject = await post(running.url, '[1,2]');
    expect(notAnObject.status).to.equal(400);

    const noType = await post(running.url, { conversation: { id: 'x' }, serviceUrl: connector.url, channelId: 'emulator' });
    expect(noType.status).to.equal(400);
    expect(((await noType.json()) as { error: { message: string } }).error.message).to.include('activity.type');

    const tooLarge = await post(running.url, activity(connector, 'x', { text: 'å'.repeat(4000) }));
    expect(tooLarge.status).to.equal(413);
    expect(((await tooLarge.json()) as { error: { code: string } }).error.code).to.equal('PayloadTooLarge');

    const unknown = await fetch(`${running.url}/api/nothing-here`);
    expect(unknown.status).to.equal(404);
    expect(await unknown.json()).to.have.nested.property('error.code');

    expect(connector.calls).to.have.length(0);
  });

  it('reports health always and readiness only while the store can be written', async () => {
    running = await start();
    const health = await fetch(`${running.url}/healthz`);
    expect(health.status).to.equal(200);
    const ready = await fetch(`${running.url}/readyz`);
    expect(ready.status).to.equal(200);
    expect(await ready.json()).to.deep.include({ status: 'ready' });

    // The case folder disappears and a file takes its place: the store cannot be written.
    await rm(path.join(running.dataDir, 'cases'), { recursive: true, force: true });
    await writeFile(path.join(running.dataDir, 'cases'), 'not a folder');
    const notReady = await fetch(`${running.url}/readyz`);
    expect(notReady.status).to.equal(503);
    const body = (await notReady.json()) as { status: string; checks: Array<{ name: string; ok: boolean; error?: string }> };
    expect(body.status).to.equal('not ready');
    expect(body.checks.find((c) => c.name === 'store')).to.include({ ok: false });
    expect((await fetch(`${running.url}/healthz`)).status).to.equal(200);
  });
  it('serves the demo page, the widget and Web Chat from the installed package, gzipped', async () => {
    running = await start();
    const page = await fetch(`${running.url}/`);
    expect(page.status).to.equal(200);
    expect(page.headers.get('content-type')).to.include('text/html');
    expect(await page.text()).to.include('/widget.js');

    const widget = await fetch(`${running.url}/widget.js`, { headers: { 'accept-encoding': 'identity' } });
    expect(widget.status).to.equal(200);
    expect(widget.headers.get('content-type')).to.include('javascript');
    const widgetBytes = Buffer.byteLength(await widget.text());
    // An uptime check or a cache asking with HEAD: the same headers, no body.
    const head = await fetch(`${running.url}/widget.js`, { method: 'HEAD', headers: { 'accept-encoding': 'identity' } });
    expect(head.status).to.equal(200);
    expect(head.headers.get('content-type')).to.include('javascript');
    expect(head.headers.get('content-length')).to.equal(String(widgetBytes));
    expect(await head.text()).to.equal('');

    // fetch() unpacks gzip itself; ask node:http for the raw bytes to see the compression.
    const raw = await new Promise<{ encoding?: string; bytes: number }>((resolve, reject) => {
      http
        .get(`${running!.url}/webchat/webchat.js`, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
          let bytes = 0;
          res.on('data', (d: Buffer) => (bytes += d.length));
          res.on('end', () => resolve({ encoding: res.headers['content-encoding'], bytes }));
        })
        .on('error', reject);
    });
    expect(raw.encoding).to.equal('gzip');
    expect(raw.bytes).to.be.within(100_000, 1_500_000);
  });

  it('serves the widget texts from locales/, falling back to Swedish for an unknown language', async () => {
    running = await start();
    const sv = (await (await fetch(`${running.url}/widget/strings?lang=sv`)).json()) as { lang: string; strings: Record<string, unknown> };
    expect(sv.lang).to.equal('sv');
    expect(Object.keys(sv.strings).length).to.be.greaterThan(3);
    const unknown = (await (await fetch(`${running.url}/widget/strings?lang=xx`)).json()) as { lang: string };
    expect(unknown.lang).to.equal('sv');
  });

  it('renders the privacy and accessibility pages from markdown in locales/', async () => {
    running = await start();
    for (const route of ['/integritet', '/tillganglighet', '/villkor']) {
      const res = await fetch(`${running.url}${route}`);
      expect(res.status, route).to.equal(200);
      const html = await res.text();
      expect(html).to.match(/<html[^>]+lang="sv"/u);
      expect(html).to.match(/<title>[^<{]+<\/title>/u);
      expect(html).to.include('<h1');
      expect(html).not.to.include('{{');
    }
    // What is shared says the same as the chat asks (issue 18): the summary, the conversation only where chosen.
    const privacy = await (await fetch(`${running.url}/integritet`)).text();
    expect(privacy).to.include('Det som skickas är sammanfattningen');
    expect(privacy).to.include('kan de inte läsa');
  });
});
