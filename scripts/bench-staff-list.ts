/**
 * npm run bench:staff-list [-- --cases N] [--database-url URL]
 *
 * How long a staff member waits for the case list with N stored cases on PostgreSQL: the list as
 * the store answers it (CaseStore.find: the organisation's index, the newest page) against reading
 * every case and filtering in memory (what the list did before migration 6, and what the embedded
 * store still does). Uses a copy of the benchmark's kept database of N invented cases
 * (narvard_bench_seed_<N>, imported first if there is none), so the time of migrating it is shown
 * too. Prints the median of 7 runs per query (3 for reading every case) and the ratio.
 */
import { swedishDate } from '../src/core/swedish-time.js';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { findInRecords, type CaseQuery } from '../src/core/case-query.js';
import { openPgStores } from '../src/storage/stores.js';
import { benchDatabase, keepDatabase, keptDatabase, seedDatabaseName } from './bench/postgres.js';
import { seedPgCases, type PgSeedInfo } from './bench/seed-cases.js';

const { values: opts } = parseArgs({ options: { cases: { type: 'string', default: '100000' }, 'database-url': { type: 'string' } } });
const count = Number(opts.cases);
const adminUrl = opts['database-url'] ?? process.env['BENCH_DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/test';
/** Runs per query: the SQL list is quick, reading every case takes many seconds at 100,000. */
const RUNS = { find: 7, whole: 3 };

const template = seedDatabaseName(count);
if (!(await keptDatabase<PgSeedInfo>(adminUrl, template))) {
  console.log(`importing ${count.toLocaleString('en')} invented cases into ${template} (kept for later runs; about 1 ms per case)…`);
  const dataDir = path.join(os.tmpdir(), `narvard-staff-list-seed-${process.pid}`);
  await keepDatabase(adminUrl, template, (url) => seedPgCases(url, dataDir, count)).finally(() => rm(dataDir, { recursive: true, force: true }));
}
const copy = await benchDatabase(adminUrl, template);
if ('unavailable' in copy) {
  console.error(copy.unavailable);
  process.exit(1);
}
try {
  let started = performance.now();
  const stores = await openPgStores({ dataDir: '', databaseUrl: copy.url });
  console.log(`${count.toLocaleString('en')} cases; opening the stores (migrations brought up to date) took ${Math.round(performance.now() - started).toLocaleString('en')} ms`);
  try {
    const { rows } = await stores.pool!.query<{ org: string; n: number }>(
      'SELECT u AS org, count(*)::int AS n FROM cases, jsonb_array_elements_text(units) u GROUP BY u ORDER BY n DESC',
    );
    const largest = rows[0]!;
    const municipal = rows.find((r) => r.org !== largest.org)!;
    const median = async (runs: number, run: () => Promise<string>): Promise<{ ms: number; said: string }> => {
      const times: number[] = [];
      let said = '';
      for (let i = 0; i < runs; i++) {
        started = performance.now();
        said = await run();
        times.push(performance.now() - started);
      }
      return { ms: times.sort((a, b) => a - b)[runs >> 1]!, said };
    };
    // Units (contact points) since issue 20: the largest unit's list, and another unit's.
    const today = swedishDate(new Date());
    const queries: Array<[string, CaseQuery]> = [
      [`${largest.org} (${largest.n.toLocaleString('en')} cases), all, newest 200`, { units: [largest.org], today, limit: 200 }],
      [`${largest.org}, status new, newest 200`, { units: [largest.org], today, status: 'new', limit: 200 }],
      [`${municipal.org} (${municipal.n.toLocaleString('en')} cases), new, newest 10 (Teams)`, { units: [municipal.org], today, status: 'new', limit: 10 }],
    ];
    console.log('| query | find (SQL) ms | read all + filter ms | ratio |');
    console.log('|---|---|---|---|');
    for (const [label, query] of queries) {
      const found = await median(RUNS.find, async () => {
        const page = await stores.cases.find(query);
        return `${page.cases.length} of ${page.total}, ${page.urgentWaiting} urgent waiting`;
      });
      const whole = await median(RUNS.whole, async () => {
        const page = findInRecords(await stores.cases.list(), query);
        return `${page.cases.length} of ${page.total}, ${page.urgentWaiting} urgent waiting`;
      });
      if (found.said !== whole.said) throw new Error(`the two ways disagree for ${label}: ${found.said} against ${whole.said}`);
      console.log(`| ${label}: ${found.said} | ${found.ms.toFixed(1)} | ${whole.ms.toFixed(0)} | ${(whole.ms / found.ms).toFixed(0)}x faster |`);
    }
  } finally {
    await stores.close();
  }
} finally {
  await copy.drop();
}
