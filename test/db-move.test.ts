/**
 * `npm run db:move`: a real data folder (a whole interview with a case, an unfinished one, a staff
 * account, audit entries, a Direct Line conversation, a Teams channel) moved into a real PostgreSQL
 * by the command in a child process; the count table, the rows of every kind, the audit chain, the
 * unfinished interview continued on PostgreSQL, the next case number, a second and a third run, the
 * counter of cases removed by retention, a database with other cases, and an unreachable database.
 */
import { rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { expect } from 'chai';
import type { StoreItem } from 'botbuilder';
import { verifyChain, type AuditEntry } from '../src/core/audit.js';
import { formatReference, parseReference, type CaseRecord } from '../src/core/cases.js';
import type { OutboxItem } from '../src/core/delivery.js';
import { StaffAccounts } from '../src/staff/accounts.js';
import { LowdbCaseStore } from '../src/storage/lowdb-case-store.js';
import { createPool } from '../src/storage/postgres/database.js';
import { MIGRATIONS } from '../src/storage/postgres/migrations.js';
import { MOVE_KINDS, formatReport, type KindCount } from '../src/storage/move.js';
import { openLowdbStores, openPgStores, type LowdbStores } from '../src/storage/stores.js';
import { CONFIRM_AND_SHARE, SELF_ANSWERS } from './helpers/answers.js';
import { KARLSTAD_BISTAND, caseDraft } from './helpers/cases.js';
import { removeDir, startConversation, tempDir, textOf } from './helpers/harness.js';
import { testDatabase, type TestDatabase } from './helpers/postgres.js';
import { runScript, type ScriptRun as Run } from './helpers/scripts.js';
import { freePort, startService } from './helpers/service-process.js';

/** `npm run db:move` as the operator runs it: the script in a child process, with only these variables. */
function runMove(env: Record<string, string>, args: string[] = []): Promise<Run> {
  return runScript('scripts/db-move.ts', args, env);
}

interface Row {
  source: number;
  target: number;
  moved: number;
  same: number;
  different: number;
}

/** The printed count table, by kind. */
function countTable(stdout: string): Map<string, Row> {
  const rows = new Map<string, Row>();
  for (const line of stdout.split('\n')) {
    const m = /^(\S.*?)\s{2,}([\d,]+)\s+([\d,]+)\s+([\d,]+)\s+([\d,]+)\s+([\d,]+)$/u.exec(line);
    if (!m) continue;
    const [source, target, moved, same, different] = m.slice(2).map((x) => Number(x!.replace(/,/gu, '')));
    rows.set(m[1]!, { source: source!, target: target!, moved: moved!, same: same!, different: different! });
  }
  return rows;
}

/** What the data folder holds, read through the embedded stores. */
interface SourceData {
  stateKeys: string[];
  state: Record<string, StoreItem>;
  cases: CaseRecord[];
  transcripts: Map<string, Array<Record<string, unknown>>>;
  outbox: OutboxItem[];
  audit: AuditEntry[];
  staffKeys: string[];
  references: string[];
}

async function readSource(stores: LowdbStores): Promise<SourceData> {
  const stateKeys = (await stores.botState.keys()).sort();
  const transcripts = new Map<string, Array<Record<string, unknown>>>();
  for (const channel of await stores.transcripts.channels()) {
    for await (const t of stores.transcripts.export(channel)) transcripts.set(`${t.channelId}/${t.conversationId}`, t.activities);
  }
  return {
    stateKeys,
    state: await stores.botState.read(stateKeys),
    cases: await stores.cases.list(),
    transcripts,
    outbox: await stores.outbox.all(),
    audit: await stores.audit.entries(),
    staffKeys: await stores.staffAccounts.keys(),
    references: await stores.references.keys(),
  };
}

const withoutETag = (item: StoreItem | undefined) => {
  const { eTag: _eTag, ...rest } = item ?? {};
  return rest;
};

describe('npm run db:move: a data folder into PostgreSQL', function () {
  this.timeout(120_000);
  let db: TestDatabase;
  let dataDir: string;
  let source: SourceData;
  let firstRun: Run;

  before(async () => {
    db = await testDatabase();
    dataDir = await tempDir('intake-move-');

    // A whole interview that ends in a case (on the test channel) ...
    const finished = await startConversation({ dataDir, conversationId: 'move-finished' });
    await finished.join();
    await finished.sayAll(SELF_ANSWERS);
    expect(textOf(await finished.sayAll(CONFIRM_AND_SHARE))).to.match(/NV-\d{4}-000001/u);
    await finished.flush();
    await finished.stack.stores.close();
    // ... and one that stops after the municipality (on another channel, so two transcript folders).
    const unfinished = await startConversation({ dataDir, channelId: 'webchat', conversationId: 'move-unfinished' });
    await unfinished.join();
    await unfinished.sayAll(SELF_ANSWERS.slice(0, 4));
    await unfinished.flush();
    await unfinished.stack.stores.close();

    const stores = openLowdbStores({ dataDir });
    await new StaffAccounts(stores.staffAccounts).put({ email: 'anna@karlstad.se', name: 'Anna Exempel', organisationId: 'karlstad', role: 'admin', password: 'ett långt lösenord' });
    for (const action of ['login', 'case.list', 'case.read'] as const) {
      await stores.audit.append({ at: new Date().toISOString(), actor: 'anna@karlstad.se', actorOrganisation: 'karlstad', action, target: 'NV-2026-000001', outcome: 'allowed', from: '127.0.0.1' });
    }
    await stores.teamsChannels.write('karlstad-bistand', { channelId: 'msteams', conversation: { id: '19:kanal@thread.tacv2', isGroup: true, conversationType: 'channel', name: '' }, serviceUrl: 'https://smba.example/' });
    // A Direct Line conversation whose first activity was forgotten: kept watermarks 2 and 3, last 3.
    await stores.directLine.create({ id: 'dl-move-1', userId: 'dl_user', createdAt: new Date().toISOString(), started: false, municipality: '1780', locale: 'sv-SE' });
    await stores.directLine.markStarted('dl-move-1');
    await stores.directLine.append('dl-move-1', [{ type: 'message', text: 'ett' }, { type: 'message', text: 'två' }, { type: 'message', text: 'tre' }], (a, w) => ({ ...a, id: `dl-move-1|${String(w).padStart(7, '0')}` }));
    await stores.directLine.forgetBefore('dl-move-1', 2);
    source = await readSource(stores);
    await stores.close();

    firstRun = await runMove({ DATA_DIR: dataDir, DATABASE_URL: db.url });
  });

  after(async () => {
    await removeDir(dataDir);
    await db.drop();
  });

  it('moves every kind, prints progress and a count table that passes, and exits 0', () => {
    expect(firstRun.code, firstRun.stderr).to.equal(0);
    const table = countTable(firstRun.stdout);
    const expected: Record<string, number> = {
      'conversation state': source.stateKeys.length,
      cases: 1,
      'case idempotency keys': 1,
      'case counters (years)': 1,
      transcripts: 2,
      'transcript activities': [...source.transcripts.values()].reduce((n, a) => n + a.length, 0),
      'Direct Line conversations': 1,
      'Direct Line activities': 2,
      'outbox items': source.outbox.length,
      'audit entries': 3,
      'staff accounts': 1,
      'Teams channels': 1,
      'kitchen tables': 0,
      'conversation references': source.references.length,
    };
    expect([...table.keys()]).to.deep.equal(Object.keys(expected));
    for (const [kind, count] of Object.entries(expected)) {
      expect(table.get(kind), kind).to.deep.equal({ source: count, target: count, moved: count, same: 0, different: 0 });
    }
    expect(source.stateKeys.length).to.be.greaterThanOrEqual(2);
    expect(source.outbox.length).to.be.greaterThan(0);
    expect(source.references).to.have.length(2);
    expect(firstRun.stdout).to.include('Count check passed').and.include(`The database schema was brought up to date first (migrations ${MIGRATIONS.map((m) => m.version).join(', ')})`);
    expect(firstRun.stderr).to.include('cases 1/1');
    expect(firstRun.stderr).to.match(/conversation state \d+\/\d+/u);
    // The secrets stay behind, and the output says what replaces them.
    expect(firstRun.stdout).to.include('directline/token-secret').and.include('staff/session-secret');
    expect(firstRun.stdout).to.include('DIRECTLINE_TOKEN_SECRET').and.include('STAFF_SESSION_SECRET');
  });

  it('leaves in PostgreSQL the same rows as the data folder held, and an audit chain that verifies', async () => {
    const target = await openPgStores({ dataDir: '', databaseUrl: db.url });
    try {
      // Conversation state, without the embedded store's eTags.
      const state = await target.botState.read(source.stateKeys);
      expect(Object.keys(state).sort()).to.deep.equal(source.stateKeys);
      for (const key of source.stateKeys) expect(withoutETag(state[key]), key).to.deep.equal(withoutETag(source.state[key]));

      // The case under its own reference, with its idempotency key and the year's counter.
      const [moved] = source.cases;
      expect(await target.cases.list()).to.deep.equal(source.cases);
      const keys = await target.pool.query<{ idempotency_key: string; reference: string }>('SELECT idempotency_key, reference FROM case_keys');
      expect(keys.rows).to.deep.equal([{ idempotency_key: moved!.idempotencyKey, reference: moved!.reference }]);
      const [year, number] = parseReference(moved!.reference);
      const counters = await target.pool.query<{ year: number; last: number }>('SELECT year, last FROM case_counters');
      expect(counters.rows).to.deep.equal([{ year, last: number }]);

      // Every conversation's transcript, every activity in order, as stored.
      for (const [key, activities] of source.transcripts) {
        const [channelId, conversationId] = key.split('/') as [string, string];
        const { rows } = await target.pool.query<{ activity: Record<string, unknown> }>(
          'SELECT activity FROM transcript_activities WHERE channel_id = $1 AND conversation_id = $2 ORDER BY seq',
          [channelId, conversationId],
        );
        expect(rows.map((r) => r.activity), key).to.deep.equal(activities);
      }
      expect((await target.transcripts.listTranscripts('webchat')).items.map((t) => t.id)).to.deep.equal(['move-unfinished']);

      // Direct Line: the conversation, its last watermark and the kept activities under theirs.
      expect(await target.directLine.get('dl-move-1')).to.include({ id: 'dl-move-1', started: true, municipality: '1780' });
      const dl = await target.pool.query<{ last: number }>('SELECT last FROM directline_conversations WHERE id = $1', ['dl-move-1']);
      expect(dl.rows[0]!.last).to.equal(3);
      const page = await target.directLine.after('dl-move-1', undefined);
      expect(page.watermark).to.equal(3);
      expect(page.activities.map((a) => [a.id, a.text])).to.deep.equal([
        ['dl-move-1|0000002', 'två'],
        ['dl-move-1|0000003', 'tre'],
      ]);
      expect((await target.directLine.after('dl-move-1', 2)).activities.map((a) => a.text)).to.deep.equal(['tre']);

      // The outbox with every item's status.
      const outbox = await target.outbox.all();
      const byId = (items: OutboxItem[]) => [...items].sort((a, b) => a.id.localeCompare(b.id));
      expect(byId(outbox)).to.deep.equal(byId(source.outbox));

      // The audit log: seq and hashes unchanged, the chain whole.
      const audit = await target.audit.entries();
      expect(audit).to.deep.equal(source.audit);
      expect(verifyChain(audit)).to.deep.equal({ ok: true, entries: 3 });

      // The keyed records.
      expect(await target.staffAccounts.keys()).to.deep.equal(source.staffKeys);
      const account = await new StaffAccounts(target.staffAccounts).get('anna@karlstad.se');
      expect(account).to.include({ name: 'Anna Exempel', organisationId: 'karlstad', role: 'admin' });
      expect(await target.teamsChannels.read('karlstad-bistand')).to.deep.include({ channelId: 'msteams' });
      expect((await target.references.keys()).sort()).to.deep.equal([...source.references].sort());
    } finally {
      await target.close();
    }
  });

  it('run a second time changes nothing and doubles nothing: everything "already there", exit 0', async () => {
    const pool = createPool(db.url);
    const counts = async () =>
      (
        await pool.query(`SELECT (SELECT count(*) FROM bot_state) s, (SELECT count(*) FROM cases) c, (SELECT count(*) FROM case_keys) k,
          (SELECT count(*) FROM transcript_activities) t, (SELECT count(*) FROM directline_activities) d, (SELECT count(*) FROM outbox_items) o,
          (SELECT count(*) FROM audit_log) a, (SELECT count(*) FROM records) r`)
      ).rows[0] as Record<string, string>;
    try {
      const before = await counts();
      const second = await runMove({ DATA_DIR: dataDir, DATABASE_URL: db.url });
      expect(second.code, second.stderr).to.equal(0);
      for (const [kind, row] of countTable(second.stdout)) expect(row, kind).to.deep.include({ moved: 0, same: row.source, different: 0, target: row.source });
      expect(second.stdout).to.include('Count check passed').and.match(/Skipped [\d,]+ items already in PostgreSQL/u);
      expect(await counts()).to.deep.equal(before);
    } finally {
      await pool.end();
    }
  });

  it('the unfinished interview continues on PostgreSQL at the same question; the next case gets the next reference', async () => {
    // A new instance on PostgreSQL with an empty data folder of its own: everything comes from the database.
    const conversation = await startConversation({ env: { DATABASE_URL: db.url }, channelId: 'webchat', conversationId: 'move-unfinished' });
    try {
      expect(textOf(await conversation.say(SELF_ANSWERS[4]!))).to.include('Hur ser en riktigt bra dag ut för dig?');
      await conversation.sayAll(SELF_ANSWERS.slice(5));
      const confirmed = textOf(await conversation.sayAll(CONFIRM_AND_SHARE));
      const [year, number] = parseReference(source.cases[0]!.reference);
      const next = formatReference(year, number + 1);
      expect(confirmed).to.include(next);
      expect(await conversation.stack.stores.cases.references()).to.deep.equal([source.cases[0]!.reference, next]);
      // Its transcript goes on after the moved activities.
      await conversation.flush();
      const { rows } = await conversation.stack.stores.pool!.query<{ activity: Record<string, unknown> }>(
        "SELECT activity FROM transcript_activities WHERE channel_id = 'webchat' AND conversation_id = 'move-unfinished' ORDER BY seq",
      );
      const moved = source.transcripts.get('webchat/move-unfinished')!;
      expect(rows.length).to.be.greaterThan(moved.length);
      expect(rows.slice(0, moved.length).map((r) => r.activity)).to.deep.equal(moved);
    } finally {
      await conversation.close();
    }
  });

  it('run again after the service went on in PostgreSQL: what changed there is kept, never overwritten, and reported', async () => {
    const pool = createPool(db.url);
    const snapshot = async () => ({
      state: (await pool.query("SELECT key, value, etag FROM bot_state WHERE key LIKE 'webchat/%' ORDER BY key")).rows,
      transcript: (await pool.query("SELECT count(*)::int AS n FROM transcript_activities WHERE conversation_id = 'move-unfinished'")).rows,
      cases: (await pool.query('SELECT reference, record FROM cases ORDER BY reference')).rows,
    });
    try {
      const before = await snapshot();
      const third = await runMove({ DATA_DIR: dataDir, DATABASE_URL: db.url });
      expect(third.code, third.stderr).to.equal(0);
      const table = countTable(third.stdout);
      expect(table.get('transcripts')).to.deep.include({ moved: 0, different: 1 });
      expect(table.get('cases')).to.deep.include({ source: 1, target: 2, moved: 0 });
      expect(third.stdout).to.include('Not overwritten').and.include('Count check passed');
      expect(await snapshot()).to.deep.equal(before);
    } finally {
      await pool.end();
    }
  });
});

describe('npm run db:move: case numbers, another history, an unreachable database', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  const dirs: string[] = [];
  before(async () => {
    db = await testDatabase();
  });
  after(async () => {
    await Promise.all(dirs.map(removeDir));
    await db.drop();
  });

  it('keeps the numbers of cases removed by retention taken, and refuses a database that holds other cases under the same references', async () => {
    const dataDir = await tempDir('intake-move-counter-');
    dirs.push(dataDir);
    const cases = new LowdbCaseStore(dataDir);
    const created = [];
    for (let i = 0; i < 3; i++) created.push(await cases.create(caseDraft([KARLSTAD_BISTAND], { createdAt: '2026-03-01T10:00:00.000Z' })));
    // Retention removed the newest case; its number stays taken.
    await rm(path.join(dataDir, 'cases', `${created[2]!.reference}.json`));
    const first = openLowdbStores({ dataDir });
    await first.audit.append({ at: '2026-03-01T11:00:00.000Z', actor: 'anna@karlstad.se', action: 'case.list', target: 'status=new', outcome: 'allowed' });
    await first.close();

    const run = await runMove({ DATABASE_URL: db.url }, ['--from', dataDir]);
    expect(run.code, run.stderr).to.equal(0);
    expect(countTable(run.stdout).get('cases')).to.deep.include({ source: 2, target: 2 });
    const target = await openPgStores({ dataDir: '', databaseUrl: db.url });
    try {
      const next = await target.cases.create(caseDraft([KARLSTAD_BISTAND], { createdAt: '2026-05-01T10:00:00.000Z' }));
      expect(next.reference).to.equal('NV-2026-000004');
    } finally {
      await target.close();
    }

    // Another data folder whose NV-2026-000001 is another resident's case, and whose audit entry 1 is
    // another: refused before writing anything.
    const otherDir = await tempDir('intake-move-other-');
    dirs.push(otherDir);
    await new LowdbCaseStore(otherDir).create(caseDraft([KARLSTAD_BISTAND], { createdAt: '2026-03-02T10:00:00.000Z' }));
    const stores = openLowdbStores({ dataDir: otherDir });
    await stores.audit.append({ at: '2026-03-02T11:00:00.000Z', actor: 'erik@kil.se', action: 'login', outcome: 'allowed' });
    await stores.staffAccounts.write('other@kil.se', { id: 'other@kil.se' } as never);
    await stores.close();
    const refused = await runMove({ DATA_DIR: otherDir, DATABASE_URL: db.url });
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.include('cases: 1 reference(s) belong to another case in PostgreSQL (NV-2026-000001)');
    expect(refused.stderr).to.include('the audit log: entry 1 in PostgreSQL is not entry 1 of the data folder');
    expect(refused.stderr).to.include('Nothing was moved');
    expect(refused.stdout).to.equal('');
    const pool = createPool(db.url);
    try {
      expect((await pool.query('SELECT count(*)::int AS n FROM records')).rows[0].n).to.equal(0);
    } finally {
      await pool.end();
    }
  });

  it('a damaged file in the data folder: exit 1 naming the file; what was moved stays', async () => {
    const dataDir = await tempDir('intake-move-damaged-');
    dirs.push(dataDir);
    const moved = await new LowdbCaseStore(dataDir).create(caseDraft([KARLSTAD_BISTAND], { createdAt: '2025-04-01T10:00:00.000Z' }));
    const stores = openLowdbStores({ dataDir });
    await stores.staffAccounts.write('x@kil.se', { id: 'x@kil.se' } as never);
    await stores.close();
    await writeFile(path.join(dataDir, 'staff', 'accounts', 'broken.json'), '{"key": "y@kil.se", "value": ');
    const run = await runMove({ DATA_DIR: dataDir, DATABASE_URL: db.url });
    expect(run.code).to.equal(1);
    expect(run.stderr).to.include(path.join('staff', 'accounts', 'broken.json')).and.include('is not valid JSON').and.include('run the command again');
    // The cases went before the staff accounts: they are in PostgreSQL, and a second run would skip them.
    const pool = createPool(db.url);
    try {
      expect((await pool.query('SELECT reference FROM cases WHERE reference = $1', [moved.reference])).rowCount).to.equal(1);
    } finally {
      await pool.end();
    }
  });

  it('a service running on the data folder: exit 1 saying to stop it, nothing moved; after it stops, the move goes through', async () => {
    const dataDir = await tempDir('intake-move-running-');
    dirs.push(dataDir);
    await new LowdbCaseStore(dataDir).create(caseDraft([KARLSTAD_BISTAND], { createdAt: '2026-06-01T10:00:00.000Z' }));
    const service = await startService({ port: await freePort(), env: { LOG_LEVEL: 'silent', DATA_DIR: dataDir } });
    const empty = await testDatabase();
    const pool = createPool(empty.url);
    try {
      const refused = await runMove({ DATA_DIR: dataDir, DATABASE_URL: empty.url });
      expect(refused.code, refused.stderr).to.equal(1);
      expect(refused.stderr).to.include(`The data folder ${dataDir} is in use by a running intake service. Stop the service first`);
      expect(refused.stdout).to.equal('');
      // Refused before connecting: the empty database was not even given the schema.
      expect((await pool.query("SELECT to_regclass('cases') AS t")).rows[0].t).to.equal(null);

      await service.kill('SIGTERM');
      const moved = await runMove({ DATA_DIR: dataDir, DATABASE_URL: empty.url });
      expect(moved.code, moved.stderr).to.equal(0);
      expect(countTable(moved.stdout).get('cases')).to.deep.include({ source: 1, moved: 1 });
    } finally {
      await service.kill('SIGKILL');
      await pool.end();
      await empty.drop();
    }
  });

  it('no data folder: exit 1 naming the folder, before connecting anywhere', async () => {
    const run = await runMove({ DATA_DIR: '/nonexistent/intake-data', DATABASE_URL: db.url });
    expect(run.code).to.equal(1);
    expect(run.stderr).to.include('There is no data folder at /nonexistent/intake-data').and.include('DATA_DIR or --from');
  });

  it('a failed count check names the kinds that differ', () => {
    const kind = (k: keyof typeof MOVE_KINDS, source: number, target: number): KindCount => ({
      kind: k,
      label: MOVE_KINDS[k],
      source,
      targetBefore: 0,
      target,
      inserted: target,
      same: 0,
      different: 0,
      differentKeys: [],
    });
    const kinds = [kind('cases', 3, 2), kind('audit', 5, 5)];
    const text = formatReport({ from: '/data', to: 'db:5432/intake', kinds, short: [kinds[0]!], sourceChain: { ok: true, entries: 5 }, secrets: [], migrated: [], ms: 10 });
    expect(text).to.include('Count check FAILED for cases (data folder 3, PostgreSQL 2)').and.not.include('Count check passed');
  });

  it('an unreachable database: exit 1, the host and port and what to check, never the password', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as net.AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const dataDir = await tempDir('intake-move-down-');
    dirs.push(dataDir);
    const run = await runMove({ DATA_DIR: dataDir, DATABASE_URL: `postgresql://mover:Hemligt-L0senord@127.0.0.1:${port}/intake` });
    expect(run.code).to.equal(1);
    expect(run.stderr).to.include(`127.0.0.1:${port}`).and.include('Is PostgreSQL running?').and.include('DATABASE_URL');
    expect(run.stderr + run.stdout).not.to.include('Hemligt-L0senord');
    expect(run.stdout).not.to.include('Count check');
  });
});
