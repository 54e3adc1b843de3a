/**
 * Cases written by the previous release (test/fixtures/release-2026-11, captured from that release's
 * own store and service) load on both backends as this release keeps them: each unit gets the part
 * of the old single history its own organisation made, units of an organisation that did nothing
 * start as new (and are reminded about when urgent), and the Region's nurse reads no word of
 * Karlstad's closing note. On PostgreSQL the cases are put in a database at the previous schema
 * (migration 6) and the service's own start-up brings them up to date.
 */
import { cp, readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { createApp, type App } from '../src/app.js';
import type { CaseRecord } from '../src/core/cases.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { createPool } from '../src/storage/postgres/database.js';
import { MIGRATIONS } from '../src/storage/postgres/migrations.js';
import { REPO_ROOT, removeDir, tempDir } from './helpers/harness.js';
import { testDatabase, type TestDatabase } from './helpers/postgres.js';

const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'release-2026-11');
const PASSWORD = 'korrekt-häst-batteri-häfta';
const CLOSING_NOTE = 'Kontakt med IFO, hembesök bokat.';

async function fixtureCases(): Promise<CaseRecord[]> {
  const dir = path.join(FIXTURES, 'cases');
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  return Promise.all(files.map(async (f) => (JSON.parse(await readFile(path.join(dir, f), 'utf8')) as { value: CaseRecord }).value));
}

/** A database at the previous release's schema (migrations 1–6) with the fixture cases in it, as PgCaseStore wrote them. */
async function previousReleaseDatabase(): Promise<TestDatabase> {
  const db = await testDatabase();
  const pool = createPool(db.url);
  try {
    await pool.query('CREATE TABLE schema_migrations (version int PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
    for (const m of MIGRATIONS.filter((x) => x.version <= 6)) {
      await pool.query(m.sql);
      await pool.query('INSERT INTO schema_migrations (version, description) VALUES ($1, $2)', [m.version, m.description]);
    }
    for (const record of await fixtureCases()) {
      await pool.query('INSERT INTO cases (reference, idempotency_key, created_at, record) VALUES ($1, $2, $3, $4)', [record.reference, record.idempotencyKey, record.createdAt, record]);
      await pool.query('INSERT INTO case_keys (idempotency_key, reference) VALUES ($1, $2)', [record.idempotencyKey, record.reference]);
    }
    await pool.query('INSERT INTO case_counters (year, last) VALUES (2026, 4)');
  } finally {
    await pool.end();
  }
  return db;
}

for (const backend of ['lowdb (embedded)', 'PostgreSQL'] as const) {
  describe(`cases written by the previous release, on ${backend}`, function () {
    this.timeout(60000);
    let dir: string;
    let db: TestDatabase | undefined;
    let app: App;
    let url: string;

    before(async () => {
      dir = await tempDir('intake-migration-');
      const env: Record<string, string> = { DATA_DIR: dir, LOG_LEVEL: 'silent', URGENT_REMINDER_MINUTES: '0' };
      if (backend === 'PostgreSQL') {
        db = await previousReleaseDatabase();
        env['DATABASE_URL'] = db.url;
      } else {
        await cp(FIXTURES, dir, { recursive: true });
      }
      app = await createApp({ ...loadConfig(env, REPO_ROOT), port: 0 }, createLogger('silent'));
      ({ url } = await app.listen());
      for (const [email, name, org, units] of [
        ['anna@karlstad.test', 'Anna Exempel', 'karlstad', ['karlstad:bistand']],
        ['cecilia@region.test', 'Cecilia Testsson', 'region_varmland', ['region_varmland:vardcentral']],
      ] as const) {
        await app.accounts.put({ email, name, organisationId: org, role: 'staff', password: PASSWORD });
        await app.members.setUnits(org, email, [...units], 'test');
      }
    });
    after(async () => {
      await app.close();
      await db?.drop();
      await removeDir(dir);
    });

    it('gives each unit its own organisation\'s part of the old history', async () => {
      const [c1, c2, c3, c4] = await Promise.all(['NV-2026-000001', 'NV-2026-000002', 'NV-2026-000003', 'NV-2026-000004'].map((r) => app.cases.get(r)));
      expect(Object.keys(c1!.work)).to.deep.equal(['karlstad:bistand']);
      expect(c1!.work['karlstad:bistand']).to.deep.include({ status: 'new', urgent: false, due: '2026-11-09' });

      // Karlstad took and closed NV-2: both Karlstad units closed with Anna's history; the Region's part is new and urgent.
      expect(c2!.work['karlstad:bistand']).to.deep.include({ status: 'closed', assignee: { id: 'anna.handlaggare@karlstad.test', name: 'Anna Exempel' } });
      expect(c2!.work['karlstad:bistand']!.journal.map((j) => [j.kind, j.status ?? '', j.text ?? ''])).to.deep.equal([
        ['assigned', '', ''],
        ['status', 'closed', CLOSING_NOTE],
      ]);
      expect(c2!.work['karlstad:ifo']!.status).to.equal('closed');
      expect(c2!.work['region_varmland:vardcentral']).to.deep.equal({ unit: 'region_varmland:vardcentral', organisationId: 'region_varmland', status: 'new', urgent: true, due: '2026-11-03', journal: [] });
      expect(c2).not.to.have.property('status');
      expect(c2).not.to.have.property('events');

      // The Region's nurse took NV-3: Karlstad's part is still new.
      expect(c3!.work['region_varmland:vardcentral']).to.deep.include({ status: 'in_progress', assignee: { id: 'sjukskoterska@region.test', name: 'Cecilia Testsson' } });
      expect(c3!.work['karlstad:bistand']!.status).to.equal('new');
      // Kil was refused consent for NV-4: no part for Kil.
      expect(Object.keys(c4!.work)).to.deep.equal(['region_varmland:vardcentral']);
    });

    it('reminds the Region about the urgent case Karlstad closed, and nobody else', async () => {
      const waiting = await app.cases.urgentNewBefore(new Date('2026-12-01T00:00:00Z'));
      expect(waiting.map((c) => c.reference)).to.deep.equal(['NV-2026-000002']);
      expect(Object.values(waiting[0]!.work).filter((w) => w.urgent && w.status === 'new').map((w) => w.unit)).to.deep.equal(['region_varmland:vardcentral']);
    });

    it('shows the Region\'s nurse the shared case without Karlstad\'s note or status; Anna sees Karlstad\'s part', async () => {
      const signIn = async (email: string) => {
        const res = await fetch(`${url}/staff/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD }) });
        return res.headers.get('set-cookie')!.split(';')[0]!;
      };
      const nurse = await signIn('cecilia@region.test');
      const asNurse = await (await fetch(`${url}/staff/api/cases/NV-2026-000002`, { headers: { cookie: nurse } })).text();
      expect(asNurse).not.to.include(CLOSING_NOTE);
      expect(asNurse).not.to.include('Anna Exempel');
      const view = JSON.parse(asNurse) as { case: CaseRecord; keyFacts: Array<{ id: string; value: string }> };
      expect(Object.keys(view.case.work)).to.deep.equal(['region_varmland:vardcentral']);
      expect(view.case.summaryText).to.include('Jag bor ensam och trappan är svår.');
      const anna = await signIn('anna@karlstad.test');
      const asAnna = (await (await fetch(`${url}/staff/api/cases/NV-2026-000002`, { headers: { cookie: anna } })).json()) as { case: CaseRecord };
      expect(Object.keys(asAnna.case.work)).to.deep.equal(['karlstad:bistand']);
      expect(JSON.stringify(asAnna.case.work)).to.include(CLOSING_NOTE);
      // The relative who answered for a person who cannot decide: no "med personens samtycke".
      const four = (await (await fetch(`${url}/staff/api/cases/NV-2026-000004`, { headers: { cookie: nurse } })).json()) as { keyFacts: Array<{ id: string; value: string }> };
      const fact = (id: string) => four.keyFacts.find((f) => f.id === id)?.value;
      expect(fact('consent')).to.equal('gavs av Maria Testsson (personens barn), inte av personen själv');
      expect(fact('capacity')).to.equal('nej, personen kan inte ta ställning själv');
      expect(fact('person')).to.equal('Greta Testsson, 19811218-9876');
    });
  });
}
