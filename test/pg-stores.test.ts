/**
 * The PostgreSQL stores, against a real PostgreSQL (the machine's server, or PGlite where there is
 * none), and the same contract run against the embedded stores: bot state with real eTags across
 * instances, case numbering and idempotency under concurrent confirms from two instances, one audit
 * chain from two instances, and migrations that two instances can start at once.
 */
import type { Storage, TurnContext } from 'botbuilder';
import { expect } from 'chai';
import type pg from 'pg';
import { verifyChain, type AuditLog } from '../src/core/audit.js';
import type { CaseStore } from '../src/core/cases.js';
import { LowdbBotStorage } from '../src/bot/storage/lowdb-bot-storage.js';
import { LowdbCaseStore } from '../src/storage/lowdb-case-store.js';
import { LowdbAuditLog } from '../src/storage/lowdb-audit-log.js';
import { createPool, migrate } from '../src/storage/postgres/database.js';
import { MIGRATIONS } from '../src/storage/postgres/migrations.js';
import { PgBotStorage } from '../src/storage/postgres/pg-bot-storage.js';
import { PgCaseStore } from '../src/storage/postgres/pg-case-store.js';
import { PgAuditLog } from '../src/storage/postgres/pg-audit-log.js';
import { PgTurnLock } from '../src/storage/postgres/pg-turn-lock.js';
import { KARLSTAD_BISTAND, caseDraft } from './helpers/cases.js';
import { CONFIRM_AND_SHARE, SELF_ANSWERS } from './helpers/answers.js';
import { removeDir, startConversation, tempDir, textOf } from './helpers/harness.js';
import { testDatabase, type TestDatabase } from './helpers/postgres.js';

/** Two "instances" of each store sharing one backend. */
interface Backend {
  name: string;
  state: [Storage, Storage];
  cases: [CaseStore, CaseStore];
  audit: [AuditLog, AuditLog];
  close(): Promise<void>;
}

async function postgresBackend(): Promise<Backend> {
  const db = await testDatabase();
  const pools: pg.Pool[] = [createPool(db.url), createPool(db.url)];
  await Promise.all(pools.map((p) => migrate(p)));
  return {
    name: `PostgreSQL (${db.kind})`,
    state: [new PgBotStorage(pools[0]!), new PgBotStorage(pools[1]!)],
    cases: [new PgCaseStore(pools[0]!), new PgCaseStore(pools[1]!)],
    audit: [new PgAuditLog(pools[0]!), new PgAuditLog(pools[1]!)],
    close: async () => {
      await Promise.all(pools.map((p) => p.end()));
      await db.drop();
    },
  };
}

async function lowdbBackend(): Promise<Backend> {
  const dir = await tempDir('intake-contract-');
  const state = new LowdbBotStorage(dir);
  const cases = new LowdbCaseStore(dir);
  return {
    name: 'lowdb (embedded)',
    // The embedded store is for one process: its "instances" share one object, except the audit
    // log, which `npm run staff` appends to from a second process.
    state: [state, state],
    cases: [cases, cases],
    audit: [new LowdbAuditLog(dir), new LowdbAuditLog(dir)],
    close: () => removeDir(dir),
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
      const taken = await b.update(created[5]!.reference, (c) => ({ ...c, status: 'taken' }));
      expect(taken?.status).to.equal('taken');
      expect((await a.get(created[5]!.reference))?.status).to.equal('taken');
      expect(await a.update('NV-2026-999999', (c) => c)).to.equal(undefined);
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
    await first.flush();
    await first.stack.pool?.end();
    await first.stack.lockPool?.end();
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
