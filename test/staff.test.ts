/**
 * The staff API over real HTTP: signing in with local accounts, the authorization matrix (people of
 * several organisations and units against cases sent to several units) with the audit entries each
 * attempt leaves, reading outside one's unit with a reason, taking and closing, exports, the audit
 * log's view and its tamper-evident chain, and the account command.
 */
import { spawn } from 'node:child_process';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { createApp, type App } from '../src/app.js';
import { verifyChain, type AuditEntry } from '../src/core/audit.js';
import type { CaseRecord } from '../src/core/cases.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { newCopySecret } from '../src/core/person-copy.js';
import { swedishDate } from '../src/core/case-query.js';
import { KARLSTAD_BISTAND, KARLSTAD_IFO, KIL_BISTAND, REGION_VARDCENTRAL, caseDraft } from './helpers/cases.js';
import { REPO_ROOT, removeDir, tempDir } from './helpers/harness.js';

const PASSWORD = 'korrekt-häst-batteri-häfta';

interface Session {
  cookie: string;
}

describe('the staff API: sign-in, authorization and the audit log', function () {
  this.timeout(60000);
  let dataDir: string;
  let app: App;
  let url: string;
  let karlstadCase: CaseRecord;
  let kilCase: CaseRecord;
  let sharedCase: CaseRecord;
  let noConsentCase: CaseRecord;
  let ifoCase: CaseRecord;

  const people = {
    karlstadStaff: { email: 'anna.handlaggare@karlstad.test', name: 'Anna Exempel', org: 'karlstad', role: 'staff' as const, units: ['karlstad:bistand'] },
    karlstadIfo: { email: 'erik.ifo@karlstad.test', name: 'Erik Socialsekreterare', org: 'karlstad', role: 'staff' as const, units: ['karlstad:ifo'] },
    karlstadAdmin: { email: 'admin@karlstad.test', name: 'Bertil Admin', org: 'karlstad', role: 'admin' as const, units: [] },
    regionStaff: { email: 'sjukskoterska@region.test', name: 'Cecilia Testsson', org: 'region_varmland', role: 'staff' as const, units: ['region_varmland:vardcentral'] },
    kilStaff: { email: 'david@kil.test', name: 'David Prov', org: 'kil', role: 'staff' as const, units: ['kil:bistand'] },
  };

  async function signIn(email: string, password = PASSWORD): Promise<{ status: number; session?: Session; body: unknown }> {
    const res = await fetch(`${url}/staff/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
    const cookie = res.headers.get('set-cookie')?.split(';')[0];
    return { status: res.status, body: await res.json(), ...(cookie ? { session: { cookie } } : {}) };
  }

  function get(session: Session | undefined, route: string): Promise<Response> {
    return fetch(`${url}${route}`, { headers: session ? { cookie: session.cookie } : {} });
  }

  function post(session: Session, route: string, body: unknown = {}): Promise<Response> {
    return fetch(`${url}${route}`, { method: 'POST', headers: { cookie: session.cookie, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  }

  before(async () => {
    dataDir = await tempDir('intake-staff-');
    const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', URGENT_REMINDER_MINUTES: '0' }, REPO_ROOT);
    app = await createApp({ ...config, port: 0 }, createLogger('silent'));
    ({ url } = await app.listen());
    for (const p of Object.values(people)) {
      await app.accounts.put({ email: p.email, name: p.name, organisationId: p.org, role: p.role, password: PASSWORD });
      await app.members.setUnits(p.org, p.email, p.units, 'test');
    }
    karlstadCase = await app.cases.create(caseDraft([KARLSTAD_BISTAND]));
    kilCase = await app.cases.create(caseDraft([KIL_BISTAND], { municipality: { id: 'kil', name: 'Kils kommun', scbCode: '1715' } }));
    sharedCase = await app.cases.create(caseDraft([KARLSTAD_BISTAND, REGION_VARDCENTRAL], { urgent: true }));
    // The person said no to sharing with Karlstad: Karlstad must not see it.
    noConsentCase = await app.cases.create(caseDraft([{ ...KARLSTAD_BISTAND, consent: false }, REGION_VARDCENTRAL]));
    // Karlstad's individual and family care only: Karlstad's elderly care may read it only with a reason.
    ifoCase = await app.cases.create(caseDraft([KARLSTAD_IFO]));
  });

  after(async () => {
    await app.close();
    await removeDir(dataDir);
  });

  it('signs in with a local account; a wrong password, an unknown address or no session are refused', async () => {
    const ok = await signIn(people.karlstadStaff.email);
    expect(ok.status).to.equal(200);
    expect(ok.session?.cookie).to.match(/^nv_staff=/u);
    expect(ok.body).to.deep.include({ organisationId: 'karlstad', role: 'staff' });
    expect((await signIn(people.karlstadStaff.email, 'fel-lösenord-123')).status).to.equal(401);
    expect((await signIn('ingen@karlstad.test')).status).to.equal(401);
    expect((await get(undefined, '/staff/api/cases')).status).to.equal(401);
    expect((await get({ cookie: 'nv_staff=forged.token.value' }, '/staff/api/cases')).status).to.equal(401);
    // Password hashes only: the account file does not contain the password.
    const files = await readdir(path.join(dataDir, 'staff', 'accounts'));
    for (const f of files) expect(await readFile(path.join(dataDir, 'staff', 'accounts', f), 'utf8')).not.to.include(PASSWORD);
  });

  it('lets each person read exactly the cases sent with consent to their units; another unit of their organisation only with a reason; audits every attempt', async () => {
    const cases = { karlstad: karlstadCase, kil: kilCase, shared: sharedCase, noConsent: noConsentCase, ifo: ifoCase };
    // 200: one of the person's units has the case. 'outside': another unit of their organisation has it. 403: not their organisation's.
    type Outcome = 200 | 'outside' | 403;
    const expected: Record<keyof typeof people, Record<keyof typeof cases, Outcome>> = {
      karlstadStaff: { karlstad: 200, kil: 403, shared: 200, noConsent: 403, ifo: 'outside' },
      karlstadIfo: { karlstad: 'outside', kil: 403, shared: 'outside', noConsent: 403, ifo: 200 },
      karlstadAdmin: { karlstad: 'outside', kil: 403, shared: 'outside', noConsent: 403, ifo: 'outside' },
      regionStaff: { karlstad: 403, kil: 403, shared: 200, noConsent: 200, ifo: 403 },
      kilStaff: { karlstad: 403, kil: 200, shared: 403, noConsent: 403, ifo: 403 },
    };
    const added = async (before: number) => (await app.audit.entries()).slice(before);
    for (const [who, person] of Object.entries(people) as Array<[keyof typeof people, (typeof people)[keyof typeof people]]>) {
      const { session } = await signIn(person.email);
      const list = (await (await get(session, '/staff/api/cases')).json()) as { cases: Array<{ reference: string }> };
      const visible = Object.entries(cases).filter(([k]) => expected[who][k as keyof typeof cases] === 200).map(([, c]) => c.reference).sort();
      expect(list.cases.map((c) => c.reference).sort(), `${who} list`).to.deep.equal(visible);

      for (const [name, record] of Object.entries(cases) as Array<[keyof typeof cases, CaseRecord]>) {
        const outcome = expected[who][name];
        let before = (await app.audit.entries()).length;
        const res = await get(session, `/staff/api/cases/${record.reference}`);
        expect(res.status, `${who} reading ${name}`).to.equal(outcome === 200 ? 200 : 403);
        const read = await added(before);
        expect(read.length, `${who} reading ${name}: audit entries`).to.be.greaterThan(0);
        expect(read.every((e) => e.actor === person.email && e.target === record.reference)).to.equal(true);
        expect(read[0]!.outcome).to.equal(res.status === 200 ? 'allowed' : 'denied');
        if (res.status === 200) expect(read.map((e) => e.action)).to.deep.equal(['case.read', 'transcript.read']);
        else expect(((await res.json()) as { error: { code: string } }).error.code).to.equal(outcome === 'outside' ? 'OutsideUnit' : 'Forbidden');

        // Reading outside one's unit: only with a reason, only within one's organisation, audited with the reason.
        if (outcome === 200) continue;
        expect((await post(session!, `/staff/api/cases/${record.reference}/read-outside`, { reason: 'kort' })).status, 'a reason of a few words is required').to.equal(400);
        before = (await app.audit.entries()).length;
        const reason = `Kollegan är sjuk och personen har ringt om ${name}.`;
        const outside = await post(session!, `/staff/api/cases/${record.reference}/read-outside`, { reason });
        expect(outside.status, `${who} reading ${name} outside their unit`).to.equal(outcome === 'outside' ? 200 : 403);
        const entries = await added(before);
        expect(entries[0]).to.deep.include({ action: 'case.read.outside', actor: person.email, target: record.reference, reason, outcome: outcome === 'outside' ? 'allowed' : 'denied' });
        if (outcome === 'outside') {
          const view = (await outside.json()) as { outsideUnit: boolean; workUnits: string[]; case: CaseRecord };
          expect(view.outsideUnit).to.equal(true);
          expect(view.workUnits, 'read-only: no unit to work in').to.deep.equal([]);
          // Read outside one's unit, the case still cannot be changed.
          expect((await post(session!, `/staff/api/cases/${record.reference}/notes`, { text: 'Försök' })).status).to.equal(403);
        }
      }
      // Changes follow the same rule: only Kil's elderly care takes Kil's case.
      const take = await post(session!, `/staff/api/cases/${kilCase.reference}/take`);
      expect(take.status, `${who} taking Kil's case`).to.equal(expected[who].kil === 200 ? 200 : 403);
    }
  });

  it('shows the whole conversation only to units the person agreed may read it; the others see that only the summary was agreed (issue 18)', async () => {
    // Karlstad: the summary and the whole conversation; the region: the summary only.
    const record = await app.cases.create(caseDraft([{ ...KARLSTAD_BISTAND, transcript: true }, { ...REGION_VARDCENTRAL, transcript: false }]));
    const { channelId, conversationId } = record.conversation;
    await app.transcripts.logActivity({ type: 'message', id: 'm1', channelId, conversation: { id: conversationId }, from: { id: 'resident', role: 'user' }, recipient: { id: 'bot' }, text: 'Va? Det är inget akut', timestamp: new Date() } as never);
    const read = async (email: string) => {
      const { session } = await signIn(email);
      const before = (await app.audit.entries()).length;
      const res = await get(session, `/staff/api/cases/${record.reference}`);
      expect(res.status).to.equal(200);
      const body = (await res.json()) as { shared: string; transcript: Array<{ text: string }>; keyFacts: Array<{ id: string; value: string }> };
      return { body, actions: (await app.audit.entries()).slice(before).map((e) => e.action) };
    };
    const karlstad = await read(people.karlstadStaff.email);
    expect(karlstad.body.shared).to.equal('conversation');
    // The key facts say it too, for the reader's own unit, among the first.
    expect(karlstad.body.keyFacts.slice(0, 5).map((f) => f.id)).to.deep.equal(['person', 'answeredBy', 'municipality', 'urgency', 'shared']);
    expect(karlstad.body.keyFacts.find((f) => f.id === 'shared')!.value).to.equal('sammanfattningen och hela samtalet');
    expect(karlstad.body.transcript.map((l) => l.text)).to.deep.equal(['Va? Det är inget akut']);
    expect(karlstad.actions).to.deep.equal(['case.read', 'transcript.read']);
    const region = await read(people.regionStaff.email);
    expect(region.body.shared).to.equal('summary');
    expect(region.body.keyFacts.find((f) => f.id === 'shared')!.value).to.equal('bara sammanfattningen (hela samtalet godkändes inte)');
    expect(region.body.transcript, 'an aside in the conversation never reaches a unit that got the summary only').to.deep.equal([]);
    expect(JSON.stringify(region.body)).not.to.include('inget akut');
    expect(region.actions, 'no transcript was read').to.deep.equal(['case.read']);
  });

  it('never gives staff the person\'s copy (its secret\'s hash or the person\'s own summary): not in a read, a list, a change, a read outside the unit or an export', async () => {
    const copy = newCopySecret();
    const record = await app.cases.create({
      ...caseDraft([KARLSTAD_BISTAND, KARLSTAD_IFO]),
      personCopy: { tokenHash: copy.hash, locale: 'sv', summary: { title: 'Din sammanfattning', recipients: 'Kopians mottagare', sections: [] } },
    });
    const leaks = (body: string, what: string) => {
      expect(body, what).not.to.include('personCopy');
      expect(body, what).not.to.include(copy.hash);
      expect(body, what).not.to.include(copy.secret);
      expect(body, what).not.to.include('Kopians mottagare');
    };
    const { session } = await signIn(people.karlstadStaff.email);
    const read = await get(session, `/staff/api/cases/${record.reference}`);
    expect(read.status).to.equal(200);
    leaks(await read.text(), 'a read');
    leaks(await (await get(session, `/staff/api/cases?q=${record.reference}`)).text(), 'a search');
    leaks(await (await get(session, '/staff/api/cases')).text(), 'the list');
    const taken = await post(session!, `/staff/api/cases/${record.reference}/take`, { unit: 'karlstad:bistand' });
    expect(taken.status).to.equal(200);
    leaks(await taken.text(), 'a change');
    leaks(await (await get(session, `/staff/api/cases/${record.reference}/export?format=json`)).text(), 'the JSON export');
    leaks(await (await get(session, `/staff/api/cases/${record.reference}/export`)).text(), 'the text export');
    const admin = (await signIn(people.karlstadAdmin.email)).session;
    const outside = await post(admin!, `/staff/api/cases/${record.reference}/read-outside`, { reason: 'Kollegan är sjuk och personen har ringt.' });
    expect(outside.status).to.equal(200);
    leaks(await outside.text(), 'a read outside the unit');
    // The copy itself is untouched: the person's link still opens it.
    expect((await app.cases.get(record.reference))!.personCopy!.tokenHash).to.equal(copy.hash);
  });

  it('shows a readable case with summary, transcript and delivery history; take, close with a note, export', async () => {
    const { session } = await signIn(people.karlstadStaff.email);
    const res = await get(session, `/staff/api/cases/${karlstadCase.reference}`);
    const body = (await res.json()) as { case: CaseRecord; transcript: unknown[]; deliveries: Array<{ status: string }> };
    expect(body.case.summaryText).to.include('Jag bor ensam och trappan är svår.');
    expect(body.transcript).to.be.an('array');
    // The shipped directory has example addresses only: the delivery is visibly skipped.
    expect(body.deliveries.map((d) => d.status)).to.deep.equal([]);

    const unit = 'karlstad:bistand';
    const taken = (await (await post(session!, `/staff/api/cases/${karlstadCase.reference}/take`)).json()) as { case: CaseRecord };
    expect(taken.case.work[unit]).to.deep.include({ status: 'in_progress', assignee: { id: people.karlstadStaff.email, name: 'Anna Exempel' } });
    const closed = (await (await post(session!, `/staff/api/cases/${karlstadCase.reference}/close`, { note: 'Hembesök bokat 3/12.' })).json()) as { case: CaseRecord };
    expect(closed.case.work[unit]!.status).to.equal('closed');
    expect(closed.case.work[unit]!.journal.map((e) => e.kind)).to.deep.equal(['assigned', 'status']);
    expect((await post(session!, `/staff/api/cases/${karlstadCase.reference}/close`)).status).to.equal(409);
    expect((await post(session!, `/staff/api/cases/${karlstadCase.reference}/take`)).status, 'a closed case is not reopened by taking it').to.equal(409);
    expect((await post(session!, `/staff/api/cases/${karlstadCase.reference}/notes`, { text: 'Efter stängning' })).status, 'no notes on a closed part').to.equal(409);
    const reopened = (await (await post(session!, `/staff/api/cases/${karlstadCase.reference}/reopen`, { note: 'Personen ringde igen.' })).json()) as { case: CaseRecord };
    expect(reopened.case.work[unit]!.status).to.equal('reopened');
    expect((await post(session!, `/staff/api/cases/${karlstadCase.reference}/notes`, { kind: 'contact', text: 'Ringde personen, bokade nytt hembesök.' })).status).to.equal(200);

    const text = await (await get(session, `/staff/api/cases/${karlstadCase.reference}/export`)).text();
    expect(text).to.include(`Ärende ${karlstadCase.reference}`);
    expect(text).to.match(/Inkommet: \d{4}-\d{2}-\d{2} \d{2}:\d{2} \(svensk tid\)/u);
    expect(text).to.include('Personen: Testa Testsson, 19811218-9876');
    expect(text).to.include('Status: återöppnad');
    expect(text).to.include('Avslutad av Anna Exempel: Hembesök bokat 3/12.');
    expect(text).to.include('Kontakt med personen, Anna Exempel: Ringde personen, bokade nytt hembesök.');
    expect(text).not.to.match(/closed|reopened|in_progress|T\d{2}:\d{2}:\d{2}/u);
    const json = (await (await get(session, `/staff/api/cases/${karlstadCase.reference}/export?format=json`)).json()) as CaseRecord & { keyFacts: unknown[]; text: string };
    expect(json.reference).to.equal(karlstadCase.reference);
    expect(json.keyFacts).to.have.length.above(3);
    expect(json.text).to.equal(text);
    await post(session!, `/staff/api/cases/${karlstadCase.reference}/close`);

    const filtered = (await (await get(session, '/staff/api/cases?status=closed')).json()) as { cases: Array<{ reference: string }> };
    expect(filtered.cases.map((c) => c.reference)).to.deep.equal([karlstadCase.reference]);
    const urgent = (await (await get(session, '/staff/api/cases?urgent=true')).json()) as { cases: Array<{ reference: string }> };
    expect(urgent.cases.map((c) => c.reference)).to.deep.equal([sharedCase.reference]);
    expect((await get(session, '/staff/api/cases?status=taken')).status, 'the old status words are gone').to.equal(400);
    expect((await get(session, '/staff/api/cases/not-a-reference')).status).to.equal(400);
    expect((await get(session, '/staff/api/cases/NV-2020-999999')).status).to.equal(404);
  });

  it('filters by the Swedish calendar day: a case at 00:30 in Sweden belongs to that day', async () => {
    expect(swedishDate('2026-11-20T23:30:00Z')).to.equal('2026-11-21');
    const late = await app.cases.create(caseDraft([KARLSTAD_BISTAND], { createdAt: '2026-06-20T22:30:00Z' }));
    const { session } = await signIn(people.karlstadStaff.email);
    const day = (await (await get(session, '/staff/api/cases?from=2026-06-21&to=2026-06-21')).json()) as { cases: Array<{ reference: string }> };
    expect(day.cases.map((c) => c.reference)).to.deep.equal([late.reference]);
  });

  it('lists the newest cases up to a limit, with how many match in all and how many urgent ones wait', async () => {
    const { session } = await signIn(people.kilStaff.email);
    const before = (await (await get(session, '/staff/api/cases')).json()) as { cases: Array<{ reference: string }>; total: number; urgentWaiting: number };
    const added = [];
    for (let i = 0; i < 3; i++) added.push(await app.cases.create(caseDraft([KIL_BISTAND], { urgent: i === 0, municipality: { id: 'kil', name: 'Kils kommun', scbCode: '1715' } })));
    const two = (await (await get(session, '/staff/api/cases?limit=2')).json()) as typeof before;
    expect(two.cases.map((c) => c.reference), 'the newest two').to.deep.equal([added[2]!.reference, added[1]!.reference]);
    expect(two.total).to.equal(before.total + 3);
    expect(two.urgentWaiting).to.equal(before.urgentWaiting + 1);
    // The urgent count is the organisation's, not the filter's: a list of closed cases still says so.
    const closed = (await (await get(session, '/staff/api/cases?status=closed&limit=2')).json()) as typeof before;
    expect(closed.urgentWaiting).to.equal(two.urgentWaiting);
    for (const limit of ['0', '1001', 'många']) expect((await get(session, `/staff/api/cases?limit=${encodeURIComponent(limit)}`)).status, `limit=${limit}`).to.equal(400);
  });

  it('gives admins their organisation\'s audit log and an export; staff are refused', async () => {
    // Someone trying passwords: on a Karlstad account, on a Kil account, on an address nobody has.
    for (const email of [people.karlstadStaff.email, people.kilStaff.email, 'okand@karlstad.test']) expect((await signIn(email, 'gissning-123')).status).to.equal(401);
    const staff = (await signIn(people.karlstadStaff.email)).session!;
    expect((await get(staff, '/staff/api/audit')).status).to.equal(403);
    const admin = (await signIn(people.karlstadAdmin.email)).session!;
    const view = (await (await get(admin, '/staff/api/audit')).json()) as { chain: { ok: boolean }; entries: AuditEntry[] };
    expect(view.chain.ok).to.equal(true);
    expect(view.entries.length).to.be.greaterThan(5);
    expect(view.entries.every((e) => e.actorOrganisation === 'karlstad' || e.targetOrganisations?.includes('karlstad'))).to.equal(true);
    // Attempts from other organisations on Karlstad's cases are Karlstad's to review…
    expect(view.entries.some((e) => e.actor === people.kilStaff.email && e.outcome === 'denied' && e.target === karlstadCase.reference)).to.equal(true);
    // Reading outside one's unit is there with its reason.
    expect(view.entries.some((e) => e.action === 'case.read.outside' && e.actor === people.karlstadIfo.email && e.outcome === 'allowed' && /Kollegan är sjuk/u.test(e.reason ?? ''))).to.equal(true);
    // …but what Kil's staff do with Kil's own cases is not.
    expect(view.entries.some((e) => e.actor === people.kilStaff.email && e.target === kilCase.reference)).to.equal(false);
    // A failed sign-in to a Karlstad account is Karlstad's to see; Kil's and an unknown address's are not.
    const failed = view.entries.filter((e) => e.action === 'login.failed').map((e) => e.actor);
    expect(failed).to.include(people.karlstadStaff.email);
    expect(failed).not.to.include(people.kilStaff.email).and.not.to.include('okand@karlstad.test');
    const exported = await (await get(admin, '/staff/api/audit?format=jsonl')).text();
    const lines = exported.trim().split('\n').map((l) => JSON.parse(l) as AuditEntry);
    expect(lines.length).to.be.greaterThan(5);
  });

  it('keeps the audit log tamper-evident: editing one entry breaks the chain from there', async () => {
    const entries = await app.audit.entries();
    expect(verifyChain(entries)).to.deep.equal({ ok: true, entries: entries.length });
    const dir = path.join(dataDir, 'audit');
    const files = (await readdir(dir)).sort();
    const victim = path.join(dir, files[3]!);
    const raw = JSON.parse(await readFile(victim, 'utf8')) as { value: AuditEntry };
    raw.value.actor = 'someone-else@karlstad.test';
    await writeFile(victim, JSON.stringify(raw));
    const broken = verifyChain(await app.audit.entries());
    expect(broken).to.deep.include({ ok: false, brokenAt: 4 });
  });

  it('lets an organisation admin manage their own staff, and nobody else\'s', async () => {
    const admin = (await signIn(people.karlstadAdmin.email)).session!;
    const staff = (await signIn(people.karlstadStaff.email)).session!;
    expect((await get(staff, '/staff/api/accounts')).status).to.equal(403);
    const created = await post(admin, '/staff/api/accounts', { email: 'Ny.Kollega@karlstad.test', name: 'Ny Kollega', password: PASSWORD });
    expect(created.status).to.equal(201);
    expect((await signIn('ny.kollega@karlstad.test')).body).to.deep.include({ organisationId: 'karlstad', role: 'staff' });
    const list = (await (await get(admin, '/staff/api/accounts')).json()) as { accounts: Array<{ id: string }> };
    expect(list.accounts.map((a) => a.id)).to.include('ny.kollega@karlstad.test');
    expect(list.accounts.map((a) => a.id)).not.to.include(people.kilStaff.email);
    expect((await post(admin, '/staff/api/accounts', { email: 'kort@karlstad.test', name: 'Kort', password: 'kort' })).status).to.equal(400);
    // Another organisation's account can neither be taken over nor disabled.
    expect((await post(admin, '/staff/api/accounts', { email: people.kilStaff.email, name: 'Kapad', password: PASSWORD })).status).to.equal(403);
    expect((await post(admin, `/staff/api/accounts/${encodeURIComponent(people.kilStaff.email)}/disable`)).status).to.equal(403);
    expect((await signIn(people.kilStaff.email)).status).to.equal(200);
    expect((await post(admin, `/staff/api/accounts/${encodeURIComponent('ny.kollega@karlstad.test')}/disable`)).status).to.equal(200);
    expect((await signIn('ny.kollega@karlstad.test')).status).to.equal(401);
    const entries = (await app.audit.entries()).filter((e) => e.action === 'account.add' || e.action === 'account.disable');
    expect(entries.map((e) => `${e.action} ${e.outcome}`)).to.include.members(['account.add allowed', 'account.add denied', 'account.disable denied', 'account.disable allowed']);
  });

  it('adds and disables accounts from the command line; a disabled account loses access at once', async () => {
    const run = (args: string[], input: string) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/staff.ts', ...args], { cwd: REPO_ROOT, env: { PATH: process.env['PATH'] ?? '', DATA_DIR: dataDir, LOG_LEVEL: 'silent' } });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('close', (code) => resolve({ code, stdout, stderr }));
        child.stdin.end(input);
      });
    const added = await run(['add', '--email', 'Erik.Ny@Kil.test', '--name', 'Erik Ny', '--org', 'kil', '--units', 'bistand', '--password-stdin'], `${PASSWORD}\n`);
    expect(added.code, added.stderr).to.equal(0);
    const { session } = await signIn('erik.ny@kil.test');
    const cases = (await (await get(session, '/staff/api/cases')).json()) as { cases: Array<{ reference: string }> };
    expect(cases.cases.map((c) => c.reference), 'the unit given on the command line').to.include(kilCase.reference);
    const badUnit = await run(['add', '--email', 'x@kil.test', '--name', 'X', '--org', 'kil', '--units', 'vardcentral'], `${PASSWORD}\n`);
    expect(badUnit.code).to.equal(1);
    expect(badUnit.stderr).to.include('--units must be contact point types of kil');

    const short = await run(['add', '--email', 'kort@kil.test', '--name', 'Kort', '--org', 'kil'], 'kort\n');
    expect(short.code).to.equal(1);
    expect(short.stderr).to.include('at least 12 characters');
    const badOrg = await run(['add', '--email', 'x@y.test', '--name', 'X', '--org', 'stockholm'], `${PASSWORD}\n`);
    expect(badOrg.code).to.equal(1);
    expect(badOrg.stderr).to.include('--org must be an organisation id');

    const disabled = await run(['disable', '--email', 'erik.ny@kil.test'], '');
    expect(disabled.code, disabled.stderr).to.equal(0);
    expect((await get(session, '/staff/api/cases')).status).to.equal(401);
    expect((await signIn('erik.ny@kil.test')).status).to.equal(401);
    const actions = (await app.audit.entries()).map((e) => e.action);
    expect(actions).to.include.members(['account.add', 'account.disable']);
  });
});
