/**
 * `npm run restore -- FILE [--to DIR]`: puts a backup made by `npm run backup` into an empty data
 * folder (DATA_DIR by default), after checking every file of it. Then start the service on that folder.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadEnvFileOrExit } from '../src/env-file.js';
import { BackupError, restoreDataFolder } from '../src/storage/backup.js';
import { verifyDataFolder } from '../src/storage/data-folder.js';
import { progressLine } from './progress.js';

const USAGE = `npm run restore -- FILE [--to DIR]
  Restores a backup (npm run backup) into DIR (default DATA_DIR, else var/data), which must be empty
  or not exist. The backup is checked whole before anything is written.`;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { to: { type: 'string' }, help: { type: 'boolean', default: false } } });
  if (values.help) return void console.log(USAGE);
  const file = positionals[0];
  if (!file) {
    console.error(`Say which backup to restore.\n${USAGE}`);
    process.exit(2);
  }
  loadEnvFileOrExit();
  const dataDir = path.resolve(values.to ?? (process.env['DATA_DIR'] || 'var/data'));
  console.error(`Checking ${path.resolve(file)} and restoring it into ${dataDir}…`);
  const progress = progressLine('files');
  const manifest = await restoreDataFolder(path.resolve(file), dataDir, progress);
  progress.done();
  // As the service will at start-up: every file parses.
  await verifyDataFolder(dataDir);
  console.log(`Restored ${manifest.files.length.toLocaleString('en')} files (backed up ${manifest.createdAt}) into ${dataDir}. Start the service with DATA_DIR=${dataDir}.`);
}

main().catch((err: unknown) => {
  console.error(`Restore failed: ${err instanceof BackupError ? err.message : (err as Error).message}`);
  process.exit(1);
});
