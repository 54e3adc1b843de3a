/**
 * The findings of the hostile-input run (issue 16), one test each, over real HTTP on 127.0.0.1 as an
 * attacker would send them. Each was written to fail on the code before the fix (commit 0fd9c33):
 * the process died, staff data came back, a cross-site form created an admin, and so on.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { SignJWT } from 'jose';
import { createApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { JsonlTranscriptStore } from '../src/bot/storage/jsonl-transcript-store.js';
import { KARLSTAD_BISTAND, caseDraft } from './helpers/cases.js';
import { generateToken } from './helpers/directline-client.js';
import { rawRequest } from './helpers/raw-http.js';
import { freePort, startService, type ServiceProcess } from './helpers/service-process.js';
import { REPO_ROOT, removeDir, tempDir } from './helpers/harness.js';

const ANNA = '00000000-0000-4000-8000-00000000a001'; // Karlstad staff in data/staff-teams.yaml
const PASSWORD = 'korrekt-häst-batteri-häfta';

/** A resident's activity whose replies come back in the response (no connection to serviceUrl is ever made). */
function activity(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'conversationUpdate',
    membersAdded: [{ id: 'resident-1' }],
    id: randomUUID(),
    channelId: 'emulator',
    serviceUrl: 'http://127.0.0.1:9/',
    conversation: { id: `sec-${randomUUID()}` },
    from: { id: 'resident-1', role: 'user' },
    recipient: { id: 'bot', role: 'bot' },
    locale: 'sv-SE',
    deliveryMode: 'expectReplies',
    ...extra,
  };
}

function postJson(url: string, route: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}${route}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
}

async function replies(res: Response): Promise<string> {
  const body = (await res.json()) as { activities?: Array<{ text?: string }> };
  return (body.activities ?? []).map((a) => a.text ?? '').join('\n');
}

describe('security: the findings of the hostile-input run', function () {
  this.timeout(120000);

  describe('one request must not stop the service (a child process)', () => {
    let dir: string;
    let service: ServiceProcess;
    before(async () => {
      dir = await tempDir('intake-sec-proc-');
      service = await startService({ port: await freePort(), env: { DATA_DIR: path.join(dir, 'data'), LOG_LEVEL: 'silent', URGENT_REMINDER_MINUTES: '0' } });
    });
    after(async () => {
      await service.kill();
      await removeDir(dir);
    });

    it('answers a body that claims gzip but is not, on every route family, and stays up', async () => {
      for (const route of ['/api/messages', '/staff/api/login', '/v3/directline/tokens/generate', '/healthz']) {
        const res = await rawRequest(service.url, {
          method: route === '/healthz' ? 'GET' : 'POST',
          path: route,
          headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
          body: Buffer.from('this is not gzip at all'),
        });
        expect(res.status, `${route}: ${res.error ?? res.body}`).to.be.within(200, 499);
        expect(service.exited, `the service after ${route}`).to.equal(false);
      }
      expect((await rawRequest(service.url, { method: 'GET', path: '/healthz' })).status).to.equal(200);
    });

    it('never inflates a gzip bomb: 415 at once, memory unchanged', async () => {
      const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20));
      const res = await rawRequest(service.url, { path: '/api/messages', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: bomb });
      expect(res.status).to.equal(415);
      expect(JSON.parse(res.body)).to.have.nested.property('error.code', 'UnsupportedMediaType');
      expect(service.exited).to.equal(false);
    });
  });

  describe('the service in-process, no app id, clients on 127.0.0.1', () => {
    let dir: string;
    let app: App;
    let url: string;
    before(async () => {
      dir = await tempDir('intake-sec-');
      const config = loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent', URGENT_REMINDER_MINUTES: '0' }, REPO_ROOT);
      app = await createApp({ ...config, port: 0 }, createLogger('silent'));
      ({ url } = await app.listen());
      await app.accounts.put({ email: 'admin@karlstad.test', name: 'Bertil Admin', organisationId: 'karlstad', role: 'admin', password: PASSWORD });
      // Need-to-know (issue 20): cases are read by the units they were sent to; the admin works in elderly care.
      await app.members.setUnits('karlstad', 'admin@karlstad.test', ['karlstad:bistand'], 'test');
      await app.accounts.put({ email: 'anna@karlstad.test', name: 'Anna Exempel', organisationId: 'karlstad', role: 'staff', password: PASSWORD });
    });
    after(async () => {
      await app.close();
      await removeDir(dir);
    });

    async function signIn(email: string, password = PASSWORD): Promise<{ status: number; cookie?: string; retryAfter?: string | null }> {
      const res = await postJson(url, '/staff/api/login', { email, password });
      await res.text();
      return { status: res.status, retryAfter: res.headers.get('retry-after'), ...(res.headers.get('set-cookie') ? { cookie: res.headers.get('set-cookie')!.split(';')[0]! } : {}) };
    }

    it('without an app id, a Teams activity naming a listed staff member gets 401 and no staff data', async () => {
      const record = await app.cases.create(caseDraft([KARLSTAD_BISTAND], { urgent: true }));
      const auditBefore = (await app.audit.entries()).length;
      for (const text of ['nya ärenden', `öppna ${record.reference}`, 'registrera kanal karlstad-bistand', 'nytt samtal']) {
        const res = await postJson(
          url,
          '/api/messages',
          activity({ type: 'message', text, channelId: 'msteams', from: { id: `29:${ANNA}`, aadObjectId: ANNA }, channelData: { tenant: { id: randomUUID() } } }),
        );
        expect(res.status, text).to.equal(401);
        expect(await res.text(), text).not.to.include(record.reference);
      }
      expect((await app.audit.entries()).length, 'nothing read').to.equal(auditBefore);
      expect(await app.stores.teamsChannels.read('karlstad-bistand')).to.equal(undefined);
    });

    it('refuses a service URL that is not https to a public address (metadata, private, other schemes, unparseable): 400, never 500', async () => {
      for (const serviceUrl of ['http://169.254.169.254/latest/meta-data/', 'https://169.254.169.254/', 'https://10.0.0.5/', 'https://[fd00:ec2::254]/', 'https://metadata.google.internal/', 'ftp://example.com/', 'http://example.com/', 'https://intranet/', 'http://[::ffff:169.254.169.254]/', 'https://0.0.0.0/', 'http://', 'not a url at all', 'https://user:pw@bot.example.com/']) {
        const res = await postJson(url, '/api/messages', activity({ serviceUrl }));
        expect(res.status, serviceUrl).to.equal(400);
        expect(((await res.json()) as { error: { message: string } }).error.message, serviceUrl).to.match(/serviceUrl/u);
      }
      // This machine, as the Emulator and npm run chat use it, is fine for a client on this machine.
      expect((await postJson(url, '/api/messages', activity({ serviceUrl: 'http://localhost:9/' }))).status).to.equal(200);
    });

    it('accepts only JSON bodies: a form post (what any web page can make a browser send) gets 415', async () => {
      const form = new URLSearchParams({ type: 'message', text: 'hej', channelId: 'emulator', serviceUrl: 'http://127.0.0.1:9/', 'conversation[id]': 'x' });
      for (const [type, body] of [
        ['application/x-www-form-urlencoded', form.toString()],
        ['text/plain', JSON.stringify(activity())],
        ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="type"\r\n\r\nmessage\r\n--x--'],
      ] as const) {
        const res = await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': type }, body });
        expect(res.status, type).to.equal(415);
      }
    });

    it("does not let /api/messages reach a web chat conversation (channel directline) without its Direct Line token", async () => {
      const token = await generateToken(url);
      const headers = { authorization: `Bearer ${token.token}` };
      expect((await postJson(url, '/v3/directline/conversations', {}, headers)).status).to.equal(201);
      const said = await postJson(url, `/v3/directline/conversations/${token.conversationId}/activities`, { type: 'message', text: 'Ja' }, headers);
      expect(said.status).to.equal(200);
      const res = await postJson(url, '/api/messages', activity({ type: 'message', text: 'tillbaka', channelId: 'directline', conversation: { id: token.conversationId }, from: { id: token.userId } }));
      expect(res.status).to.equal(403);
      expect(await res.text()).not.to.include('Svarar du');
    });

    it('does not take a client behind a proxy (X-Forwarded-For, Forwarded) for this machine', async () => {
      for (const header of [{ 'x-forwarded-for': '203.0.113.7' }, { forwarded: 'for=203.0.113.7' }, { 'x-real-ip': '203.0.113.7' }] as Array<Record<string, string>>) {
        const res = await postJson(url, '/api/messages', activity(), header);
        expect(res.status, JSON.stringify(header)).to.equal(401);
      }
    });

    it('answers a turn in the default language whatever the locale says ("__proto__", 5, {})', async () => {
      for (const locale of ['__proto__', 5, {}, 'constructor', 'xx-YY']) {
        const res = await postJson(url, '/api/messages', activity({ locale }));
        expect(res.status, JSON.stringify(locale)).to.equal(200);
        expect(await replies(res), JSON.stringify(locale)).to.include('automatisk assistent');
      }
    });

    it('stores a conversation whose id has a lone surrogate, apart from the same id with U+FFFD', async () => {
      const base = `sec-${randomUUID()}`;
      const lone = { id: `${base}-\ud800` };
      const replaced = { id: `${base}-\ufffd` };
      expect(await replies(await postJson(url, '/api/messages', activity({ conversation: lone })))).to.include('Vill du fortsätta?');
      const second = await replies(await postJson(url, '/api/messages', activity({ type: 'message', text: 'Ja', conversation: lone })));
      expect(second, 'the consent was stored: the next question comes').to.include('Svarar du för dig själv');
      const other = await replies(await postJson(url, '/api/messages', activity({ type: 'message', text: 'Ja', conversation: replaced })));
      expect(other, 'another conversation, not the first one continued').not.to.include('Svarar du för dig själv');
    });

    it('answers a deeply nested activity with 400, on /api/messages and on Direct Line', async () => {
      const deep = `{"type":"message","value":${'['.repeat(50_000)}${']'.repeat(50_000)}}`;
      expect((await postJson(url, '/api/messages', deep)).status).to.equal(400);
      const token = await generateToken(url);
      const res = await postJson(url, `/v3/directline/conversations/${token.conversationId}/activities`, deep, { authorization: `Bearer ${token.token}` });
      expect(res.status).to.equal(400);
    });

    it('refuses a Direct Line token without an expiry, although its signature is right', async () => {
      const token = await generateToken(url);
      const secret = (await readFile(path.join(dir, 'directline', 'token-secret'), 'utf8')).trim();
      const forever = await new SignJWT({ conv: token.conversationId, user: token.userId })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer('narvard-intake/directline')
        .setIssuedAt()
        .sign(new TextEncoder().encode(secret));
      const res = await postJson(url, '/v3/directline/tokens/refresh', {}, { authorization: `Bearer ${forever}` });
      expect(res.status).to.equal(403);
    });

    it('refuses cross-site changes on the staff API: a form post or another origin cannot create an admin', async () => {
      const admin = (await signIn('admin@karlstad.test')).cookie!;
      const newAdmin = { email: 'intruder@karlstad.test', name: 'Intrång', role: 'admin', password: 'ett-langt-losenord-123' };
      const form = await fetch(`${url}/staff/api/accounts`, { method: 'POST', headers: { cookie: admin, 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' }, body: new URLSearchParams(newAdmin).toString() });
      expect(form.status).to.equal(415);
      const crossSite = await postJson(url, '/staff/api/accounts', newAdmin, { cookie: admin, origin: 'https://sibling.karlstad.test', 'sec-fetch-site': 'same-site' });
      expect(crossSite.status).to.equal(403);
      const logout = await fetch(`${url}/staff/api/logout`, { method: 'POST', headers: { cookie: admin, 'content-type': 'text/plain', 'sec-fetch-site': 'cross-site' } });
      expect(logout.status).to.equal(415);
      expect(await app.accounts.get('intruder@karlstad.test')).to.equal(undefined);
      // The staff page itself (same origin) still works.
      const own = await postJson(url, '/staff/api/accounts', { ...newAdmin, email: 'ny@karlstad.test', role: 'staff' }, { cookie: admin, origin: url, 'sec-fetch-site': 'same-origin' });
      expect(own.status).to.equal(201);
    });

    it('throttles guessing: after a few wrong passwords 429 with Retry-After, even for the right one; one audit entry per failure until then, not per attempt', async () => {
      const auditBefore = (await app.audit.entries()).length;
      const statuses: number[] = [];
      let retryAfter: string | null | undefined;
      for (let i = 0; i < 60; i++) {
        const attempt = await signIn('anna@karlstad.test', `fel-lösenord-${i}`);
        statuses.push(attempt.status);
        if (attempt.status === 429) retryAfter ??= attempt.retryAfter;
      }
      expect(statuses.slice(0, 5)).to.deep.equal([401, 401, 401, 401, 401]);
      expect(statuses.filter((s) => s === 429).length).to.be.greaterThan(50);
      expect(Number(retryAfter)).to.be.within(1, 900);
      expect((await signIn('anna@karlstad.test')).status, 'the right password, while locked').to.equal(429);
      const added = (await app.audit.entries()).slice(auditBefore);
      expect(added.map((e) => e.action)).to.deep.equal(['login.failed', 'login.failed', 'login.failed', 'login.failed', 'login.failed', 'login.throttled']);
      expect(added.every((e) => e.actorOrganisation === 'karlstad')).to.equal(true);
    });

    it('ends a session on logout and when the account is disabled; staff responses are not cached; the staff page cannot be framed', async () => {
      const { cookie } = await signIn('admin@karlstad.test');
      const record = await app.cases.create(caseDraft([KARLSTAD_BISTAND]));
      const read = await fetch(`${url}/staff/api/cases/${record.reference}`, { headers: { cookie: cookie! } });
      expect(read.status).to.equal(200);
      expect(read.headers.get('cache-control')).to.equal('no-store');
      const exported = await fetch(`${url}/staff/api/cases/${record.reference}/export`, { headers: { cookie: cookie! } });
      expect(exported.headers.get('cache-control')).to.equal('no-store');
      const page = await fetch(`${url}/staff/`);
      expect(page.headers.get('cache-control')).to.equal('no-store');
      expect(page.headers.get('content-security-policy')).to.include("frame-ancestors 'none'").and.to.include("script-src 'self'").and.not.to.include('unsafe-inline');
      expect((await postJson(url, '/staff/api/logout', {}, { cookie: cookie! })).status).to.equal(200);
      expect((await fetch(`${url}/staff/api/me`, { headers: { cookie: cookie! } })).status, 'the old cookie after logout').to.equal(401);

      const admin = (await signIn('admin@karlstad.test')).cookie!;
      const staff = (await signIn('ny@karlstad.test', 'ett-langt-losenord-123')).cookie!;
      expect((await fetch(`${url}/staff/api/me`, { headers: { cookie: staff } })).status).to.equal(200);
      expect((await postJson(url, '/staff/api/accounts/ny@karlstad.test/disable', {}, { cookie: admin })).status).to.equal(200);
      expect((await fetch(`${url}/staff/api/me`, { headers: { cookie: staff } })).status).to.equal(401);
      // The residents' pages have a policy of their own: inline styles for Web Chat, framed only by the service itself.
      const demo = await fetch(`${url}/`);
      expect(demo.headers.get('content-security-policy')).to.include("frame-ancestors 'self'").and.to.include("script-src 'self'");
    });
  });

  it('bounds what each new channel id leaves in memory (each used to keep about 120 KB for good)', async () => {
    const dir = await tempDir('intake-sec-channels-');
    const store = new JsonlTranscriptStore(dir);
    const { setFlagsFromString } = await import('node:v8');
    const { runInNewContext } = await import('node:vm');
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const log = (channelId: string) => store.logActivity({ type: 'message', id: 'a', channelId, conversation: { id: 'c' }, from: { id: 'u' }, timestamp: new Date() } as never);
    await log('warm-up');
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 1000; i++) await log(`channel-${i}`);
    await store.flush();
    gc();
    const grown = process.memoryUsage().heapUsed - before;
    if (process.env['FUZZ_VERBOSE']) console.log(`      heap grew ${Math.round(grown / 1e6)} MB for 1,000 channels`);
    expect(grown, `${Math.round(grown / 1e6)} MB for 1,000 channels`).to.be.below(30e6);
    expect(existsSync(path.join(dir, 'transcripts'))).to.equal(true);
    expect((await readdir(path.join(dir, 'transcripts'))).length).to.equal(1001);
    await removeDir(dir);
  });
});
