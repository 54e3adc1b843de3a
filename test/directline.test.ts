/**
 * Our own Direct Line 3.0 endpoint, driven by Microsoft's client (botframework-directlinejs) as
 * Web Chat uses it: a whole interview, resume with a watermark and after a restart, token refresh,
 * the errors a browser can meet (403, 404, 413, 429), CORS for embedding pages, "Avsluta", and the
 * Azure Bot Service mode against a loopback stand-in for Azure.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { cp, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { createApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { TokenIssuer } from '../src/directline/tokens.js';
import { CONFIRM_AND_SHARE, SELF_ANSWERS_KARLSTAD_PRESET } from './helpers/answers.js';
import { DirectLineClient, generateToken, textsOf, type GeneratedToken } from './helpers/directline-client.js';
import { FakeConnector } from './helpers/fake-connector.js';
import { REPO_ROOT, removeDir, tempDir } from './helpers/harness.js';

interface Running {
  app: App;
  url: string;
}

async function start(dataDir: string, env: Record<string, string> = {}): Promise<Running> {
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...env }, REPO_ROOT);
  const app = await createApp({ ...config, port: 0 }, createLogger('silent'));
  const { url } = await app.listen();
  return { app, url };
}

function authed(token: string, extra: Record<string, string> = {}): Record<string, string> {
  return { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...extra };
}

async function startConversation(url: string, token: GeneratedToken): Promise<Response> {
  return fetch(`${url}/v3/directline/conversations`, { method: 'POST', headers: authed(token.token) });
}

describe('our Direct Line channel (botframework-directlinejs in polling mode)', function () {
  this.timeout(60000);
  let dataDir: string;
  let running: Running | undefined;
  let clients: DirectLineClient[] = [];

  const client = (token: GeneratedToken, options?: { conversationId?: string; watermark?: string }) => {
    const c = new DirectLineClient(token, options);
    clients.push(c);
    return c;
  };

  beforeEach(async () => {
    dataDir = await tempDir('intake-dl-');
  });
  afterEach(async () => {
    for (const c of clients) c.end();
    clients = [];
    await running?.app.close();
    running = undefined;
    await removeDir(dataDir);
  });

  it('holds a whole interview: greeting, echoes with server ids, threaded replies, summary card, case reference', async () => {
    running = await start(dataDir);
    const token = await generateToken(running.url, { municipality: '1780', locale: 'sv-SE' });
    expect(token.userId).to.match(/^nv_/u);
    expect(token.domain).to.equal(`${running.url}/v3/directline`);
    const dl = client(token);
    await dl.waitUntil((r) => textsOf(r).includes('Vill du fortsätta?'), 'the greeting');
    expect(textsOf(dl.received)).to.include('automatisk assistent');

    const id = await dl.post({ type: 'message', text: 'Ja', channelData: { clientActivityID: 'client-1' } });
    await dl.waitUntil((r) => r.some((a) => a.id === id), 'the echo');
    const echo = dl.received.find((a) => a.id === id)!;
    expect(echo.from.id).to.equal(token.userId);
    expect(echo.channelData).to.deep.equal({ clientActivityID: 'client-1' });
    expect(echo.timestamp).to.be.a('string');

    // Karlstad was preselected by the page: it is the suggested answer, confirmed, not taken for granted.
    const summary = await dl.sayAll(SELF_ANSWERS_KARLSTAD_PRESET.slice(1));
    expect(textsOf(dl.received)).to.include('Bor du i Karlstad?');
    expect(textsOf(dl.received)).not.to.include('Vilken kommun');
    const card = summary.flatMap((a) => a.attachments ?? []).find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive');
    expect(card, 'the summary as an Adaptive Card').to.exist;
    expect(textsOf(summary)).to.include('Karlstads kommun');

    const done = await dl.sayAll(CONFIRM_AND_SHARE);
    expect(textsOf(done)).to.match(/NV-\d{4}-000001/u);

    // Timestamps rise and watermarks never go back.
    const times = dl.received.map((a) => Date.parse(String(a.timestamp)));
    expect(times).to.deep.equal([...times].sort((a, b) => a - b));
    expect(new Set(dl.received.map((a) => a.id)).size).to.equal(dl.received.length);

    // Staff read the conversation the resident saw: every message, in order, with the page's ids.
    await running.app.transcripts.flush();
    const logged: Array<{ type?: string; id?: string; text?: string }> = [];
    let continuationToken: string | undefined;
    do {
      const page = await running.app.transcripts.getTranscriptActivities('directline', token.conversationId, continuationToken);
      logged.push(...page.items);
      continuationToken = page.continuationToken || undefined;
    } while (continuationToken);
    const messages = (list: Array<{ type?: string; id?: string; text?: string }>) => list.filter((a) => a.type === 'message').map((a) => `${a.id} ${a.text ?? ''}`);
    expect(messages(logged)).to.deep.equal(messages(dl.received));
  });

  it('starts a live-agent handoff (handoff.initiate) in the resident\'s conversation when a contact point asks for it', async () => {
    const contentDir = path.join(dataDir, 'content');
    await cp(path.join(REPO_ROOT, 'data'), contentDir, { recursive: true });
    const file = path.join(contentDir, 'directory.yaml');
    const yaml = await readFile(file, 'utf8');
    await writeFile(file, yaml.replace('delivery: { email: bistand@karlstad.example, example: true }', 'delivery: { handoff: true }'));
    running = await start(path.join(dataDir, 'data'), { CONTENT_DIR: contentDir, OUTBOX_INTERVAL_MS: '50', URGENT_REMINDER_MINUTES: '0' });
    const token = await generateToken(running.url, { municipality: '1780' });
    const dl = client(token);
    await dl.waitUntil((r) => textsOf(r).includes('Vill du fortsätta?'), 'the greeting');
    await dl.sayAll([...SELF_ANSWERS_KARLSTAD_PRESET, ...CONFIRM_AND_SHARE]);
    await dl.waitUntil((r) => r.some((a) => a.type === 'event' && a.name === 'handoff.initiate'), 'the handoff event');
    const handoff = dl.received.find((a) => a.type === 'event' && a.name === 'handoff.initiate')!;
    expect(handoff.value).to.deep.include({ caseReference: (await running.app.cases.references())[0] });
    expect((handoff.value as { contact: { contactType: string } }).contact.contactType).to.equal('bistand');
  });

  it('greets in the language the page asked for (lättläst svenska, English)', async () => {
    running = await start(dataDir);
    const easy = client(await generateToken(running.url, { locale: 'sv-lattlast' }));
    await easy.waitUntil((r) => r.length >= 3, 'the greeting');
    expect(textsOf(easy.received)).to.include('Jag är inte en människa och inte en läkare.');
    const english = client(await generateToken(running.url, { locale: 'en' }));
    await english.waitUntil((r) => r.length >= 3, 'the greeting');
    expect(textsOf(english.received)).to.include('not a person');
  });

  it('resumes with a watermark (only what is new) and from the start (the history on screen)', async () => {
    running = await start(dataDir);
    const token = await generateToken(running.url);
    const first = client(token);
    await first.waitUntil((r) => textsOf(r).includes('Vill du fortsätta?'), 'the greeting');
    await first.sayAll(['Ja', 'För mig själv']);
    const watermark = first.watermark;
    expect(Number(watermark)).to.be.greaterThan(4);
    const seen = first.received.length;
    first.end();

    // A reload: the page re-opens the same conversation with the history.
    const again = client(token, { conversationId: token.conversationId });
    await again.waitUntil((r) => r.length >= seen, 'the whole history');
    expect(again.received.map((a) => a.id)).to.deep.equal(first.received.map((a) => a.id));

    // With a watermark only newer activities come, and the conversation goes on.
    const resumed = client(token, { conversationId: token.conversationId, watermark });
    const replies = await resumed.say('Karlstad');
    expect(textsOf(replies)).not.to.match(/kommun bor/iu);
    expect(resumed.received.every((a) => Number(a.id!.split('|')[1]) > Number(watermark))).to.equal(true);
  });

  it('starts the conversation within tokens/generate when asked ({ start: true }), answering with the greeting and its watermark; Web Chat goes on from there', async () => {
    running = await start(dataDir);
    const started = (await generateToken(running.url, { municipality: '1780', locale: 'sv', start: true })) as GeneratedToken & { activities?: Array<{ id: string; type: string; text?: string; from: { role?: string } }>; watermark?: string };
    expect(started.activities, 'the greeting comes with the token').to.be.an('array');
    const greeting = started.activities!;
    expect(greeting.map((a) => a.text ?? '').join('\n')).to.include('Vill du fortsätta?');
    expect(greeting.every((a) => a.from.role === 'bot')).to.equal(true);
    expect(started.watermark).to.equal(greeting.at(-1)!.id.split('|')[1]!.replace(/^0+/u, ''));

    // Starting it again (as Web Chat would) does not greet twice.
    expect((await startConversation(running.url, started)).status).to.equal(200);
    const all = (await (await fetch(`${running.url}/v3/directline/conversations/${started.conversationId}/activities`, { headers: authed(started.token) })).json()) as { activities: Array<{ id: string }> };
    expect(all.activities.map((a) => a.id)).to.deep.equal(greeting.map((a) => a.id));

    // Web Chat's client from the watermark sees only what comes after the greeting.
    const dl = client(started, { conversationId: started.conversationId, watermark: started.watermark! });
    const replies = await dl.say('Ja');
    expect(textsOf(replies)).to.include('Svarar du för dig själv');
    expect(textsOf(dl.received)).not.to.include('Vill du fortsätta?');

    // Without start, tokens/generate only hands out the token, as Direct Line does.
    const plain = (await generateToken(running.url)) as GeneratedToken & { activities?: unknown };
    expect(plain.activities).to.equal(undefined);
    expect((await startConversation(running.url, plain)).status).to.equal(201);
  });

  it('continues after a restart of the service from the same data folder, with the same token', async () => {
    running = await start(dataDir);
    const token = await generateToken(running.url);
    const before = client(token);
    await before.waitUntil((r) => textsOf(r).includes('Vill du fortsätta?'), 'the greeting');
    await before.sayAll(['Ja', 'För mig själv']);
    before.end();
    await running.app.close();

    running = await start(dataDir);
    const moved = { ...token, domain: `${running.url}/v3/directline` };
    const after = client(moved, { conversationId: token.conversationId });
    await after.waitUntil((r) => textsOf(r).includes('För mig själv'), 'the history after the restart');
    const replies = await after.say('Karlstad');
    expect(textsOf(replies).length).to.be.greaterThan(0);
    expect(textsOf(replies)).not.to.match(/kommun bor/iu);
  });

  it('refreshes a token; an expired, forged or other conversation\'s token gets 403, an unknown conversation 404', async () => {
    running = await start(dataDir);
    const a = await generateToken(running.url);
    const b = await generateToken(running.url);
    expect((await startConversation(running.url, a)).status).to.equal(201);
    expect((await startConversation(running.url, a)).status, 'starting again only re-opens').to.equal(200);

    const refreshed = await fetch(`${running.url}/v3/directline/tokens/refresh`, { method: 'POST', headers: authed(a.token) });
    expect(refreshed.status).to.equal(200);
    const body = (await refreshed.json()) as { token: string; conversationId: string; expires_in: number };
    expect(body.conversationId).to.equal(a.conversationId);
    expect(body.expires_in).to.equal(30 * 60);
    const withNew = await fetch(`${running.url}/v3/directline/conversations/${a.conversationId}/activities`, { headers: authed(body.token) });
    expect(withNew.status).to.equal(200);

    const crossed = await fetch(`${running.url}/v3/directline/conversations/${b.conversationId}/activities`, { headers: authed(a.token) });
    expect(crossed.status).to.equal(403);
    const missing = await fetch(`${running.url}/v3/directline/conversations/${a.conversationId}/activities`);
    expect(missing.status).to.equal(403);
    const forged = await fetch(`${running.url}/v3/directline/conversations/${a.conversationId}/activities`, { headers: authed(`${a.token.slice(0, -4)}abcd`) });
    expect(forged.status).to.equal(403);

    const secret = (await readFile(path.join(dataDir, 'directline', 'token-secret'), 'utf8')).trim();
    const expired = await new TokenIssuer(secret, -60).issue({ conversationId: a.conversationId, userId: a.userId });
    const late = await fetch(`${running.url}/v3/directline/conversations/${a.conversationId}/activities`, { headers: authed(expired) });
    expect(late.status).to.equal(403);
    expect(((await late.json()) as { error: { code: string } }).error.code).to.equal('TokenExpiredOrInvalid');

    const ghost = await new TokenIssuer(secret, 600).issue({ conversationId: 'no-such-conversation', userId: 'nv_x' });
    const unknown = await fetch(`${running.url}/v3/directline/conversations/no-such-conversation/activities`, { headers: authed(ghost) });
    expect(unknown.status).to.equal(404);
  });

  it('refuses a token once it has expired, though it was accepted (and remembered) before', async function () {
    this.timeout(10000);
    const issuer = new TokenIssuer('a-test-secret-of-at-least-32-characters', 1);
    const token = await issuer.issue({ conversationId: 'c1', userId: 'u1' });
    expect(await issuer.verify(token)).to.deep.equal({ conversationId: 'c1', userId: 'u1' });
    expect(await issuer.verify(token)).to.deep.equal({ conversationId: 'c1', userId: 'u1' });
    const exp = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')).exp as number;
    await new Promise((resolve) => setTimeout(resolve, exp * 1000 - Date.now() + 50));
    const refused = await issuer.verify(token).then(() => 'accepted', (err: Error) => err.message);
    expect(refused).to.equal('token expired');
  });

  it('refuses an oversized activity (413) and a flooding client (429 with Retry-After), keeping what was said', async () => {
    running = await start(dataDir, { MAX_BODY_BYTES: '4096', DIRECTLINE_REQUESTS_PER_MINUTE: '8' });
    const token = await generateToken(running.url);
    await startConversation(running.url, token);
    const activities = `${running.url}/v3/directline/conversations/${token.conversationId}/activities`;
    const big = await fetch(activities, { method: 'POST', headers: authed(token.token), body: JSON.stringify({ type: 'message', text: 'x'.repeat(5000) }) });
    expect(big.status).to.equal(413);

    const said = await fetch(activities, { method: 'POST', headers: authed(token.token), body: JSON.stringify({ type: 'message', text: 'Ja' }) });
    expect(said.status).to.equal(200);
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 12; i++) {
      const res = await fetch(activities, { headers: authed(token.token) });
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers.get('retry-after');
    }
    expect(statuses).to.include(429);
    expect(Number(retryAfter)).to.be.within(1, 60);
    // Other conversations are not held back by one flooding client.
    const other = await generateToken(running.url);
    expect((await startConversation(running.url, other)).status).to.equal(201);
  });

  it('answers a bad activity with 400 and keeps the conversation going', async () => {
    running = await start(dataDir);
    const token = await generateToken(running.url);
    await startConversation(running.url, token);
    const activities = `${running.url}/v3/directline/conversations/${token.conversationId}/activities`;
    const bad = await fetch(activities, { method: 'POST', headers: authed(token.token), body: JSON.stringify({ text: 'no type' }) });
    expect(bad.status).to.equal(400);
    const badWatermark = await fetch(`${activities}?watermark=abc`, { headers: authed(token.token) });
    expect(badWatermark.status).to.equal(400);
    const dl = client(token, { conversationId: token.conversationId });
    expect(textsOf(await dl.say('Ja'))).to.include('Svarar du för dig själv');
  });

  it('lets only the configured origins embed it (CORS, with the x-ms-bot-agent header)', async () => {
    running = await start(dataDir, { DIRECTLINE_ALLOWED_ORIGINS: 'https://www.granbacka.example, https://intranat.granbacka.example' });
    const preflight = await fetch(`${running.url}/v3/directline/tokens/generate`, {
      method: 'OPTIONS',
      headers: { origin: 'https://www.granbacka.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, x-ms-bot-agent, content-type' },
    });
    expect(preflight.status).to.be.oneOf([200, 204]);
    expect(preflight.headers.get('access-control-allow-origin')).to.equal('https://www.granbacka.example');
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).to.include('x-ms-bot-agent');

    const allowed = await fetch(`${running.url}/v3/directline/tokens/generate`, { method: 'POST', headers: { origin: 'https://www.granbacka.example', 'content-type': 'application/json' }, body: '{}' });
    expect(allowed.headers.get('access-control-allow-origin')).to.equal('https://www.granbacka.example');
    const foreign = await fetch(`${running.url}/v3/directline/tokens/generate`, { method: 'POST', headers: { origin: 'https://evil.example', 'content-type': 'application/json' }, body: '{}' });
    expect(foreign.headers.get('access-control-allow-origin')).to.equal(null);
  });

  it('"Avsluta" (endOfConversation) forgets an unfinished interview: state, transcript and the chat history', async () => {
    running = await start(dataDir);
    const token = await generateToken(running.url);
    const dl = client(token);
    await dl.waitUntil((r) => textsOf(r).includes('Vill du fortsätta?'), 'the greeting');
    await dl.sayAll(['Ja', 'För mig själv', 'Karlstad', 'Jag bor ensam med min katt.']);
    await dl.post({ type: 'endOfConversation' });
    await running.app.transcripts.flush();

    const stateFiles = existsSync(path.join(dataDir, 'state')) ? await readdir(path.join(dataDir, 'state')) : [];
    expect(stateFiles.filter((f) => /\.jsonl?$/u.test(f))).to.have.length(0);
    const transcript = await running.app.transcripts.getTranscriptActivities('directline', token.conversationId);
    expect(transcript.items).to.have.length(0);
    const history = await fetch(`${running.url}/v3/directline/conversations/${token.conversationId}/activities`, { headers: authed(token.token) });
    const page = (await history.json()) as { activities: unknown[] };
    expect(page.activities).to.have.length(0);
    const onDisk = await readdir(path.join(dataDir, 'directline', 'conversations'));
    for (const f of onDisk) expect(await readFile(path.join(dataDir, 'directline', 'conversations', f), 'utf8')).not.to.include('katt');
  });

  it('under DIRECTLINE_MODE=azure, exchanges the secret for a token at Azure and keeps the page\'s municipality for the bot', async () => {
    // A loopback stand-in for Azure's Direct Line token endpoint.
    const azureCalls: Array<{ authorization?: string; body: string }> = [];
    const azure = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        azureCalls.push({ authorization: req.headers.authorization, body });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ conversationId: 'AzureConv123-eu', token: 'azure-token', expires_in: 3600 }));
      });
    });
    await new Promise<void>((r) => azure.listen(0, '127.0.0.1', r));
    const azureUrl = `http://127.0.0.1:${(azure.address() as AddressInfo).port}/v3/directline`;
    const connector = new FakeConnector();
    await connector.start();
    try {
      running = await start(dataDir, { DIRECTLINE_MODE: 'azure', DIRECTLINE_SECRET: 'azure-secret-for-tests', DIRECTLINE_AZURE_ENDPOINT: azureUrl });
      const token = await generateToken(running.url, { municipality: '1780' });
      expect(token).to.include({ conversationId: 'AzureConv123-eu', token: 'azure-token', domain: azureUrl });
      expect(azureCalls[0]!.authorization).to.equal('Bearer azure-secret-for-tests');
      expect(JSON.parse(azureCalls[0]!.body)).to.deep.equal({ user: { id: token.userId } });
      // Our own conversation endpoints are not served in this mode.
      expect((await startConversation(running.url, token)).status).to.equal(404);

      // Azure then delivers the conversation to /api/messages: the preselected municipality holds.
      const post = (activity: Record<string, unknown>) =>
        fetch(`${running!.url}/api/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            channelId: 'directline',
            serviceUrl: connector.url,
            conversation: { id: 'AzureConv123-eu' },
            from: { id: token.userId, role: 'user' },
            recipient: { id: 'narvard-intake', role: 'bot' },
            locale: 'sv-SE',
            id: `a-${Math.random()}`,
            ...activity,
          }),
        });
      await post({ type: 'conversationUpdate', membersAdded: [{ id: token.userId }] });
      await post({ type: 'message', text: 'Ja' });
      await post({ type: 'message', text: 'För mig själv' });
      const asked = connector.texts().join('\n');
      expect(asked).to.include('Svarar du för dig själv');
      expect(asked).not.to.include('Vilken kommun');
    } finally {
      await connector.stop();
      await new Promise((r) => azure.close(r));
    }
  });
});
