/**
 * Hostile input against the real service (`src/main.ts` in a child process, loopback only): at least
 * 1,500 malformed or forged requests over every route family (/api/messages, Direct Line, the staff
 * API and sign-in, the pages and files, health), generated with fast-check from a fixed seed
 * (FUZZ_SEED=<n> replays another run; the seed is in every failure message). After each family:
 * no answer was a 5xx, none took over 5 s, the process is alive and healthy. At the end: memory grew
 * within a bound, nothing was written outside the data folder, the cases and the audit chain are as
 * they were (entries may be added, none changed), and a whole interview still ends in a case.
 *
 * Every activity asks for its replies in the response (deliveryMode expectReplies) and names only
 * service URLs on 127.0.0.1 or ones the service must refuse, so no reply ever leaves this machine.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync, deflateSync } from 'node:zlib';
import { expect } from 'chai';
import fc from 'fast-check';
import { verifyChain, type AuditEntry } from '../src/core/audit.js';
import { StaffAccounts, type StaffAccount } from '../src/staff/accounts.js';
import { RecordFolder } from '../src/storage/record-folder.js';
import { LowdbAuditLog } from '../src/storage/lowdb-audit-log.js';
import { CONFIRM_AND_SHARE, SELF_ANSWERS } from './helpers/answers.js';
import { generateToken } from './helpers/directline-client.js';
import { rawRequest, type RawRequest, type RawResponse } from './helpers/raw-http.js';
import { freePort, startService, type ServiceProcess } from './helpers/service-process.js';
import { REPO_ROOT, removeDir, tempDir } from './helpers/harness.js';

const SEED = Number(process.env['FUZZ_SEED'] ?? 20261204);
const PASSWORD = 'korrekt-häst-batteri-häfta';
/** A name no file anywhere has: one found outside the data folder was written by a traversal. */
const MARKER = `fuzz-escape-${randomBytes(4).toString('hex')}`;
/** Requests in flight at once. */
const CONCURRENCY = 4;
/** RSS may grow this much over the whole run (the old per-channel leak alone was 110 MB per 1,000 requests). */
const MAX_GROWTH_MB = 150;

// ---- what hostile input looks like ------------------------------------------------------------

const nasty = fc.constantFrom(
  '__proto__',
  'constructor',
  'prototype',
  `../../../../${MARKER}`,
  `..\\..\\${MARKER}`,
  `%2e%2e%2f%2e%2e%2f${MARKER}`,
  `/tmp/${MARKER}`,
  '\u0000',
  '\ud800',
  `x\udfff${MARKER}`,
  '😀'.repeat(50),
  'a'.repeat(5000),
  'NV-2026-000001',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  '${jndi:ldap://127.0.0.1/x}',
  '',
  ' ',
  'CON',
  'sv-SE',
  '5',
);
const oddChars = fc.string({ unit: fc.constantFrom('\ud800', '\udc00', 'a', 'ä', '/', '\\', '.', '%', '\u0000', '\n', '"', '😀', '{', '[') as fc.Arbitrary<string>, maxLength: 40 });
const hostileString = fc.oneof(nasty, oddChars, fc.string({ unit: 'binary', maxLength: 30 }), fc.string({ maxLength: 10 }));
const hostileValue = fc.oneof(hostileString, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.jsonValue({ maxDepth: 3 }), fc.constant({}), fc.constant([]));

const serviceUrls = fc.constantFrom(
  'http://127.0.0.1:9/',
  'http://localhost:9/',
  'http://169.254.169.254/latest/meta-data/',
  'https://169.254.169.254/',
  'https://10.1.2.3/',
  'https://192.168.0.1/',
  'https://[fe80::1]/',
  'https://[::ffff:127.0.0.1]/',
  'https://0.0.0.0/',
  'https://metadata.google.internal/',
  'https://intranet/',
  'ftp://127.0.0.1/',
  'file:///etc/passwd',
  'gopher://127.0.0.1:25/',
  'javascript:alert(1)',
  'http://',
  'not a url',
  '',
  'https://user:pw@127.0.0.1/',
);
const channels = fc.oneof(fc.constantFrom('emulator', 'msteams', 'directline', 'webchat', 'terminal', 'test', 'slack', 'Emulator', 'EMULATOR'), hostileString);

/** An activity with any part replaced by something hostile; replies always in the response. */
const activities = fc
  .record(
    {
      type: fc.oneof(fc.constantFrom('message', 'conversationUpdate', 'invoke', 'endOfConversation', 'event', 'typing'), hostileValue),
      text: hostileValue,
      value: hostileValue,
      name: hostileValue,
      locale: hostileValue,
      channelId: channels,
      serviceUrl: serviceUrls,
      conversation: fc.oneof(fc.record({ id: hostileString }), fc.record({ id: hostileString, tenantId: hostileValue, conversationType: hostileValue }), hostileValue),
      from: fc.oneof(fc.record({ id: hostileString, aadObjectId: fc.constantFrom('00000000-0000-4000-8000-00000000a001', '00000000-0000-4000-8000-00000000a002') }), hostileValue),
      recipient: fc.oneof(fc.record({ id: hostileString }), hostileValue),
      id: hostileString,
      channelData: fc.oneof(fc.record({ intake: fc.record({ municipality: hostileValue }), tenant: fc.record({ id: hostileValue }) }), hostileValue),
      membersAdded: fc.oneof(fc.array(fc.record({ id: hostileString }), { maxLength: 3 }), hostileValue),
      attachments: fc.oneof(fc.array(hostileValue, { maxLength: 3 }), hostileValue),
    },
    { requiredKeys: ['type', 'channelId', 'serviceUrl', 'conversation'] },
  )
  .map((a) => ({ ...a, deliveryMode: 'expectReplies' }));

/** Activities a turn runs for (a known channel, this machine's service URL), with hostile contents. */
const plausibleActivities = fc
  .record(
    {
      type: fc.constantFrom('message', 'message', 'conversationUpdate', 'endOfConversation', 'invoke', 'event'),
      text: hostileString,
      value: hostileValue,
      name: hostileString,
      locale: hostileValue,
      channelId: fc.constantFrom('emulator', 'terminal', 'test'),
      conversation: hostileString.filter((id) => id.length > 0 && id.length <= 1024).map((id) => ({ id })),
      from: hostileString.filter((id) => id.length <= 1024).map((id) => ({ id, role: 'user' })),
      channelData: fc.oneof(fc.record({ intake: fc.record({ municipality: hostileValue }) }), hostileValue),
      membersAdded: fc.constant([{ id: 'resident' }]),
    },
    { requiredKeys: ['type', 'channelId', 'conversation'] },
  )
  .map((a) => ({ ...a, serviceUrl: 'http://127.0.0.1:9/', recipient: { id: 'bot' }, deliveryMode: 'expectReplies' }));

/** Bodies that are not what they claim: bytes, broken or huge JSON, compression, odd types. */
type Body = { headers: Record<string, string>; body: Buffer };
const bodies = fc.oneof(
  fc.uint8Array({ maxLength: 300 }).map((b) => ({ headers: { 'content-type': 'application/json' }, body: Buffer.from(b) })),
  fc.jsonValue({ maxDepth: 5 }).map((v) => ({ headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(v).slice(0, -1)) })),
  fc.integer({ min: 33, max: 20_000 }).map((n) => ({ headers: { 'content-type': 'application/json' }, body: Buffer.from(`{"a":${'['.repeat(n)}${']'.repeat(n)}}`) })),
  fc.constantFrom('gzip', 'deflate', 'br', 'x-gzip', 'compress', 'gzip, gzip', 'identity, gzip').chain((encoding) =>
    fc.constantFrom(
      { headers: { 'content-type': 'application/json', 'content-encoding': encoding }, body: Buffer.from('not compressed') },
      { headers: { 'content-type': 'application/json', 'content-encoding': encoding }, body: gzipSync(Buffer.alloc(4 * 1024 * 1024, 0x5b)) },
      { headers: { 'content-type': 'application/json', 'content-encoding': encoding }, body: deflateSync(Buffer.from('{"type":"message"}')) },
    ),
  ),
  fc
    .constantFrom('application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', 'application/xml', 'application/json-patch+json', '', 'application/json; charset=utf-16')
    .map((type) => ({ headers: type ? { 'content-type': type } : {}, body: Buffer.from('{"type":"message","text":"hej"}') })),
  fc.constantFrom(
    Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0x7d]),
    Buffer.from([0xc3, 0x28]),
    Buffer.from('{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}'),
    Buffer.from(`{"n":1${'0'.repeat(400)}}`),
    Buffer.from(`[${'1,'.repeat(50_000)}1]`),
    Buffer.from(`{"s":"${'\\ud800'.repeat(1000)}"}`),
    Buffer.alloc(300 * 1024, 0x20),
  ).map((body) => ({ headers: { 'content-type': 'application/json' }, body })),
) as fc.Arbitrary<Body>;

/** encodeURIComponent for any string: a lone surrogate has no UTF-8 (the paths carry %ed%a0%80 for that). */
const enc = (value: string) => encodeURIComponent(value.replace(/\p{Cs}/gu, '\ufffd'));

const methods = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'TRACE', 'PROPFIND');
const segment = fc.oneof(hostileString.map((s) => enc(s.slice(0, 200)).replace(/%2F/giu, '/')), fc.constantFrom('%', '%zz', '%c0%ae%c0%ae', '..%2f..%2f', '..', '.', '%00', '%ff', '%ed%a0%80'));

// ---- the run ---------------------------------------------------------------------------------

async function filesUnder(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name))).sort();
}

async function hashesUnder(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const f of await filesUnder(dir)) out[f] = createHash('sha256').update(await readFile(path.join(dir, f))).digest('hex');
  return out;
}

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/u.exec(status)?.[1] ?? 0) / 1024;
}

function gitStatus(): string {
  return execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: REPO_ROOT, encoding: 'utf8' });
}

describe('fuzz: hostile requests against the running service', function () {
  // About 1,700 requests; on the shared 2-core machine this takes one to two minutes.
  this.timeout(300_000);
  let dir: string;
  let dataDir: string;
  let service: ServiceProcess;
  let admin: string;
  let dlToken: Awaited<ReturnType<typeof generateToken>>;
  let casesBefore: Record<string, string>;
  let auditBefore: AuditEntry[];
  let rssBefore: number;
  let repoBefore: string;
  let sent = 0;
  const family = new Map<string, number>();

  /** One interview over /api/messages, replies in the response; resolves with the last reply's text. */
  async function interview(conversationId: string): Promise<string> {
    let last = '';
    const send = async (extra: Record<string, unknown>) => {
      const res = await fetch(`${service.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ channelId: 'emulator', serviceUrl: 'http://127.0.0.1:9/', conversation: { id: conversationId }, from: { id: 'r1', role: 'user' }, recipient: { id: 'bot' }, locale: 'sv-SE', deliveryMode: 'expectReplies', id: randomUUID(), ...extra }),
      });
      expect(res.status).to.equal(200);
      last = ((await res.json()) as { activities: Array<{ text?: string }> }).activities.map((a) => a.text ?? '').join('\n');
    };
    await send({ type: 'conversationUpdate', membersAdded: [{ id: 'r1' }] });
    for (const text of [...SELF_ANSWERS, ...CONFIRM_AND_SHARE]) await send({ type: 'message', text });
    return last;
  }

  /** Sends every request of a family, a few at a time; every answer must be below 500 and within 5 s. */
  async function run(name: string, requests: RawRequest[]): Promise<void> {
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    let next = 0;
    const worker = async () => {
      while (next < requests.length) {
        const request = requests[next++]!;
        const res: RawResponse = await rawRequest(service.url, { timeoutMs: 5000, ...request });
        sent += 1;
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status === 0 || res.status >= 500) {
          failures.push(`${request.method ?? 'POST'} ${request.path.slice(0, 120)} → ${res.status || res.error} ${res.body.slice(0, 200)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    family.set(name, requests.length);
    if (process.env['FUZZ_VERBOSE']) console.log(`      ${name}: ${requests.length} requests, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`);
    expect(failures, `${name} (FUZZ_SEED=${SEED}): ${failures.length} of ${requests.length} failed`).to.deep.equal([]);
    expect(service.exited, `the service after ${name}: ${service.output().slice(-2000)}`).to.equal(false);
    expect((await rawRequest(service.url, { method: 'GET', path: '/healthz' })).status, `healthy after ${name}`).to.equal(200);
  }

  const sample = <T>(arbitrary: fc.Arbitrary<T>, numRuns: number, offset: number) => fc.sample(arbitrary, { numRuns, seed: SEED + offset });
  const json = (value: unknown, headers: Record<string, string> = {}) => ({ headers: { 'content-type': 'application/json', ...headers }, body: Buffer.from(JSON.stringify(value)) });

  before(async () => {
    repoBefore = gitStatus();
    dir = await tempDir('intake-fuzz-');
    dataDir = path.join(dir, 'data');
    await new StaffAccounts(new RecordFolder<StaffAccount>(path.join(dataDir, 'staff', 'accounts'))).put({ email: 'admin@karlstad.test', name: 'Bertil Admin', organisationId: 'karlstad', role: 'admin', password: PASSWORD });
    service = await startService({
      port: await freePort(),
      env: { DATA_DIR: dataDir, LOG_LEVEL: 'silent', URGENT_REMINDER_MINUTES: '0', DIRECTLINE_NEW_CONVERSATIONS_PER_MINUTE: '100000', DIRECTLINE_REQUESTS_PER_MINUTE: '100000', TMPDIR: path.join(dir, 'tmp') },
    });
    // A case, and a staff sign-in: what the fuzz must leave as it was.
    expect(await interview(`fuzz-before-${randomUUID()}`)).to.match(/NV-\d{4}-\d{6}/u);
    const login = await fetch(`${service.url}/staff/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'admin@karlstad.test', password: PASSWORD }) });
    expect(login.status).to.equal(200);
    admin = login.headers.get('set-cookie')!.split(';')[0]!;
    dlToken = await generateToken(service.url);
    expect((await fetch(`${service.url}/v3/directline/conversations`, { method: 'POST', headers: { authorization: `Bearer ${dlToken.token}` } })).status).to.equal(201);
    casesBefore = await hashesUnder(path.join(dataDir, 'cases'));
    expect(Object.keys(casesBefore)).to.have.length(1);
    auditBefore = await new LowdbAuditLog(dataDir).entries();
    rssBefore = await rssMb(service.proc.pid!);
  });

  after(async () => {
    await service?.kill();
    if (dir) await removeDir(dir);
  });

  it('/api/messages: forged, malformed and hostile activities', async () => {
    const requests: RawRequest[] = [
      ...sample(activities, 250, 1).map((a) => ({ path: '/api/messages', ...json(a) })),
      ...sample(plausibleActivities, 250, 14).map((a) => ({ path: '/api/messages', ...json(a) })),
      ...sample(bodies, 120, 2).map((b) => ({ path: '/api/messages', ...b })),
      ...sample(fc.record({ a: activities, auth: hostileString, forwarded: fc.constantFrom('x-forwarded-for', 'forwarded', 'x-real-ip', 'via') }), 60, 3).map(({ a, auth, forwarded }) => ({
        path: '/api/messages',
        ...json(a, { authorization: `Bearer ${enc(auth)}`, [forwarded]: '203.0.113.9' }),
      })),
    ];
    await run('/api/messages', requests);
  });

  it('Direct Line: tokens, conversations, watermarks and activities', async () => {
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ conv: dlToken.conversationId, user: dlToken.userId })).toString('base64url')}.`;
    const tokens = fc.constantFrom(`Bearer ${dlToken.token}`, `Bearer ${unsigned}`, 'Bearer x.y.z', 'Bearer ', '', 'Basic Zm9vOmJhcg==', `Bearer ${dlToken.token}x`);
    const ids = fc.oneof(fc.constant(dlToken.conversationId), segment);
    const requests: RawRequest[] = [
      ...sample(fc.record({ auth: tokens, id: ids, b: bodies }), 120, 4).map(({ auth, id, b }) => ({ path: `/v3/directline/conversations/${id}/activities`, ...b, headers: { ...b.headers, ...(auth ? { authorization: auth } : {}) } })),
      ...sample(fc.record({ type: fc.constantFrom('message', 'message', 'endOfConversation', 'event', 'invoke'), text: hostileString, value: hostileValue, locale: hostileValue, channelData: hostileValue, from: hostileValue }, { requiredKeys: ['type'] }), 100, 15).map((a) => ({
        path: `/v3/directline/conversations/${dlToken.conversationId}/activities`,
        ...json(a, { authorization: `Bearer ${dlToken.token}` }),
      })),
      ...sample(fc.record({ auth: tokens, id: ids, a: fc.record({ type: fc.oneof(fc.constant('message'), hostileValue), text: hostileValue, value: hostileValue, locale: hostileValue, channelData: hostileValue, attachments: hostileValue, from: hostileValue }, { requiredKeys: ['type'] }) }), 140, 5).map(({ auth, id, a }) => ({
        path: `/v3/directline/conversations/${id}/activities`,
        ...json(a, auth ? { authorization: auth } : {}),
      })),
      ...sample(fc.record({ auth: tokens, id: ids, w: fc.oneof(hostileString, fc.integer().map(String)) }), 80, 6).map(({ auth, id, w }) => ({
        method: 'GET',
        path: `/v3/directline/conversations/${id}/activities?watermark=${enc(w)}`,
        headers: (auth ? { authorization: auth } : {}) as Record<string, string>,
      })),
      ...sample(fc.record({ auth: tokens, route: fc.constantFrom('/v3/directline/tokens/refresh', '/v3/directline/conversations', '/v3/directline/tokens/generate'), b: fc.oneof(bodies, fc.record({ municipality: hostileValue, locale: hostileValue }).map((v) => json(v))) }), 120, 7).map(({ auth, route, b }) => ({
        path: route,
        ...b,
        headers: { ...b.headers, ...(auth ? { authorization: auth } : {}) },
      })),
    ];
    await run('Direct Line', requests);
  });

  it('the staff API and sign-in: bodies, cookies, references, filters, cross-site requests', async () => {
    const cookies = fc.constantFrom(admin, 'nv_staff=forged', `nv_staff=${'A'.repeat(43)}`, 'nv_staff=', `${admin}; nv_staff=x`, 'nv_staff=%ff%00', '');
    const references = fc.oneof(fc.constantFrom('NV-2026-000001', 'NV-9999-999999', 'nv-2026-000001'), segment);
    const requests: RawRequest[] = [
      ...sample(fc.oneof(bodies, fc.record({ email: hostileValue, password: hostileValue }).map((v) => json(v))), 160, 8).map((b) => ({ path: '/staff/api/login', ...b })),
      ...sample(fc.record({ cookie: cookies, ref: references, q: fc.record({ status: hostileString, urgent: hostileString, municipality: hostileString, from: hostileString, to: hostileString, limit: hostileString, format: hostileString }, { requiredKeys: [] }) }), 160, 9).map(({ cookie, ref, q }) => ({
        method: 'GET',
        path: `${['/staff/api/cases', `/staff/api/cases/${ref}`, `/staff/api/cases/${ref}/export`, '/staff/api/audit', '/staff/api/accounts', '/staff/api/me'][ref.length % 6]}?${Object.entries(q).map(([k, v]) => `${k}=${enc(String(v))}`).join('&')}`,
        headers: (cookie ? { cookie } : {}) as Record<string, string>,
      })),
      // Changes: never to the existing case (its reference is not valid here) and never logging the admin out.
      ...sample(fc.record({ cookie: cookies, ref: fc.oneof(fc.constant('NV-9999-999999'), segment), b: fc.oneof(bodies, fc.record({ note: hostileValue, email: hostileValue, name: hostileValue, role: hostileValue, password: hostileValue }).map((v) => json(v))), site: fc.constantFrom('same-origin', 'cross-site', 'same-site', 'none', undefined), origin: fc.constantFrom('https://evil.example', 'null', undefined) }), 200, 10).map(({ cookie, ref, b, site, origin }) => ({
        path: [`/staff/api/cases/${ref}/take`, `/staff/api/cases/${ref}/close`, '/staff/api/accounts', `/staff/api/accounts/${ref}/disable`, '/staff/api/logout'][ref.length % 5]!,
        ...b,
        headers: { ...b.headers, ...(cookie && !(ref.length % 5 === 4 && cookie.includes(admin)) ? { cookie } : {}), ...(site ? { 'sec-fetch-site': site } : {}), ...(origin ? { origin } : {}) } as Record<string, string>,
      })),
    ];
    await run('staff API', requests);
  });

  it('pages, files and health: any method, odd paths and queries', async () => {
    const routes = fc.constantFrom('/', '/widget.js', '/widget.css', '/webchat/webchat.js', '/widget/strings', '/staff/strings', '/integritet', '/tillganglighet', '/villkor', '/staff/', '/staff', '/staff/js/main.js', '/staff/js/../../package.json', '/healthz', '/readyz', '/staff/auth/entra', '/staff/auth/entra/callback', '/api/messages', '/v3/directline/tokens/generate');
    const requests: RawRequest[] = [
      ...sample(fc.record({ route: routes, method: methods, lang: hostileString }), 160, 11).map(({ route, method, lang }) => ({ method, path: `${route}?lang=${enc(lang)}&next=${enc(lang)}&code=x&state=y` })),
      ...sample(fc.record({ method: methods, parts: fc.array(segment, { minLength: 1, maxLength: 4 }) }), 120, 12).map(({ method, parts }) => ({ method, path: `/${parts.join('/')}` })),
      ...sample(fc.record({ route: routes, header: fc.constantFrom('accept-encoding', 'range', 'if-none-match', 'cookie', 'authorization', 'origin', 'x-forwarded-proto', 'host'), value: hostileString }), 60, 13).map(({ route, header, value }) => ({
        method: 'GET',
        path: route,
        headers: { [header]: enc(value).slice(0, 4000) || 'x' },
      })),
    ];
    await run('pages and health', requests);
  });

  it('leaves the service as it was: memory bounded, nothing outside the data folder, cases and audit chain intact, an interview still ends in a case', async () => {
    const total = [...family.values()].reduce((a, b) => a + b, 0);
    expect(total, 'requests sent').to.be.at.least(1500);
    expect(sent).to.equal(total);
    const grown = (await rssMb(service.proc.pid!)) - rssBefore;
    if (process.env['FUZZ_VERBOSE']) console.log(`      RSS ${Math.round(rssBefore)} MB before, ${Math.round(rssBefore + grown)} MB after ${total} requests`);
    expect(grown, `RSS grew ${Math.round(grown)} MB over ${total} requests`).to.be.below(MAX_GROWTH_MB);

    // A normal interview still completes, with a case reference.
    expect(await interview(`fuzz-after-${randomUUID()}`)).to.match(/NV-\d{4}-\d{6}/u);

    await service.kill();
    expect(await readdir(dir), 'the test folder holds the data folder (and the service\'s temp folder) only').to.satisfy((names: string[]) => names.every((n) => n === 'data' || n === 'tmp'));
    expect(gitStatus(), 'nothing written into the repository').to.equal(repoBefore);
    expect((await readdir(os.tmpdir())).filter((n) => n.includes(MARKER))).to.deep.equal([]);
    expect((await filesUnder(dataDir)).filter((f) => f.includes(MARKER) && f.startsWith('..'))).to.deep.equal([]);
    const casesAfter = await hashesUnder(path.join(dataDir, 'cases'));
    const [before] = Object.entries(casesBefore);
    expect(casesAfter[before![0]], 'the case from before is unchanged').to.equal(before![1]);
    expect(Object.keys(casesAfter), 'only the one case from the interview afterwards is new').to.have.length(2);
    const auditAfter = await new LowdbAuditLog(dataDir).entries();
    expect(verifyChain(auditAfter).ok, 'the audit chain').to.equal(true);
    expect(auditAfter.slice(0, auditBefore.length)).to.deep.equal(auditBefore);
  });
});
