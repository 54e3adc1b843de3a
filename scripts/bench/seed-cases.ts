/**
 * Invented cases for the benchmark's case-count scenarios, stored before the service starts.
 * Answers follow the real question bank (every question of the right kind, options by id), the
 * recipients are real contact points of the directory; people, texts and numbers are invented
 * (Skatteverket's test personnummer, phone numbers from the range PTS keeps for fiction).
 * The embedded store: a data folder in the store's own format, cases/NV-2026-000001.json as
 * { key, value: CaseRecord } (what LowdbCaseStore writes through RecordFolder), the index file of
 * each case's idempotency key (case-keys/<sha256>.json) and the year's counter
 * (counters/2026.json), so the service numbers on from there.
 * PostgreSQL: the same cases imported through PgCaseStore.import (cases, their keys and the year's
 * counter), a batch per transaction.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROUTING_TOPICS, type ContactType, type RoutingTopic } from '../../src/core/content/schema.js';
import type { Content } from '../../src/core/content/load.js';
import { formatReference, type CaseRecipient, type CaseRecord } from '../../src/core/cases.js';
import { upgradeCase } from '../../src/core/case-work.js';
import type { AnswerValue, Answers } from '../../src/core/interview/answers.js';
import { fileNameFor } from '../../src/storage/record-folder.js';
import { isApplicable } from '../../src/core/routing.js';
import { openPgStores } from '../../src/storage/stores.js';
import type { PgCaseStore } from '../../src/storage/postgres/pg-case-store.js';
import { MIGRATIONS } from '../../src/storage/postgres/migrations.js';
import { seededRandom } from '../../src/core/seeded-random.js';

const STORIES = [
  'Jag bor ensam sedan min man dog och trappan upp till lägenheten blir tyngre för varje vinter.',
  'Mamma klarar sig hemma men glömmer att äta när ingen är där, och jag bor två timmar bort.',
  'Jag vill kunna gå till affären själv och fika med grannarna på torsdagarna som förut.',
  'En bra dag är när jag har sovit hela natten, kommit ut en stund och pratat med någon.',
  'Det viktigaste är att få bo kvar i huset vid sjön så länge det går.',
  'Min son har svårt i skolan och vi vet inte vem vi ska prata med om det.',
  'Jag har ont i knät och väntar på besked från ortopeden, men ingen har hört av sig.',
  'Jag skulle vilja ha hjälp med städning och tvätt, resten klarar jag.',
  'Pappa vill inte ta emot hjälp av främlingar, men han litar på hemsjukvården.',
  'Efter operationen i våras har jag svårt att duscha själv.',
  'Jag känner mig ensam på kvällarna och skulle vilja ha någon att prata med.',
  'Jag tar blodtryckstabletter och något för sömnen, doktorn på vårdcentralen vet vilka.',
  'Jag vill helst bli kontaktad på förmiddagen, jag hör dåligt i telefon efter lunch.',
  'Vi pratar arabiska hemma, och det är lättare för mamma om någon kan tolka.',
];
const FIRST = ['Anna', 'Karin', 'Maria', 'Eva', 'Lars', 'Karl', 'Erik', 'Per', 'Ingrid', 'Sven', 'Aisha', 'Mohammed', 'Sanna', 'Olle'];
const LAST = ['Exempelsson', 'Testberg', 'Provström', 'Påhittad', 'Fiktivsson', 'Demodahl'];
/** Skatteverket's published test personnummer (as in test/helpers/cases.ts). */
const PERSONNUMMER = '19811218-9876';


function pick<T>(rnd: () => number, items: readonly T[]): T {
  return items[Math.floor(rnd() * items.length)]!;
}

function some<T>(rnd: () => number, items: readonly T[], max: number): T[] {
  const n = 1 + Math.floor(rnd() * Math.min(max, items.length));
  return [...new Set(Array.from({ length: n }, () => pick(rnd, items)))];
}

/** Builds the n-th of `count` invented cases (1-based) with the directory and question bank of `content`. */
export function inventCase(content: Content, n: number, count: number, year: number, now: number): CaseRecord {
  const rnd = seededRandom(n * 7919);
  const sv = content.locales['sv'] ?? Object.values(content.locales)[0]!;
  const municipalities = content.directory.organisations.filter((o) => o.kind === 'municipality');
  const region = content.directory.organisations.find((o) => o.kind === 'region')!;
  const municipality = pick(rnd, municipalities);
  const name = `${pick(rnd, FIRST)} ${pick(rnd, LAST)}`;

  const answers: Answers = {};
  for (const q of content.bank.questions) {
    // Asked only when earlier answers call for it, as in the interview; some are skipped.
    if (!isApplicable(q, answers) || (rnd() < 0.15 && !q.required)) continue;
    let value: AnswerValue;
    if (q.id === content.bank.roles.municipality) value = { kind: 'choice', option: municipality.id };
    else if (q.kind === 'text') {
      const text = q.format === 'personnummer' ? PERSONNUMMER : q.format === 'phone' ? `070-174 06 ${String(5 + (n % 95)).padStart(2, '0')}` : /name/u.test(q.id) ? name : pick(rnd, STORIES);
      value = { kind: 'text', text };
    } else if (q.kind === 'yesno') value = { kind: 'yesno', value: rnd() < 0.5 ? 'yes' : 'no' };
    else if (q.kind === 'scale') value = { kind: 'scale', value: (q.scale?.min ?? 1) + Math.floor(rnd() * ((q.scale?.max ?? 5) - (q.scale?.min ?? 1) + 1)) };
    else {
      const options = (q.options ?? []).map((o) => o.id);
      if (!options.length) continue;
      value = q.kind === 'multi' ? { kind: 'multi', options: some(rnd, options, 3) } : { kind: 'choice', option: pick(rnd, options) };
    }
    answers[q.id] = value;
  }

  const topics = some(rnd, ROUTING_TOPICS, 3) as RoutingTopic[];
  const recipients: CaseRecipient[] = some(rnd, municipality.contacts, 2).map((c) => ({
    key: `${municipality.id}:${c.type}`,
    organisationId: municipality.id,
    organisationName: municipality.name,
    contactType: c.type as ContactType,
    contactName: c.name,
    side: 'municipality',
    responseDays: c.responseDays,
    ...(c.phone ? { phone: c.phone } : {}),
    ...(c.hours ? { hours: c.hours } : {}),
    topics: topics.slice(0, 1),
    consent: rnd() < 0.9,
  }));
  const vardcentral = region.contacts.find((c) => c.type === 'vardcentral');
  if (vardcentral && rnd() < 0.5) {
    recipients.push({ key: `${region.id}:vardcentral`, organisationId: region.id, organisationName: region.name, contactType: 'vardcentral', contactName: vardcentral.name, side: 'region', responseDays: vardcentral.responseDays, topics: ['primary_care'], consent: true });
  }

  const display = (v: AnswerValue): string => {
    switch (v.kind) {
      case 'text':
        return v.text;
      case 'yesno':
        return v.value === 'yes' ? 'Ja' : 'Nej';
      case 'scale':
        return String(v.value);
      case 'choice':
        return v.option;
      case 'multi':
        return v.options.join(', ');
    }
  };
  let number = 0;
  const sections = content.bank.groups.map((group) => ({
    title: group,
    items: content.bank.questions
      .filter((q) => q.group === group && answers[q.id])
      .map((q) => ({ number: ++number, questionId: q.id, label: sv.questions[q.id]?.label ?? q.id, answer: display(answers[q.id]!), skipped: false, ibic: [...q.ibic] })),
  }));
  // Oldest first, over the last 80 days (inside the 90 days' retention), never before New Year.
  const createdAt = new Date(Math.max(Date.UTC(year, 0, 1), now - ((count - n) / count) * 80 * 86_400_000)).toISOString();
  const urgent = rnd() < 0.03;
  const reference = formatReference(year, n);
  // Written as a release before issue 20 wrote cases (one status for all), then given its per-unit
  // work the way the stores upgrade such cases.
  const legacy = {
    idempotencyKey: `bench-seed/${n}`,
    createdAt,
    locale: 'sv',
    urgent,
    riskCategories: urgent ? ['medical_emergency'] : [],
    respondent: answers['respondent']?.kind === 'choice' && answers['respondent'].option === 'other' ? 'other' : 'self',
    municipality: { id: municipality.id, name: municipality.name, ...(municipality.scbCode ? { scbCode: municipality.scbCode } : {}) },
    topics,
    sipSuggested: recipients.some((r) => r.side === 'region'),
    recipients,
    answers,
    summary: { title: 'Sammanfattning', topics: `Det här gäller främst: ${topics.join(', ')}`, recipients: recipients.map((r) => r.contactName).join('; '), sections },
    summaryText: ['Sammanfattning', ...sections.flatMap((s) => s.items.map((i) => `${i.label}: ${i.answer}`))].join('\n'),
    conversation: { channelId: 'directline', conversationId: createHash('sha256').update(`seed-${n}`).digest('base64url').slice(0, 24) },
    reference,
    status: rnd() < 0.6 ? 'closed' : rnd() < 0.5 ? 'taken' : 'new',
  } as Omit<CaseRecord, 'work'>;
  return upgradeCase(legacy as CaseRecord);
}

/** lowdb's JSONFile format: the record under its key, indented by two spaces. */
function writeRecord(dir: string, key: string, value: unknown): number {
  const text = JSON.stringify({ key, value }, null, 2);
  writeFileSync(path.join(dir, fileNameFor(key)), text);
  return Buffer.byteLength(text);
}

/**
 * Writes `count` cases (NV-<year>-000001 …) with their key index and the year's counter into
 * `dataDir`. Reports progress every 5,000 cases; returns the bytes written.
 */
export async function seedCases(content: Content, dataDir: string, count: number, onProgress?: (done: number) => void): Promise<{ bytes: number; files: number }> {
  const year = new Date().getUTCFullYear();
  const now = Date.now();
  const casesDir = path.join(dataDir, 'cases');
  const keysDir = path.join(dataDir, 'case-keys');
  const countersDir = path.join(dataDir, 'counters');
  for (const d of [casesDir, keysDir, countersDir]) mkdirSync(d, { recursive: true });
  let bytes = 0;
  // Plain synchronous writes: building the records costs more than writing them, and nothing else runs meanwhile.
  for (let n = 1; n <= count; n++) {
    const record = inventCase(content, n, count, year, now);
    bytes += writeRecord(casesDir, record.reference, record);
    bytes += writeRecord(keysDir, createHash('sha256').update(record.idempotencyKey).digest('hex'), { reference: record.reference });
    if (n % 5000 === 0) {
      onProgress?.(n);
      // Let the progress line out.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  bytes += writeRecord(countersDir, String(year), { last: count });
  return { bytes, files: count * 2 + 1 };
}

/** Bump when the invented cases change, so cached folders are written again. */
export const SEED_VERSION = 1;
const MARKER = '.bench-seed.json';
/** What the seeding leaves; everything else in a cached folder was written by a server and goes. */
const SEEDED = new Set(['cases', 'case-keys', 'counters', MARKER]);

export interface SeedInfo {
  count: number;
  version: number;
  year: number;
  seededAt: string;
  ms: number;
  bytes: number;
  files: number;
}

/** Removes what a server wrote into a seeded folder (state, transcripts, …), keeping the cases. */
export async function resetSeeded(dir: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  await Promise.all(names.filter((n) => !SEEDED.has(n)).map((n) => rm(path.join(dir, n), { recursive: true, force: true })));
}

/**
 * A data folder with `count` seeded cases under `root`, written once and reused by later runs:
 * deleting and writing a gigabyte of small files again costs more than the measurement (and on a
 * disk mounted with `discard` slows down whatever writes next). Written anew when `fresh`, when the
 * generator changed, in a new year, or when older than 30 days (before the retention sweep, which
 * removes cases after 90 days, could touch them).
 */
export async function seededFolder(
  content: Content,
  root: string,
  count: number,
  fresh: boolean,
  onProgress?: (done: number) => void,
): Promise<{ dir: string; info: SeedInfo; reused: boolean }> {
  const dir = path.join(root, `narvard-bench-seed-${count}`);
  if (!fresh) {
    try {
      const info = JSON.parse(await readFile(path.join(dir, MARKER), 'utf8')) as SeedInfo;
      const caseFiles = (await readdir(path.join(dir, 'cases'))).filter((n) => n.endsWith('.json') && !n.startsWith('.')).length;
      const young = Date.now() - Date.parse(info.seededAt) < 30 * 86_400_000;
      if (info.version === SEED_VERSION && info.count === count && info.year === new Date().getUTCFullYear() && young && caseFiles === count) {
        await resetSeeded(dir);
        return { dir, info, reused: true };
      }
    } catch {
      // No usable folder: write it.
    }
  }
  await rm(dir, { recursive: true, force: true });
  const t = performance.now();
  const { bytes, files } = await seedCases(content, dir, count, onProgress);
  const info: SeedInfo = { count, version: SEED_VERSION, year: new Date().getUTCFullYear(), seededAt: new Date().toISOString(), ms: Math.round(performance.now() - t), bytes, files };
  await writeFile(path.join(dir, MARKER), JSON.stringify(info));
  return { dir, info, reused: false };
}

// ---- PostgreSQL -----------------------------------------------------------------------------

/** Cases per PgCaseStore.import call: one transaction, one statement for the cases, one for their keys. */
export const PG_SEED_BATCH = 1000;

/**
 * Imports cases `from`..`to` (1-based, of `count`) into `cases`, PG_SEED_BATCH at a time; the next
 * batch is invented while the one before is being written. `onBatch` gets the cases written so far.
 */
export async function importInventedCases(
  content: Content,
  cases: PgCaseStore,
  range: { from: number; to: number; count: number; year: number; now: number },
  onBatch?: (written: number) => void,
): Promise<void> {
  const { to, count, year, now } = range;
  let written = 0;
  let writing: Promise<void> | undefined;
  for (let from = range.from; from <= to; from += PG_SEED_BATCH) {
    const last = Math.min(to, from + PG_SEED_BATCH - 1);
    const batch: CaseRecord[] = [];
    for (let n = from; n <= last; n++) batch.push(inventCase(content, n, count, year, now));
    await writing;
    writing = cases.import(batch).then((outcomes) => {
      const kept = outcomes.filter((o) => o !== 'inserted').length;
      if (kept) throw new Error(`${kept} of cases ${from}-${last} were in the database already`);
      written += batch.length;
      onBatch?.(written);
    });
    // Awaited before the next batch or after the last; no unhandled rejection meanwhile.
    writing.catch(() => undefined);
  }
  await writing;
}

export interface PgSeedInfo {
  count: number;
  version: number;
  year: number;
  seededAt: string;
  /** The newest migration applied when seeding (a kept database of an older schema is seeded again). */
  schema: number;
  batchSize: number;
  /** Processes that imported in parallel, each its own share of the cases. */
  importers: number;
  /** Opening the stores (migrations) to the last batch committed. */
  importMs: number;
  /** VACUUM (ANALYZE) and a CHECKPOINT afterwards. */
  settleMs: number;
  databaseBytes: number;
}

const SCHEMA = Math.max(...MIGRATIONS.map((m) => m.version));

/** Whether `info` describes what seedPgCases would write for `count` cases now (see seededFolder for why 30 days). */
export function pgSeedCurrent(info: Partial<PgSeedInfo> | undefined, count: number): boolean {
  return (
    !!info &&
    info.version === SEED_VERSION &&
    info.schema === SCHEMA &&
    info.count === count &&
    info.year === new Date().getUTCFullYear() &&
    Date.now() - Date.parse(info.seededAt ?? '') < 30 * 86_400_000
  );
}

const WORKER = fileURLToPath(new URL('./seed-pg-worker.ts', import.meta.url));

/** Runs seed-pg-worker.ts for one share of the cases; `onBatch` gets its cases written so far. */
function importer(databaseUrl: string, dataDir: string, range: { from: number; to: number; count: number; year: number; now: number }, onBatch: (written: number) => void): { done: Promise<void>; stop(): void } {
  const args = [databaseUrl, dataDir, ...[range.from, range.to, range.count, range.year, range.now].map(String)];
  const child = spawn(process.execPath, ['--disable-warning=DEP0111', '--import', 'tsx', WORKER, ...args], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => void (stderr = (stderr + chunk.toString('utf8')).slice(-4000)));
  child.on('message', (m: { written?: number }) => m.written !== undefined && onBatch(m.written));
  const done = new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`importing cases ${range.from}-${range.to} failed (exit ${code ?? signal}): ${stderr.trim().split('\n').slice(-5).join(' | ')}`)),
    );
  });
  return { done, stop: () => void child.kill() };
}

/**
 * Imports `count` invented cases (NV-<year>-000001 …, the same as seedCases writes) into the
 * database at `databaseUrl` through PgCaseStore.import: opens its stores as the service does
 * (bringing the schema up to date), then has `importers` processes (one per CPU, at most 4) each
 * import a share, in batches of PG_SEED_BATCH (inventing cases and handing them to `pg` costs more
 * CPU than PostgreSQL spends storing them). Then vacuums and analyses the database and asks for a
 * checkpoint, so that a measurement on it does not pay for the bulk load (autovacuum, dirty
 * buffers). Reports the cases written so far after every batch.
 */
export async function seedPgCases(databaseUrl: string, dataDir: string, count: number, onProgress?: (done: number) => void): Promise<PgSeedInfo> {
  const year = new Date().getUTCFullYear();
  const now = Date.now();
  const started = performance.now();
  const stores = await openPgStores({ dataDir, databaseUrl });
  try {
    const importers = Math.max(1, Math.min(4, os.availableParallelism(), Math.ceil(count / PG_SEED_BATCH)));
    const share = Math.ceil(count / importers);
    const written = new Array<number>(importers).fill(0);
    const running = Array.from({ length: importers }, (_, i) =>
      importer(databaseUrl, dataDir, { from: i * share + 1, to: Math.min(count, (i + 1) * share), count, year, now }, (n) => {
        written[i] = n;
        onProgress?.(written.reduce((a, b) => a + b, 0));
      }),
    );
    try {
      await Promise.all(running.map((r) => r.done));
    } catch (err) {
      for (const r of running) r.stop();
      throw err;
    }
    const stored = await stores.cases.count();
    if (stored !== count) throw new Error(`the database holds ${stored} cases, not ${count}`);
    const importMs = performance.now() - started;
    await stores.pool.query('VACUUM (ANALYZE)');
    // Needs superuser or pg_checkpoint; without it the checkpoint comes when PostgreSQL wants it.
    await stores.pool.query('CHECKPOINT').catch(() => undefined);
    const { rows } = await stores.pool.query<{ bytes: string }>('SELECT pg_database_size(current_database()) AS bytes');
    return {
      count,
      version: SEED_VERSION,
      year,
      seededAt: new Date().toISOString(),
      schema: SCHEMA,
      batchSize: PG_SEED_BATCH,
      importers,
      importMs: Math.round(importMs),
      settleMs: Math.round(performance.now() - started - importMs),
      databaseBytes: Number(rows[0]!.bytes),
    };
  } finally {
    await stores.close();
  }
}
