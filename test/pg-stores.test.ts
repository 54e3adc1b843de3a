/**
 * The PostgreSQL stores, against a real PostgreSQL (the machine's server, or PGlite where there is
 * none), and the same contract run against the embedded stores: bot state with real eTags across
 * instances, case numbering and idempotency under concurrent confirms from two instances, one audit
 * chain from two instances, and migrations that two instances can start at once.
 */
import type { Storage, TurnContext } from 'botbuilder';
import { expect } from 'chai';
import { newCopySecret, opensCopy } from '../src/core/person-copy.js';
import { verifyChain, type AuditLog } from '../src/core/audit.js';
import type { CaseQuery } from '../src/core/case-query.js';
import type { CaseRecord, CaseStore } from '../src/core/cases.js';
import type { Activity } from 'botbuilder';
import type { OutboxItem } from '../src/core/delivery.js';
import { LowdbAuditLog } from '../src/storage/lowdb-audit-log.js';
import { openLowdbStores, openPgStores, type Stores } from '../src/storage/stores.js';
import { createPool, migrate } from '../src/storage/postgres/database.js';
import { MIGRATIONS } from '../src/storage/postgres/migrations.js';
import { PgBotStorage } from '../src/storage/postgres/pg-bot-storage.js';
import { PgTurnLock } from '../src/storage/postgres/pg-turn-lock.js';
import { sweepExpiredPg } from '../src/storage/postgres/pg-retention.js';
import { secondsToWait } from '../src/directline/rate-limit.js';
import { KARLSTAD_BISTAND, KIL_BISTAND, REGION_VARDCENTRAL, caseDraft } from './helpers/cases.js';
import type { WorkStatus } from '../src/core/case-work.js';

/** The case with one unit's status changed (as a store sees a change, whatever made it). */
function withStatus(c: CaseRecord, unit: string, status: WorkStatus): CaseRecord {
  return { ...c, work: { ...c.work, [unit]: { ...c.work[unit]!, status } } };
}
import { CONFIRM_AND_SHARE, SELF_ANSWERS } from './helpers/answers.js';
import { removeDir, startConversation, tempDir, textOf } from './helpers/harness.js';
import { testDatabase, type TestDatabase } from './helpers/postgres.js';

/** Two "instances" of every store sharing one backend. */
interface Backend {
  name: string;
  stores: [Stores, Stores];
  state: [Storage, Storage];
  cases: [CaseStore, CaseStore];
  audit: [AuditLog, AuditLog];
  close(): Promise<void>;
}

function pairOf(name: string, a: Stores, b: Stores, close: () => Promise<void>): Backend {
  return { name, stores: [a, b], state: [a.botState, b.botState], cases: [a.cases, b.cases], audit: [a.audit, b.audit], close };
}

async function postgresBackend(): Promise<Backend> {
  const db = await testDatabase();
  const [a, b] = await Promise.all([openPgStores({ dataDir: '', databaseUrl: db.url }), openPgStores({ dataDir: '', databaseUrl: db.url })]);
  return pairOf(`PostgreSQL (${db.kind})`, a, b, async () => {
    await Promise.all([a.close(), b.close()]);
    await db.drop();
  });
}

async function lowdbBackend(): Promise<Backend> {
  const dir = await tempDir('intake-contract-');
  const a = openLowdbStores({ dataDir: dir });
  // The embedded store is for one process: its "instances" share one object, except the audit
  // log, which `npm run staff` appends to from a second process.
  return pairOf('lowdb (embedded)', a, { ...a, audit: new LowdbAuditLog(dir) }, async () => {
    await a.close();
    await removeDir(dir);
  });
}

/** An activity as the transcript logger hands it over. */
function logged(conversationId: string, n: number, at: Date): Activity {
  return { type: 'message', id: `${conversationId}-${n}`, text: `meddelande ${n}`, channelId: 'webchat', conversation: { id: conversationId }, from: { id: 'u', name: '' }, timestamp: at } as unknown as Activity;
}

function outboxItem(reference: string, target: string, nextAttemptAt: string): OutboxItem {
  return {
    id: `${reference}|new|kil-bistand|email:${target}`,
    caseReference: reference,
    purpose: 'new',
    urgent: false,
    recipientKey: 'kil-bistand',
    organisationId: 'kil',
    target: { kind: 'email', to: target },
    status: 'pending',
    attempts: 0,
    createdAt: nextAttemptAt,
    nextAttemptAt,
  };
}

for (const make of [postgresBackend, lowdbBackend]) {
  describe(`store contract: ${make === postgresBackend ? 'PostgreSQL' : 'lowdb (embedded)'}`, function () {
    this.timeout(60000);
    let backend: Backend;
    before(async () => {
      backend = await make();
    });
    after(() => backend.close());

    it('web chat request limits: the request over the limit waits; on PostgreSQL every instance counts together', async () => {
      const [a, b] = backend.stores;
      const onPostgres = a.backend === 'postgresql';
      const first = a.limiter('test-limit', 3);
      // The embedded store serves one instance: its limit is that instance's.
      const second = onPostgres ? b.limiter('test-limit', 3) : first;
      const address = '192.0.2.10';
      expect(await secondsToWait(first, address)).to.equal(undefined);
      expect(await secondsToWait(second, address)).to.equal(undefined);
      expect(await secondsToWait(first, address)).to.equal(undefined);
      expect(await secondsToWait(second, address)).to.be.within(1, 60);
      expect(await secondsToWait(first, '192.0.2.11'), 'another address is not held back').to.equal(undefined);
      if (onPostgres) {
        const rows = await a.pool!.query<{ key: string; points: number }>('SELECT key, points FROM rate_limits ORDER BY key');
        expect(rows.rows).to.deep.equal([
          { key: 'test-limit:192.0.2.10', points: 4 },
          { key: 'test-limit:192.0.2.11', points: 1 },
        ]);
      }
    });

    it('staff sessions: kept by the hash of their id, ended one by one, all of a member at once, or when expired; seen by every instance', async () => {
      const [a, b] = backend.stores;
      const now = Date.now();
      const session = (subject: string, hours: number) => ({ subject, source: 'local' as const, createdAt: new Date(now).toISOString(), expiresAt: new Date(now + hours * 3600_000).toISOString() });
      await a.staffSessions.create('hash-1', session('anna@karlstad.test', 8));
      await a.staffSessions.create('hash-2', session('anna@karlstad.test', 8));
      await a.staffSessions.create('hash-3', session('bertil@karlstad.test', 8));
      await a.staffSessions.create('hash-old', session('bertil@karlstad.test', -1));
      expect(await b.staffSessions.get('hash-1')).to.deep.equal(session('anna@karlstad.test', 8));
      await b.staffSessions.delete('hash-1');
      expect(await a.staffSessions.get('hash-1'), 'signed out on another instance').to.equal(undefined);
      expect(await a.staffSessions.deleteFor('anna@karlstad.test')).to.equal(1);
      expect(await b.staffSessions.get('hash-2'), 'the account was disabled').to.equal(undefined);
      expect(await b.staffSessions.sweep(new Date(now))).to.equal(1);
      expect(await a.staffSessions.get('hash-old')).to.equal(undefined);
      expect(await a.staffSessions.get('hash-3')).to.deep.equal(session('bertil@karlstad.test', 8));
    });

    it('bot state: real eTags; a stale write from another instance is refused and changes nothing', async () => {
      const [a, b] = backend.state;
      await a.write({ 'conv/1': { step: 1, eTag: '*' } });
      const readA = await a.read(['conv/1', 'missing']);
      expect(Object.keys(readA)).to.deep.equal(['conv/1']);
      const etag = readA['conv/1'].eTag as string;
      expect(etag).to.be.a('string').and.not.equal('*');
      await b.write({ 'conv/1': { step: 2, eTag: etag } });
      let refused = false;
      try {
        await a.write({ 'conv/1': { step: 99, eTag: etag } });
      } catch {
        refused = true;
      }
      expect(refused, 'the stale write was refused').to.equal(true);
      expect((await b.read(['conv/1']))['conv/1'].step).to.equal(2);
      await a.delete(['conv/1']);
      expect(await b.read(['conv/1'])).to.deep.equal({});
    });

    it('cases: 20 confirms from two instances at once get 20 distinct references in order; a retried confirm gets the same case', async () => {
      const [a, b] = backend.cases;
      const drafts = Array.from({ length: 20 }, () => caseDraft([KARLSTAD_BISTAND], { createdAt: '2026-11-23T10:00:00.000Z' }));
      const created = await Promise.all(drafts.map((d, i) => (i % 2 ? a : b).create(d)));
      const refs = created.map((c) => c.reference).sort();
      expect(new Set(refs).size).to.equal(20);
      expect(refs[0]).to.equal('NV-2026-000001');
      expect(refs[19]).to.equal('NV-2026-000020');
      const again = await Promise.all([a.create(drafts[3]!), b.create(drafts[3]!)]);
      expect(again.map((c) => c.reference)).to.deep.equal([created[3]!.reference, created[3]!.reference]);
      expect(await a.references()).to.have.length(20);
      const taken = await b.update(created[5]!.reference, (c) => withStatus(c, 'karlstad:bistand', 'in_progress'));
      expect(taken?.work['karlstad:bistand']?.status).to.equal('in_progress');
      expect((await a.get(created[5]!.reference))?.work['karlstad:bistand']?.status).to.equal('in_progress');
      expect(await a.update('NV-2026-999999', (c) => c)).to.equal(undefined);
      // The reminder check finds cases still urgent and new for some unit, and only those old enough.
      const urgent = await a.create(caseDraft([KARLSTAD_BISTAND, REGION_VARDCENTRAL], { urgent: true, createdAt: '2026-11-23T08:00:00.000Z' }));
      const fresh = await a.create(caseDraft([KARLSTAD_BISTAND], { urgent: true, createdAt: '2026-11-23T10:30:00.000Z' }));
      const cutoff = new Date('2026-11-23T10:00:00.000Z');
      expect((await b.urgentNewBefore(cutoff)).map((c) => c.reference)).to.deep.equal([urgent.reference]);
      await b.update(urgent.reference, (c) => withStatus(c, 'karlstad:bistand', 'in_progress'));
      expect((await a.urgentNewBefore(cutoff)).map((c) => c.reference), 'the Region has not started it: still one to remind about').to.deep.equal([urgent.reference]);
      await b.update(urgent.reference, (c) => ({ ...c, work: { ...c.work, 'region_varmland:vardcentral': { ...c.work['region_varmland:vardcentral']!, urgent: false } } }));
      expect(await a.urgentNewBefore(cutoff), 'reclassified as not urgent by the Region').to.deep.equal([]);
      expect((await a.urgentNewBefore(new Date('2026-11-24T00:00:00.000Z'))).map((c) => c.reference)).to.deep.equal([fresh.reference]);
    });

    it('cases (issue 18): what each recipient may read and the person\'s copy are kept and read back from the other instance', async () => {
      const [a, b] = backend.cases;
      const copy = newCopySecret();
      const summary = { title: 'Sammanfattning', recipients: '', sections: [{ title: 'Om dig', items: [{ number: 1, questionId: 'what_matters', label: 'Det viktigaste just nu', answer: 'Att bo kvar hemma.', skipped: false, ibic: [] }] }] };
      const created = await a.create({ ...caseDraft([{ ...KARLSTAD_BISTAND, transcript: true }, { ...REGION_VARDCENTRAL, transcript: false }]), personCopy: { tokenHash: copy.hash, locale: 'sv', summary } });
      const read = await b.get(created.reference);
      expect(read!.recipients.map((r) => [r.key, r.consent, r.transcript])).to.deep.equal([
        ['karlstad:bistand', true, true],
        ['region_varmland:vardcentral', true, false],
      ]);
      expect(opensCopy(read!.personCopy, copy.secret)).to.equal(true);
      expect(opensCopy(read!.personCopy, newCopySecret().secret)).to.equal(false);
      expect(read!.personCopy!.summary).to.deep.equal(summary);
    });

    it('case lists: the cases sent with consent to some units, each unit\'s own status, urgency, assignee and due date; by municipality and Swedish day; sorted; with counts', async () => {
      const [a, b] = backend.cases;
      const torsby = { ...KIL_BISTAND, organisationId: 'torsby', organisationName: 'Torsby kommun' };
      const torsbyIfo = { ...torsby, contactType: 'ifo' as const, contactName: 'Individ- och familjeomsorg, Torsby kommun', responseDays: 3 };
      const arvika = { ...KIL_BISTAND, organisationId: 'arvika', organisationName: 'Arvika kommun' };
      const torsbyMunicipality = { id: 'torsby', name: 'Torsby kommun', scbCode: '1737' };
      // In November Sweden is UTC+1: 23:30 UTC is 00:30 the next day there.
      const c1 = await a.create(caseDraft([torsby], { createdAt: '2026-11-19T23:30:00.000Z', municipality: torsbyMunicipality, name: 'Åsa Testsson', phone: '+46 70-174 06 42' }));
      const c2 = await a.create(caseDraft([torsby], { createdAt: '2026-11-20T12:00:00.000Z', urgent: true, name: 'Bengt Prov' }));
      const c3 = await a.create(caseDraft([{ ...torsby, consent: false }, arvika], { createdAt: '2026-11-20T13:00:00.000Z' }));
      const c4 = await a.create(caseDraft([torsby, torsbyIfo, arvika], { createdAt: '2026-11-21T22:59:00.000Z', urgent: true, personnummer: '198112789873' }));
      const c5 = await a.create(caseDraft([torsbyIfo], { createdAt: '2026-11-21T23:00:00.000Z' }));
      // Torsby's elderly care took c4 (Anna); its IFO has not: the same case, two statuses.
      await a.update(c4.reference, (c) => ({ ...withStatus(c, 'torsby:bistand', 'in_progress'), work: { ...withStatus(c, 'torsby:bistand', 'in_progress').work, 'torsby:bistand': { ...c.work['torsby:bistand']!, status: 'in_progress', assignee: { id: 'anna@torsby.test', name: 'Anna' } } } }));
      const units = ['torsby:bistand'];
      const today = '2026-11-26';
      const find = async (query: Partial<CaseQuery> = {}) => {
        const page = await b.find({ units, today, limit: 10, ...query });
        return { cases: page.cases.map((c) => c.reference), total: page.total, urgentWaiting: page.urgentWaiting, overdue: page.overdue };
      };
      const refs = (...cases: CaseRecord[]) => cases.map((c) => c.reference);
      // Due: c1 (in on Friday 20 November, Swedish time) five working days later, on the 27th; c2 and c4 are
      // urgent: due the day they came in (the 20th and the 21st). c5 came in on Sunday the 22nd with
      // three days: due on Wednesday the 25th. On the 26th all but c1 are overdue.
      expect(await find()).to.deep.equal({ cases: refs(c4, c2, c1), total: 3, urgentWaiting: 1, overdue: 2 });
      expect((await b.get(c1.reference))!.work['torsby:bistand']!.due, 'five Swedish working days').to.equal('2026-11-27');
      expect(await find({ limit: 2 }), 'the newest two of three').to.deep.equal({ cases: refs(c4, c2), total: 3, urgentWaiting: 1, overdue: 2 });
      expect((await find({ status: 'new' })).cases).to.deep.equal(refs(c2, c1));
      expect((await find({ status: 'in_progress' })).cases).to.deep.equal(refs(c4));
      expect((await find({ status: 'open' })).cases).to.deep.equal(refs(c4, c2, c1));
      expect((await find({ units: ['torsby:ifo'], status: 'new' })).cases, 'the IFO has not started c4').to.deep.equal(refs(c5, c4));
      expect((await find({ assignee: 'anna@torsby.test' })).cases, 'mina ärenden').to.deep.equal(refs(c4));
      expect((await find({ overdue: true })).cases).to.deep.equal(refs(c4, c2));
      expect((await find({ overdue: false })).cases).to.deep.equal(refs(c1));
      expect((await find({ urgent: true })).cases).to.deep.equal(refs(c4, c2));
      expect((await find({ urgent: false })).cases).to.deep.equal(refs(c1));
      expect((await find({ municipality: 'torsby' })).cases).to.deep.equal(refs(c1));
      expect((await find({ municipality: '1737' })).cases, 'by SCB code').to.deep.equal(refs(c1));
      expect((await find({ sort: 'oldest' })).cases).to.deep.equal(refs(c1, c2, c4));
      expect((await find({ sort: 'due' })).cases, 'the earliest due date first').to.deep.equal(refs(c2, c4, c1));
      expect(await find({ from: '2026-11-20', to: '2026-11-20', limit: 1 }), '00:30 in Sweden is that day').to.deep.equal({ cases: refs(c2), total: 2, urgentWaiting: 1, overdue: 2 });
      expect((await find({ from: '2026-11-21', to: '2026-11-21' })).cases, '23:59 in Sweden is still that day').to.deep.equal(refs(c4));
      expect((await find({ from: '2026-11-22', units: ['torsby:ifo'] })).cases, '00:00 in Sweden is the next').to.deep.equal(refs(c5));
      expect((await find({ to: '2026-11-19' })).cases).to.deep.equal([]);
      // Searches: a name word by word (å as å), a personnummer in either form, a phone number with or without +46, a reference.
      expect((await find({ search: { kind: 'name', value: 'åsa' } })).cases).to.deep.equal(refs(c1));
      expect((await find({ search: { kind: 'name', value: 'prov bengt' } })).cases).to.deep.equal(refs(c2));
      expect((await find({ search: { kind: 'name', value: 'testsson' } })).cases, 'c4 and c1 are both Testsson').to.deep.equal(refs(c4, c1));
      expect((await find({ search: { kind: 'personnummer', value: '8112789873' } })).cases).to.deep.equal(refs(c4));
      expect((await find({ search: { kind: 'phone', value: '0701740642' } })).cases).to.deep.equal(refs(c1));
      expect((await find({ search: { kind: 'reference', value: c2.reference } })).cases).to.deep.equal(refs(c2));
      expect((await find({ search: { kind: 'name', value: '%' } })).cases, 'LIKE characters are literal').to.deep.equal([]);
      expect((await find({ units: ['arvika:bistand'] })).cases, 'without consent a case is not the unit\'s').to.deep.equal(refs(c4, c3));
      expect(await find({ units: ['eda:bistand'] })).to.deep.equal({ cases: [], total: 0, urgentWaiting: 0, overdue: 0 });
      expect(await find({ units: [] })).to.deep.equal({ cases: [], total: 0, urgentWaiting: 0, overdue: 0 });
      // Per unit counts for metrics.
      const counts = (await b.workCounts(today)).filter((c) => c.unit.startsWith('torsby:'));
      expect(counts).to.deep.equal([
        { unit: 'torsby:bistand', organisationId: 'torsby', open: 3, urgentWaiting: 1, overdue: 2 },
        { unit: 'torsby:ifo', organisationId: 'torsby', open: 2, urgentWaiting: 1, overdue: 2 },
      ]);
    });

    it('audit: appends from two instances at once form one unbroken chain', async () => {
      const [a, b] = backend.audit;
      await Promise.all(
        Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).append({ at: new Date().toISOString(), actor: `staff-${i}@kil.test`, action: 'case.read', target: `NV-2026-${String(i).padStart(6, '0')}`, outcome: 'allowed' })),
      );
      const entries = await a.entries();
      expect(entries).to.have.length(30);
      expect(verifyChain(entries)).to.deep.equal({ ok: true, entries: 30 });
    });

    it('transcripts: appended from two instances in order, paged by 20, listed per channel, deleted per conversation', async () => {
      const [a, b] = backend.stores.map((x) => x.transcripts);
      const start = new Date('2026-11-23T09:00:00.000Z');
      for (let n = 1; n <= 25; n++) await (n % 2 ? a! : b!).logActivity(logged('tx-1', n, new Date(start.getTime() + n * 1000)));
      await b!.logActivity(logged('tx-2', 1, start));
      await Promise.all([a!.flush(), b!.flush()]);
      const first = await b!.getTranscriptActivities('webchat', 'tx-1');
      expect(first.items.map((x) => x.id)).to.deep.equal(Array.from({ length: 20 }, (_, i) => `tx-1-${i + 1}`));
      expect(first.items[0]!.timestamp).to.be.instanceOf(Date);
      const rest = await a!.getTranscriptActivities('webchat', 'tx-1', first.continuationToken);
      expect(rest.items.map((x) => x.id)).to.deep.equal(['tx-1-21', 'tx-1-22', 'tx-1-23', 'tx-1-24', 'tx-1-25']);
      expect(rest.continuationToken).to.equal(undefined);
      const recent = await a!.getTranscriptActivities('webchat', 'tx-1', undefined, new Date(start.getTime() + 23_000));
      expect(recent.items.map((x) => x.id)).to.deep.equal(['tx-1-23', 'tx-1-24', 'tx-1-25']);
      expect((await a!.listTranscripts('webchat')).items.map((t) => t.id).sort()).to.deep.equal(['tx-1', 'tx-2']);
      expect((await a!.listTranscripts('msteams')).items).to.deep.equal([]);
      await b!.deleteTranscript('webchat', 'tx-1');
      expect((await a!.getTranscriptActivities('webchat', 'tx-1')).items).to.deep.equal([]);
      expect((await a!.getTranscriptActivities('webchat', 'tx-2')).items).to.have.length(1);
    });

    it('Direct Line: appends from two instances at once get distinct consecutive watermarks; polls from either see them', async () => {
      const [a, b] = backend.stores.map((x) => x.directLine);
      await a!.create({ id: 'dl-1', userId: 'dl_user', createdAt: '2026-11-23T09:00:00.000Z', started: false, municipality: '1715' });
      expect(await b!.get('dl-1')).to.deep.include({ id: 'dl-1', userId: 'dl_user', started: false, municipality: '1715' });
      expect(await b!.get('dl-missing')).to.equal(undefined);
      const started = await Promise.all([a!.markStarted('dl-1'), b!.markStarted('dl-1')]);
      expect(started.filter(Boolean)).to.have.length(1);
      expect((await a!.get('dl-1'))?.started).to.equal(true);
      const prepare = (activity: Partial<Activity>, watermark: number) => ({ ...activity, id: `dl-1|${watermark}` });
      await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a! : b!).append('dl-1', [{ type: 'message', text: `m${i}` }], prepare)));
      const all = await b!.after('dl-1', undefined);
      expect(all.watermark).to.equal(20);
      expect(all.activities.map((x) => x.id)).to.deep.equal(Array.from({ length: 20 }, (_, i) => `dl-1|${i + 1}`));
      expect(new Set(all.activities.map((x) => x.text)).size).to.equal(20);
      const two = await a!.append('dl-1', [{ type: 'message', text: 'x' }, { type: 'message', text: 'y' }], prepare);
      expect(two.map((x) => x.id)).to.deep.equal(['dl-1|21', 'dl-1|22']);
      const later = await b!.after('dl-1', 20);
      expect(later).to.deep.equal({ activities: two, watermark: 22 });
      expect(await a!.after('dl-1', 22)).to.deep.equal({ activities: [], watermark: 22 });
      await b!.forgetBefore('dl-1', 21);
      expect((await a!.after('dl-1', undefined)).activities.map((x) => x.id)).to.deep.equal(['dl-1|21', 'dl-1|22']);
      let refused = '';
      await a!.append('dl-missing', [{ type: 'message' }], prepare).catch((err: Error) => (refused = err.message));
      expect(refused).to.include('does not exist');
    });

    it('outbox: an item is enqueued once, handed to one instance at a time, and due again only after a failed attempt', async () => {
      const [a, b] = backend.stores.map((x) => x.outbox);
      const past = '2026-11-23T08:00:00.000Z';
      const items = Array.from({ length: 10 }, (_, i) => outboxItem(`NV-2026-0000${String(i).padStart(2, '0')}`, 'intag@kil.test', past));
      await a!.enqueue(items);
      await b!.enqueue([...items, outboxItem('NV-2026-000000', 'second@kil.test', past)]);
      expect(await b!.all()).to.have.length(11);
      const now = new Date('2026-11-23T09:00:00.000Z');
      const [mine, theirs] = await Promise.all([a!.due(now, 50), b!.due(now, 50)]);
      const handed = [...mine!, ...theirs!].map((i) => i.id);
      expect(handed).to.have.length(11);
      expect(new Set(handed).size, 'no item handed to both').to.equal(11);
      expect(await a!.due(now, 50), 'claimed items are not due again').to.deep.equal([]);
      const first = [...mine!, ...theirs!].find((i) => i.caseReference === 'NV-2026-000000' && i.target.kind === 'email' && i.target.to === 'intag@kil.test')!;
      await b!.save({ ...first, status: 'delivered', attempts: 1, deliveredAt: now.toISOString() });
      const failed = [...mine!, ...theirs!].find((i) => i.caseReference === 'NV-2026-000001')!;
      await a!.save({ ...failed, status: 'pending', attempts: 1, lastError: 'connection refused', nextAttemptAt: '2026-11-23T09:00:05.000Z' });
      expect(await b!.due(now, 50)).to.deep.equal([]);
      const retry = await b!.due(new Date('2026-11-23T09:00:06.000Z'), 50);
      expect(retry.map((i) => [i.id, i.attempts, i.lastError])).to.deep.equal([[failed.id, 1, 'connection refused']]);
      // Not yet done: ten pending (one of them retried), the delivered one left out; from either instance.
      expect((await b!.undelivered()).map((i) => i.id).sort()).to.deep.equal(handed.filter((id) => id !== first.id).sort());
      expect((await a!.undelivered()).find((i) => i.id === failed.id)?.attempts).to.equal(1);
      const history = await a!.forCase('NV-2026-000000');
      expect(history.map((i) => i.status).sort()).to.deep.equal(['delivered', 'pending']);
      expect(history.find((i) => i.status === 'delivered')?.deliveredAt).to.equal(now.toISOString());
    });

    it('records (staff accounts, channels, references, kitchen tables): written, read and changed from either instance', async () => {
      const [a, b] = backend.stores.map((x) => x.teamsChannels);
      await a!.write('kil-bistand', { conversation: { id: '19:abc@thread.tacv2', isGroup: true, conversationType: 'channel', name: '' }, serviceUrl: 'https://smba.example/' });
      expect(((await b!.read('kil-bistand')) as { conversation?: { id: string } } | undefined)?.conversation?.id).to.equal('19:abc@thread.tacv2');
      expect(await b!.read('missing')).to.equal(undefined);
      const [c, d] = backend.stores.map((x) => x.kitchenTables);
      // Twenty read-modify-writes of one record from two instances at once: none lost, also the first.
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 ? c! : d!).update('counter', (t) => ({ conversationId: 'counter', staff: { id: 's', name: String(Number(t?.staff.name ?? 0) + 1), organisationId: 'kil' }, startedAt: '' })),
        ),
      );
      expect((await c!.read('counter'))?.staff.name).to.equal('20');
      expect(await d!.update('counter', () => undefined)).to.equal(undefined);
      expect(await c!.read('counter')).to.equal(undefined);
      await d!.write('a:conversation/with odd key', { conversationId: 'x', staff: { id: 's', name: 'n', organisationId: 'kil' }, startedAt: '' });
      expect(await c!.keys()).to.deep.equal(['a:conversation/with odd key']);
      await c!.delete('a:conversation/with odd key');
      await c!.delete('never-there');
      expect(await d!.keys()).to.deep.equal([]);
    });
  });
}

describe('PostgreSQL migrations', function () {
  this.timeout(60000);
  let db: TestDatabase;
  before(async () => {
    db = await testDatabase();
  });
  after(() => db.drop());

  it('apply once when several instances start at once, and are recorded with their versions', async () => {
    const pools = [createPool(db.url), createPool(db.url), createPool(db.url)];
    try {
      const applied = await Promise.all(pools.map((p) => migrate(p)));
      expect(applied.flat().sort()).to.deep.equal(MIGRATIONS.map((m) => m.version));
      const { rows } = await pools[0]!.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
      expect(rows.map((r) => r.version)).to.deep.equal(MIGRATIONS.map((m) => m.version));
      expect(await migrate(pools[1]!)).to.deep.equal([]);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });

  it('refuse to run against a newer schema than this release knows', async () => {
    const pool = createPool(db.url);
    try {
      await pool.query("INSERT INTO schema_migrations (version, description) VALUES (999, 'from the future')");
      let message = '';
      try {
        await migrate(pool);
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).to.include('newer than this release knows');
    } finally {
      await pool.end();
    }
  });
});

describe('the intake on PostgreSQL (DATABASE_URL)', function () {
  this.timeout(60000);
  let db: TestDatabase;
  before(async () => {
    db = await testDatabase();
  });
  after(() => db.drop());

  it('keeps the interview state, the case and the audit log as rows; a restart continues at the same question', async () => {
    const first = await startConversation({ env: { DATABASE_URL: db.url }, conversationId: 'pg-conv-1' });
    await first.join();
    await first.sayAll(SELF_ANSWERS.slice(0, 4));
    await first.stack.stores.close();
    // Another instance (a new stack on the same database) continues the same conversation.
    const second = await startConversation({ env: { DATABASE_URL: db.url }, conversationId: 'pg-conv-1', dataDir: first.dataDir });
    try {
      const next = textOf(await second.say(SELF_ANSWERS[4]!));
      expect(next).to.include('Hur ser en riktigt bra dag ut för dig?');
      await second.sayAll([...SELF_ANSWERS.slice(5), ...CONFIRM_AND_SHARE]);
      const pool = createPool(db.url);
      try {
        const { rows } = await pool.query<{ reference: string; record: { answers: Record<string, unknown> } }>('SELECT reference, record FROM cases');
        expect(rows).to.have.length(1);
        expect(rows[0]!.reference).to.match(/^NV-\d{4}-000001$/u);
        expect(rows[0]!.record.answers['daily_life_now']).to.deep.equal({ kind: 'text', text: SELF_ANSWERS[3] });
        const state = await pool.query('SELECT key FROM bot_state');
        expect(state.rowCount).to.be.greaterThan(0);
      } finally {
        await pool.end();
      }
    } finally {
      await second.close();
    }
  });

  it('generates the token and session secrets once for every instance sharing the database', async () => {
    const a = await startConversation({ env: { DATABASE_URL: db.url } });
    const b = await startConversation({ env: { DATABASE_URL: db.url } });
    try {
      expect(a.dataDir).not.to.equal(b.dataDir);
      const fromA = await a.stack.stores.secret('directline-token', undefined);
      const fromB = await b.stack.stores.secret('directline-token', undefined);
      expect(fromA).to.have.length.greaterThan(40);
      expect(fromB, 'the second instance uses the first one\'s secret').to.equal(fromA);
      expect(await b.stack.stores.secret('staff-session', undefined)).not.to.equal(fromA);
      expect(await a.stack.stores.secret('directline-token', 'x'.repeat(40)), 'a configured secret wins').to.equal('x'.repeat(40));
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe('retention on PostgreSQL', function () {
  this.timeout(60000);

  it('removes what was not changed for RETENTION_DAYS, keeps the rest, and keeps a web chat that is still in use', async () => {
    const db = await testDatabase();
    const stores = await openPgStores({ dataDir: '', databaseUrl: db.url });
    const pool = stores.pool!;
    try {
      await stores.botState.write({ 'webchat/conversations/old/': { step: 1 }, 'webchat/conversations/new/': { step: 2 } });
      const oldCase = await stores.cases.create(caseDraft([KARLSTAD_BISTAND], { createdAt: '2026-09-01T10:00:00.000Z' }));
      const newCase = await stores.cases.create(caseDraft([KARLSTAD_BISTAND], { createdAt: '2026-11-20T10:00:00.000Z' }));
      await stores.outbox.enqueue([outboxItem(oldCase.reference, 'a@kil.test', '2026-09-01T10:00:00.000Z'), outboxItem(newCase.reference, 'a@kil.test', '2026-11-20T10:00:00.000Z')]);
      await stores.transcripts.logActivity(logged('tx-old', 1, new Date('2026-09-01T10:00:00.000Z')));
      await stores.transcripts.logActivity(logged('tx-new', 1, new Date()));
      await stores.transcripts.flush();
      for (const id of ['dl-old', 'dl-active']) await stores.directLine.create({ id, userId: 'u', createdAt: '2026-09-01T10:00:00.000Z', started: true });
      await stores.references.write('webchat/old', { conversation: { id: 'old', isGroup: false, conversationType: 'personal', name: '' } });
      const longAgo = "now() - interval '40 days'";
      await pool.query(`UPDATE bot_state SET updated_at = ${longAgo} WHERE key LIKE '%/old/'`);
      await pool.query(`UPDATE cases SET updated_at = ${longAgo} WHERE reference = $1`, [oldCase.reference]);
      await pool.query(`UPDATE transcript_activities SET logged_at = ${longAgo} WHERE conversation_id = 'tx-old'`);
      await pool.query(`UPDATE directline_conversations SET updated_at = ${longAgo}`);
      await pool.query(`UPDATE records SET updated_at = ${longAgo}`);
      // Started 40 days ago, and written in today: still in use.
      await stores.directLine.append('dl-active', [{ type: 'message', text: 'hej' }], (a, w) => ({ ...a, id: `dl-active|${w}` }));

      const result = await sweepExpiredPg(pool, 30);
      expect(result.removed).to.be.greaterThan(0);
      expect(Object.keys(await stores.botState.read(['webchat/conversations/old/', 'webchat/conversations/new/']))).to.deep.equal(['webchat/conversations/new/']);
      expect(await stores.cases.references()).to.deep.equal([newCase.reference]);
      expect((await stores.outbox.all()).map((i) => i.caseReference)).to.deep.equal([newCase.reference]);
      expect((await stores.transcripts.listTranscripts('webchat')).items.map((t) => t.id)).to.deep.equal(['tx-new']);
      expect(await stores.directLine.get('dl-old')).to.equal(undefined);
      expect((await stores.directLine.after('dl-active', undefined)).activities).to.have.length(1);
      expect(await stores.references.keys()).to.deep.equal([]);
      // A retried confirm of the removed case does not find it again.
      const { rows } = await pool.query('SELECT count(*)::int AS n FROM case_keys');
      expect(rows[0].n).to.equal(1);
    } finally {
      await stores.close();
      await db.drop();
    }
  });
});

describe('turns of one conversation across instances (PostgreSQL advisory locks)', function () {
  this.timeout(60000);
  let db: TestDatabase;
  before(async () => {
    db = await testDatabase();
  });
  after(() => db.drop());

  /** A turn that reads a counter, waits (a slow reply), and writes it back plus one. */
  const slowIncrement = async (storage: PgBotStorage) => {
    const items = await storage.read(['web/conv-1']);
    const current = (items['web/conv-1']?.['count'] as number | undefined) ?? 0;
    await new Promise((r) => setTimeout(r, 15));
    await storage.write({ 'web/conv-1': { count: current + 1, eTag: items['web/conv-1']?.eTag ?? '*' } });
  };
  const context = { activity: { channelId: 'web', conversation: { id: 'conv-1' } } } as unknown as TurnContext;

  it('lets no turn of two instances overwrite the other: 16 turns, 16 counted', async function () {
    // PGlite runs every connection in one database session, so it cannot hold a lock against
    // itself; this needs a PostgreSQL server (CI has one on 127.0.0.1:5432).
    if (db.kind === 'pglite') this.skip();
    const pools = [createPool(db.url), createPool(db.url)];
    const lockPools = [createPool(db.url, 20), createPool(db.url, 20)];
    try {
      await migrate(pools[0]!);
      const instances = [0, 1].map((i) => ({ storage: new PgBotStorage(pools[i]!), lock: new PgTurnLock(lockPools[i]!) }));
      await Promise.all(Array.from({ length: 16 }, (_, i) => instances[i % 2]!).map((inst) => inst.lock.onTurn(context, () => slowIncrement(inst.storage))));
      const items = await instances[0]!.storage.read(['web/conv-1']);
      expect(items['web/conv-1']?.['count']).to.equal(16);
    } finally {
      await Promise.all([...pools, ...lockPools].map((p) => p.end()));
    }
  });

  it('without the lock the same turns collide (the control: the test can fail)', async () => {
    const pools = [createPool(db.url), createPool(db.url)];
    try {
      await migrate(pools[0]!);
      await pools[0]!.query('DELETE FROM bot_state');
      const storages = [new PgBotStorage(pools[0]!), new PgBotStorage(pools[1]!)];
      const results = await Promise.allSettled(Array.from({ length: 16 }, (_, i) => slowIncrement(storages[i % 2]!)));
      const count = ((await storages[0]!.read(['web/conv-1']))['web/conv-1']?.['count'] as number | undefined) ?? 0;
      expect(results.some((r) => r.status === 'rejected') || count < 16).to.equal(true);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });
});
