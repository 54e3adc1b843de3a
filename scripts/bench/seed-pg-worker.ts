/**
 * One of the processes seedPgCases (seed-cases.ts) runs to import invented cases into a benchmark
 * database in parallel: opens the PostgreSQL stores and imports its share through PgCaseStore.import,
 * telling the parent over IPC how many cases it has written after every batch.
 * Usage (by seedPgCases): node --import tsx scripts/bench/seed-pg-worker.ts <databaseUrl> <dataDir> <from> <to> <count> <year> <now>
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config.js';
import { loadContent } from '../../src/core/content/load.js';
import { openPgStores } from '../../src/storage/stores.js';
import { importInventedCases } from './seed-cases.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const [databaseUrl, dataDir, ...numbers] = process.argv.slice(2);
const [from, to, count, year, now] = numbers.map(Number);
if (!databaseUrl || !dataDir || [from, to, count, year, now].some((n) => n === undefined || !Number.isFinite(n))) {
  console.error('usage: seed-pg-worker.ts <databaseUrl> <dataDir> <from> <to> <count> <year> <now>');
  process.exit(2);
}
// The parent gone (interrupted): stop too.
let finished = false;
process.on('disconnect', () => finished || process.exit(1));

const config = loadConfig({}, repoRoot);
const content = loadContent({ dataDir: config.contentDir, localesDir: config.localesDir, defaultLocale: config.defaultLocale });
const stores = await openPgStores({ dataDir, databaseUrl });
try {
  await importInventedCases(content, stores.cases, { from: from!, to: to!, count: count!, year: year!, now: now! }, (written) => process.send?.({ written }));
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
} finally {
  await stores.close();
}
finished = true;
process.disconnect?.();
