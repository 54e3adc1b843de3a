/**
 * One case, two organisations, three units (Karlstad's elderly care, Karlstad's individual and
 * family care, the Region's vårdcentral), over the staff API as a case worker's browser calls it:
 * each unit works its own part (status, assignee, due date, journal), none reads another's notes or
 * status, reminders about the urgent case go to the units that have not started it, a
 * reclassification stops them for that unit only, searches are audited without the personnummer in
 * clear, a case is given to a colleague in the unit, overdue shows per unit, and the organisation's
 * administrator sets who works in which unit.
 */
import { expect } from 'chai';
import { createApp, type App } from '../src/app.js';
import type { CaseRecord } from '../src/core/cases.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { DeliveryWorker } from '../src/delivery/worker.js';
import { KARLSTAD_BISTAND, KARLSTAD_IFO, REGION_VARDCENTRAL, caseDraft } from './helpers/cases.js';
import { REPO_ROOT, removeDir, tempDir } from './helpers/harness.js';

const PASSWORD = 'korrekt-häst-batteri-häfta';
const PNR = '19811218-9876';

const PEOPLE = {
  anna: { email: 'anna@karlstad.test', name: 'Anna Exempel', org: 'karlstad', role: 'staff' as const, units: ['karlstad:bistand'] },
  bo: { email: 'bo@karlstad.test', name: 'Bo Kollega', org: 'karlstad', role: 'staff' as const, units: ['karlstad:bistand'] },
  erik: { email: 'erik@karlstad.test', name: 'Erik Socialsekreterare', org: 'karlstad', role: 'staff' as const, units: ['karlstad:ifo'] },
  admin: { email: 'admin@karlstad.test', name: 'Bertil Admin', org: 'karlstad', role: 'admin' as const, units: [] as string[] },
  cecilia: { email: 'cecilia@region.test', name: 'Cecilia Testsson', org: 'region_varmland', role: 'staff' as const, units: ['region_varmland:vardcentral'] },
};
type Who = keyof typeof PEOPLE;

describe('a case shared by two organisations and three units', function () {
  this.timeout(60000);
  let dir: string;
  let app: App;
  let url: string;
  let shared: CaseRecord;
  const cookies = {} as Record<Who, string>;

  const call = async (who: Who, method: string, route: string, body?: unknown) => {
    // Changes are JSON, as the staff page sends them (src/staff/staff-guard.ts).
    const json = method !== 'GET' ? (body ?? {}) : undefined;
    const res = await fetch(`${url}${route}`, { method, headers: { cookie: cookies[who], ...(json ? { 'content-type': 'application/json' } : {}) }, ...(json ? { body: JSON.stringify(json) } : {}) });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };
  /** One round of a delivery worker at `now` with urgent reminders after 30 minutes (its senders do nothing). */
  const reminderRound = (now: string) =>
    new DeliveryWorker({
      outbox: app.outbox,
      cases: app.cases,
      directory: app.content.directory,
      senders: { email: { send: async () => undefined }, webhook: { send: async () => undefined }, teams: { send: async () => undefined }, handoff: { send: async () => undefined } },
      logger: createLogger('silent'),
      intervalMs: 60_000,
      urgentReminderMinutes: 30,
      now: () => new Date(now),
    }).runOnce();
  const read = async (who: Who) => (await call(who, 'GET', `/staff/api/cases/${shared.reference}`)).json as unknown as { case: CaseRecord };

  before(async () => {
    dir = await tempDir('intake-shared-');
    app = await createApp({ ...loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent', URGENT_REMINDER_MINUTES: '0' }, REPO_ROOT), port: 0 }, createLogger('silent'));
    ({ url } = await app.listen());
    for (const [who, p] of Object.entries(PEOPLE) as Array<[Who, (typeof PEOPLE)[Who]]>) {
      await app.accounts.put({ email: p.email, name: p.name, organisationId: p.org, role: p.role, password: PASSWORD });
      await app.members.setUnits(p.org, p.email, p.units, 'test');
      const res = await fetch(`${url}/staff/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: p.email, password: PASSWORD }) });
      cookies[who] = res.headers.get('set-cookie')!.split(';')[0]!;
    }
    // Urgent, in on Monday 2 November 2026 at 09:00 Swedish time; the IFO answers within three working days.
    shared = await app.cases.create(
      caseDraft([KARLSTAD_BISTAND, { ...KARLSTAD_IFO, responseDays: 3 }, REGION_VARDCENTRAL], { urgent: true, createdAt: '2026-11-02T08:00:00.000Z', name: 'Greta Testsson', phone: '070-174 06 42' }),
    );
  });
  after(async () => {
    await app.close();
    await removeDir(dir);
  });

  it('gives each unit its own part: new, urgent, due the same day', async () => {
    expect(Object.values(shared.work).map((w) => [w.unit, w.status, w.urgent, w.due])).to.deep.equal([
      ['karlstad:bistand', 'new', true, '2026-11-02'],
      ['karlstad:ifo', 'new', true, '2026-11-02'],
      ['region_varmland:vardcentral', 'new', true, '2026-11-02'],
    ]);
  });

  it('lets each unit work its part; nobody reads another unit\'s notes, status or assignee', async () => {
    expect((await call('anna', 'POST', `/staff/api/cases/${shared.reference}/take`)).status).to.equal(200);
    expect((await call('anna', 'POST', `/staff/api/cases/${shared.reference}/notes`, { text: 'Hemtjänstbehov: dusch två gånger i veckan.' })).status).to.equal(200);
    expect((await call('erik', 'POST', `/staff/api/cases/${shared.reference}/notes`, { kind: 'contact', text: 'Orosanmälan övervägs, dottern hörs i morgon.' })).status).to.equal(200);
    expect((await call('erik', 'POST', `/staff/api/cases/${shared.reference}/close`, { note: 'Ingen insats från IFO.' })).status).to.equal(200);
    expect((await call('cecilia', 'POST', `/staff/api/cases/${shared.reference}/notes`, { text: 'Läkemedelsgenomgång bokad.' })).status).to.equal(200);

    const anna = JSON.stringify(await read('anna'));
    const erik = JSON.stringify(await read('erik'));
    const cecilia = JSON.stringify(await read('cecilia'));
    expect(anna).to.include('Hemtjänstbehov').and.not.include('Orosanmälan').and.not.include('Läkemedelsgenomgång').and.not.include('Ingen insats');
    expect(erik).to.include('Orosanmälan').and.include('Ingen insats').and.not.include('Hemtjänstbehov').and.not.include('Anna Exempel');
    expect(cecilia).to.include('Läkemedelsgenomgång').and.not.include('Hemtjänstbehov').and.not.include('Orosanmälan').and.not.include('Anna Exempel').and.not.include('Erik');
    // The shared part is the same for all: the resident's words.
    for (const seen of [anna, erik, cecilia]) expect(seen).to.include('Jag bor ensam och trappan är svår.');

    const stored = (await app.cases.get(shared.reference))!;
    expect(Object.values(stored.work).map((w) => [w.unit, w.status, w.assignee?.name ?? null])).to.deep.equal([
      ['karlstad:bistand', 'in_progress', 'Anna Exempel'],
      ['karlstad:ifo', 'closed', null],
      ['region_varmland:vardcentral', 'new', null],
    ]);
    // The same in the lists: each sees their own unit's status.
    const listOf = async (who: Who) => ((await call(who, 'GET', '/staff/api/cases')).json['cases'] as Array<{ reference: string; work: Array<{ unit: string; status: string }> }>).find((c) => c.reference === shared.reference)!.work;
    expect((await listOf('anna')).map((w) => [w.unit, w.status])).to.deep.equal([['karlstad:bistand', 'in_progress']]);
    expect((await listOf('cecilia')).map((w) => [w.unit, w.status])).to.deep.equal([['region_varmland:vardcentral', 'new']]);
    expect((await listOf('erik')).map((w) => [w.unit, w.status])).to.deep.equal([['karlstad:ifo', 'closed']]);
  });

  it('reminds only the units that have not started the urgent case; a reclassification (audited) stops it for that unit', async () => {
    const remindAt = async (now: string, reference = shared.reference) => {
      await reminderRound(now);
      return [...new Set((await app.outbox.forCase(reference)).filter((i) => i.purpose === 'reminder').map((i) => i.recipientKey))].sort();
    };
    expect(await remindAt('2026-11-02T09:00:00.000Z'), 'Karlstad has started or closed its parts; the Region has not').to.deep.equal(['region_varmland:vardcentral']);

    // Bo's case, urgent for all; the Region judges it not urgent after a call, Karlstad's elderly care does nothing.
    const second = await app.cases.create(caseDraft([KARLSTAD_BISTAND, REGION_VARDCENTRAL], { urgent: true, createdAt: '2026-11-03T08:00:00.000Z', personnummer: '19811278-9873', name: 'Bo Provsson' }));
    const before = (await app.audit.entries()).length;
    const reclassified = await call('cecilia', 'POST', `/staff/api/cases/${second.reference}/reclassify`, { urgent: false, note: 'Ringde personen: det var en missuppfattning, inte akut.' });
    expect(reclassified.status).to.equal(200);
    const work = (reclassified.json['case'] as CaseRecord).work['region_varmland:vardcentral']!;
    expect(work, 'due five working days after Tuesday 3 November').to.deep.include({ urgent: false, status: 'new', due: '2026-11-10' });
    expect(work.journal.at(-1)).to.deep.include({ kind: 'reclassified', urgent: false, text: 'Ringde personen: det var en missuppfattning, inte akut.' });
    expect((await app.audit.entries()).slice(before).map((e) => [e.action, e.actor, e.target, e.unit, e.outcome])).to.deep.include(['case.reclassify', PEOPLE.cecilia.email, second.reference, 'region_varmland:vardcentral', 'allowed']);
    const reminded = await remindAt('2026-11-03T10:00:00.000Z', second.reference);
    expect(reminded, 'still urgent for Karlstad, no longer for the Region').to.deep.equal(['karlstad:bistand']);
  });

  it('finds a case by name, personnummer, phone or reference in one search; each search is audited, the number only as a keyed hash', async () => {
    const search = async (q: string) => {
      const res = await call('anna', 'GET', `/staff/api/cases?q=${encodeURIComponent(q)}`);
      return { status: res.status, refs: ((res.json['cases'] as Array<{ reference: string }> | undefined) ?? []).map((c) => c.reference), kind: res.json['search'] };
    };
    const before = (await app.audit.entries()).length;
    expect(await search('greta testsson')).to.deep.equal({ status: 200, refs: [shared.reference], kind: 'name' });
    expect(await search(PNR)).to.deep.include({ refs: [shared.reference], kind: 'personnummer' });
    expect((await search('198112189876')).refs, '12 digits without a hyphen').to.deep.equal([shared.reference]);
    expect(await search('+46 70 174 06 42')).to.deep.include({ refs: [shared.reference], kind: 'phone' });
    expect((await search(shared.reference.toLowerCase())).refs).to.deep.equal([shared.reference]);
    expect((await search('x')).status, 'too short to search for').to.equal(400);
    const all = (await app.audit.entries()).slice(before);
    // A search without hits: a neutral marker as its target, not Swedish words written by the code.
    expect((await search('Ingen Sådan Person')).refs).to.deep.equal([]);
    const none = (await app.audit.entries()).at(-1)!;
    expect(none).to.deep.include({ action: 'case.search', target: '(none)', reason: 'name: ingen sådan person' });
    const entries = all;
    expect(entries.map((e) => e.action), 'five searches (the refused one searched nothing)').to.deep.equal(['case.search', 'case.search', 'case.search', 'case.search', 'case.search']);
    expect(entries.every((e) => e.actor === PEOPLE.anna.email && e.target === shared.reference)).to.equal(true);
    expect(entries[0]!.reason).to.equal('name: greta testsson');
    expect(entries[1]!.reason).to.match(/^personnummer: hmac-sha256:[0-9a-f]{32}$/u);
    expect(entries[2]!.reason, 'the same number in another form is the same search').to.equal(entries[1]!.reason);
    const everything = JSON.stringify(await app.audit.entries());
    for (const form of ['19811218-9876', '198112189876', '8112189876', '811218-9876', '0701740642', '174 06 42']) expect(everything, form).not.to.include(form);
    // The admin can still find who searched for the number.
    const found = await call('admin', 'GET', `/staff/api/audit?searched=${encodeURIComponent('811218-9876')}`);
    expect((found.json['entries'] as Array<{ actor: string; action: string }>).map((e) => [e.action, e.actor])).to.deep.equal([
      ['case.search', PEOPLE.anna.email],
      ['case.search', PEOPLE.anna.email],
    ]);
  });

  it('gives the case to a colleague in the unit (not to someone outside it), and shows it in their "mina ärenden", overdue', async () => {
    const colleagues = (await call('anna', 'GET', '/staff/api/colleagues')).json['colleagues'] as Array<{ id: string; name: string }>;
    // Everyone in Anna's unit (the Anna of data/staff-teams.yaml too, who signs in with Microsoft), nobody else.
    expect(colleagues.map((c) => c.name)).to.include.members(['Anna Exempel', 'Bo Kollega']).and.not.include('Erik Socialsekreterare');
    expect((await call('anna', 'POST', `/staff/api/cases/${shared.reference}/assign`, { assignee: PEOPLE.erik.email })).status, 'Erik is in the IFO').to.equal(400);
    const given = await call('anna', 'POST', `/staff/api/cases/${shared.reference}/assign`, { assignee: PEOPLE.bo.email });
    expect(given.status).to.equal(200);
    expect((given.json['case'] as CaseRecord).work['karlstad:bistand']!.assignee).to.deep.equal({ id: PEOPLE.bo.email, name: 'Bo Kollega' });
    const mine = await call('bo', 'GET', '/staff/api/cases?mine=true');
    const item = (mine.json['cases'] as Array<{ reference: string; work: Array<{ overdue: boolean; due: string; assignee: string }> }>).find((c) => c.reference === shared.reference)!;
    expect(item.work[0]).to.deep.include({ overdue: true, due: '2026-11-02', assignee: 'Bo Kollega' });
    expect((await call('anna', 'GET', '/staff/api/cases?mine=true')).json['cases']).to.deep.equal([]);
    expect(((await call('bo', 'GET', '/staff/api/cases?overdue=true')).json['overdue'] as number)).to.be.greaterThan(0);
  });

  it('lets the organisation\'s administrator set who works in which unit (audited); staff may not', async () => {
    expect((await call('anna', 'GET', '/staff/api/members')).status).to.equal(403);
    const listed = await call('admin', 'GET', '/staff/api/members');
    expect((listed.json['units'] as Array<{ key: string }>).map((u) => u.key)).to.include.members(['karlstad:bistand', 'karlstad:ifo', 'karlstad:lss']);
    expect((listed.json['members'] as Array<{ id: string }>).map((m) => m.id)).to.not.include(PEOPLE.cecilia.email);
    expect((await call('admin', 'PUT', `/staff/api/members/${encodeURIComponent(PEOPLE.erik.email)}/units`, { units: ['region_varmland:vardcentral'] })).status, 'not a unit of Karlstad').to.equal(400);
    expect((await call('admin', 'PUT', `/staff/api/members/${encodeURIComponent(PEOPLE.cecilia.email)}/units`, { units: ['karlstad:ifo'] })).status, 'not a member of Karlstad').to.equal(404);
    const moved = await call('admin', 'PUT', `/staff/api/members/${encodeURIComponent(PEOPLE.erik.email)}/units`, { units: ['karlstad:ifo', 'karlstad:bistand'] });
    expect(moved.status).to.equal(200);
    // At his next request Erik reads the elderly care's part too.
    expect(Object.keys((await read('erik')).case.work)).to.deep.equal(['karlstad:bistand', 'karlstad:ifo']);
    expect((await call('erik', 'POST', `/staff/api/cases/${shared.reference}/notes`, { text: 'Två enheter' })).status, 'two of his units have it: he must say which').to.equal(400);
    const entries = (await app.audit.entries()).filter((e) => e.action === 'unit.members');
    expect(entries.map((e) => [e.outcome, e.target])).to.deep.include.members([
      ['denied', undefined],
      ['denied', PEOPLE.erik.email],
      ['denied', PEOPLE.cecilia.email],
      ['allowed', PEOPLE.erik.email],
    ]);
  });
});
