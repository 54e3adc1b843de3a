/**
 * `npm run db:move`: moves the embedded data folder into PostgreSQL, every kind of data, and checks
 * the counts at the end (see src/storage/move.ts). Stop the service first: the move takes
 * the data folder's lock and is refused while a service holds it.
 *
 *   DATA_DIR=var/data DATABASE_URL=postgresql://intake:…@db.example.se:5432/intake npm run db:move
 *   npm run db:move -- --from var/data --to postgresql://intake:…@db.example.se:5432/intake
 *
 * Progress goes to stderr, the count table to stdout. Exit 0 when PostgreSQL holds at least as many
 * of every kind as the data folder; 1 otherwise, or on any error, with what to do next. Safe to run
 * again: what is already there is skipped, never overwritten.
 */
import path from 'node:path';
import { loadEnvFileOrExit } from '../src/env-file.js';
import { explainMoveFailure, formatReport, moveDataFolder } from '../src/storage/move.js';

const USAGE = `Usage: npm run db:move -- [--from DIR] [--to postgresql://…]
Moves the data folder (--from, else DATA_DIR, else var/data) into PostgreSQL (--to, else DATABASE_URL).
Stop the service first. Safe to run again: what is already in PostgreSQL is skipped, never overwritten.`;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

function fail(message: string): never {
  process.stderr.write(`db:move: ${message}\n`);
  process.exit(1);
}

/** "cases 12,000/100,000": rewritten in place on a terminal, a line a second (and each kind's last) otherwise. */
function progressPrinter(): (label: string, done: number, total: number) => void {
  const tty = Boolean(process.stderr.isTTY);
  let lastAt = 0;
  let lastLabel = '';
  return (label, done, total) => {
    const now = Date.now();
    const finished = done >= total;
    if (label === lastLabel && !finished && now - lastAt < (tty ? 100 : 1000)) return;
    lastAt = now;
    lastLabel = label;
    const text = `${label} ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')}`;
    if (tty) process.stderr.write(`\r\x1b[K${text}${finished ? '\n' : ''}`);
    else process.stderr.write(`${text}\n`);
  };
}

async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  loadEnvFileOrExit();
  const from = path.resolve(arg('from') ?? process.env['DATA_DIR'] ?? 'var/data');
  const to = arg('to') ?? process.env['DATABASE_URL'];
  if (!to) fail(`say where to move to: set DATABASE_URL or pass --to postgresql://USER:PASSWORD@HOST:5432/DATABASE.\n${USAGE}`);
  if (!/^postgres(ql)?:\/\/\S+$/u.test(to)) fail('DATABASE_URL (or --to) must be a PostgreSQL address such as postgresql://intake:password@db.example.se:5432/intake.');

  try {
    const report = await moveDataFolder({ from, to, onProgress: progressPrinter() });
    process.stdout.write(`${formatReport(report)}\n`);
    process.exitCode = report.short.length ? 1 : 0;
  } catch (err) {
    process.stderr.write(`db:move: ${explainMoveFailure(err, to)}\n`);
    process.exitCode = 1;
  }
}

await main();
