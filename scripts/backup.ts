/**
 * `npm run backup [-- --to FILE]`: a backup of the embedded data folder (DATA_DIR), taken while the
 * service runs, read back and checked before it says it is done. See src/storage/backup.ts for how it
 * stays consistent, and docs/operations.md for when to take one.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadEnvFileOrExit } from '../src/env-file.js';
import { BackupError, backupDataFolder } from '../src/storage/backup.js';
import { progressLine } from './progress.js';

const USAGE = `npm run backup [-- --to FILE]
  Backs up the data folder (DATA_DIR, default var/data) into one zip file, while the service runs.
  --to FILE   where to write it (default var/backups/narvard-data-<date and time>.zip)`;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { to: { type: 'string' }, help: { type: 'boolean', default: false } } });
  if (values.help) return void console.log(USAGE);
  loadEnvFileOrExit();
  if (process.env['DATABASE_URL']) {
    console.error('DATABASE_URL is set: the service keeps its data in PostgreSQL. Back that up with pg_dump (docs/operations.md); this command backs up the embedded data folder only.');
    process.exit(1);
  }
  const dataDir = path.resolve(process.env['DATA_DIR'] || 'var/data');
  const stamp = new Date().toISOString().replace(/[:.]/gu, '-');
  const outFile = path.resolve(values.to ?? path.join('var', 'backups', `narvard-data-${stamp}.zip`));
  console.error(`Backing up ${dataDir} to ${outFile}…`);
  const progress = progressLine('files');
  const result = await backupDataFolder(dataDir, outFile, progress);
  progress.done();
  console.log(`Backup written and read back: ${outFile} (${result.files.toLocaleString('en')} files, ${(result.bytes / 1024 / 1024).toFixed(1)} MB of data; every file's sha256 checked).`);
}

main().catch((err: unknown) => {
  console.error(err instanceof BackupError ? `Backup failed: ${err.message}` : `Backup failed: ${(err as Error).message}`);
  process.exit(1);
});
