/**
 * `npm run db:move`: moves an embedded data folder (lowdb) into PostgreSQL, every kind of data, and
 * checks the counts at the end. The source is read through the embedded stores' own methods (so a
 * change of their file layout keeps this working) and written through the PostgreSQL stores' import
 * methods, which insert what is missing and never change what is there. So a move that was
 * interrupted is simply run again, and a move run twice changes nothing.
 *
 * Before writing anything it refuses a database that holds a different history under the same keys:
 * another audit chain, or other cases under the same references (a service that already ran on it).
 * Any other item already there and different (a conversation that went on in PostgreSQL after an
 * earlier move) is kept as it is, counted and reported.
 *
 * The signing secrets (directline/token-secret, staff/session-secret) are not data: they stay in the
 * data folder. On PostgreSQL the service reads DIRECTLINE_TOKEN_SECRET and STAFF_SESSION_SECRET, or
 * else generates secrets once in the database; the report says so, and how to keep open chats valid.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import { verifyChain, type AuditEntry } from '../core/audit.js';
import type { CaseRecord } from '../core/cases.js';
import { databaseTarget, isConnectionFailure } from './postgres/connection-errors.js';
import type { ImportOutcome } from './postgres/imports.js';
import type { PgRecords } from './postgres/pg-records.js';
import type { RecordFolder } from './record-folder.js';
import { RECORD_KINDS } from './records.js';
import { CorruptDataError } from './errors.js';
import { DataFolderInUseError, lockDataFolder } from './data-folder-lock.js';
import { openLowdbStores, openPgStores, type LowdbStores, type PgStores } from './stores.js';

/** The kinds of data moved, in the order they are moved and reported. */
export const MOVE_KINDS = {
  state: 'conversation state',
  cases: 'cases',
  caseKeys: 'case idempotency keys',
  caseCounters: 'case counters (years)',
  transcripts: 'transcripts',
  transcriptActivities: 'transcript activities',
  directLine: 'Direct Line conversations',
  directLineActivities: 'Direct Line activities',
  outbox: 'outbox items',
  audit: 'audit entries',
  staffAccounts: 'staff accounts',
  teamsChannels: 'Teams channels',
  kitchenTables: 'kitchen tables',
  references: 'conversation references',
} as const;

export type MoveKind = keyof typeof MOVE_KINDS;

const KIND_IDS = Object.keys(MOVE_KINDS) as MoveKind[];

/** Kinds keyed by a resident's conversation: their keys are not printed (as in the logs). */
const CONVERSATION_KEYED = new Set<MoveKind>(['state', 'transcripts', 'transcriptActivities', 'directLine', 'directLineActivities', 'references', 'kitchenTables']);

/** The signing secrets in the data folder, which stay there, and the variables that replace them. */
export const SECRETS_LEFT_BEHIND = [
  { file: 'directline/token-secret', env: 'DIRECTLINE_TOKEN_SECRET', signs: 'the web chat tokens (open chats in browsers)' },
  { file: 'staff/session-secret', env: 'STAFF_SESSION_SECRET', signs: 'staff sign-in sessions' },
] as const;

export interface KindCount {
  kind: MoveKind;
  label: string;
  /** How many the data folder holds. */
  source: number;
  /** How many PostgreSQL held before the move, and after. */
  targetBefore: number;
  target: number;
  /** Of the source's: written now; already there and equal; already there and different (kept). */
  inserted: number;
  same: number;
  different: number;
  /** Some keys of the different ones (not for kinds keyed by a resident's conversation). */
  differentKeys: string[];
}

export interface MoveReport {
  from: string;
  /** host:port/database, never the user or password. */
  to: string;
  kinds: KindCount[];
  /** Kinds where PostgreSQL holds fewer than the data folder (or, where it was empty, not exactly as many). */
  short: KindCount[];
  /** The data folder's own audit chain (moved as it is, hashes unchanged). */
  sourceChain: ReturnType<typeof verifyChain>;
  secrets: Array<(typeof SECRETS_LEFT_BEHIND)[number] & { present: boolean }>;
  /** Schema migrations applied to the database by this run. */
  migrated: number[];
  ms: number;
}

export interface MoveOptions {
  /** The data folder (DATA_DIR). */
  from: string;
  /** The PostgreSQL connection string (DATABASE_URL). */
  to: string;
  /** Called as items are moved (and once at the end of each kind with done === total). */
  onProgress?: (label: string, done: number, total: number) => void;
  /** Batches imported at once (default 4; the pool has 10 connections). */
  concurrency?: number;
}

/** The database holds a different history under the same keys; nothing was written. */
export class MoveRefusedError extends Error {
  override readonly name = 'MoveRefusedError';
  constructor(readonly conflicts: string[]) {
    super(
      `PostgreSQL already holds different data under the same keys, so it is not a copy of this data folder:\n` +
        conflicts.map((c) => `  - ${c}`).join('\n') +
        '\nNothing was moved. Moving would leave two histories mixed (or lose one). Move into an empty database, ' +
        'or find out which of the two is the one to keep first.',
    );
  }
}

/** The data folder is not there. */
export class MoveSourceError extends Error {
  override readonly name = 'MoveSourceError';
}

const BATCH = 500;

/** Tallies of one run, per kind. */
class Tally {
  readonly counts: Record<MoveKind, Omit<KindCount, 'kind' | 'label' | 'targetBefore' | 'target'>>;

  constructor() {
    this.counts = Object.fromEntries(KIND_IDS.map((k) => [k, { source: 0, inserted: 0, same: 0, different: 0, differentKeys: [] as string[] }])) as Tally['counts'];
  }

  add(kind: MoveKind, outcome: ImportOutcome, key: string, weight = 1): void {
    const c = this.counts[kind];
    c.source += weight;
    c[outcome] += weight;
    if (outcome === 'different' && !CONVERSATION_KEYED.has(kind) && c.differentKeys.length < 5) c.differentKeys.push(key);
  }
}

/** Runs `work` for every item with at most `limit` at once; stops at the first failure and rethrows it. */
async function forEachLimited<T>(items: AsyncIterable<T> | Iterable<T>, limit: number, work: (item: T) => Promise<void>): Promise<void> {
  const running = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  for await (const item of items) {
    if (failure) break;
    const task: Promise<void> = work(item)
      .catch((error: unknown) => void (failure ??= { error }))
      .finally(() => running.delete(task));
    running.add(task);
    if (running.size >= limit) await Promise.race(running);
  }
  await Promise.all(running);
  if (failure) throw failure.error;
}

function chunks<T>(items: readonly T[], size = BATCH): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The items of a stream in arrays of `size` (the last may be shorter). */
async function* batches<T>(items: AsyncIterable<T>, size: number): AsyncGenerator<T[]> {
  let batch: T[] = [];
  for await (const item of items) {
    batch.push(item);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

/** What PostgreSQL holds of each kind, in one round trip. */
async function countTarget(pool: pg.Pool): Promise<Record<MoveKind, number>> {
  const { rows } = await pool.query<Record<MoveKind, string>>(
    `SELECT
       (SELECT count(*) FROM bot_state) AS "state",
       (SELECT count(*) FROM cases) AS "cases",
       (SELECT count(*) FROM case_keys) AS "caseKeys",
       (SELECT count(*) FROM case_counters) AS "caseCounters",
       (SELECT count(*) FROM (SELECT DISTINCT channel_id, conversation_id FROM transcript_activities) t) AS "transcripts",
       (SELECT count(*) FROM transcript_activities) AS "transcriptActivities",
       (SELECT count(*) FROM directline_conversations) AS "directLine",
       (SELECT count(*) FROM directline_activities) AS "directLineActivities",
       (SELECT count(*) FROM outbox_items) AS "outbox",
       (SELECT count(*) FROM audit_log) AS "audit",
       (SELECT count(*) FROM records WHERE kind = $1) AS "staffAccounts",
       (SELECT count(*) FROM records WHERE kind = $2) AS "teamsChannels",
       (SELECT count(*) FROM records WHERE kind = $3) AS "kitchenTables",
       (SELECT count(*) FROM records WHERE kind = $4) AS "references"`,
    [RECORD_KINDS.staffAccounts, RECORD_KINDS.teamsChannels, RECORD_KINDS.kitchenTables, RECORD_KINDS.references],
  );
  return Object.fromEntries(KIND_IDS.map((k) => [k, Number(rows[0]![k])])) as Record<MoveKind, number>;
}

/** Refuses (before writing anything) a database that holds another audit chain or other cases under the same references. */
async function checkSameHistory(source: LowdbStores, target: PgStores, before: Record<MoveKind, number>, audit: AuditEntry[], progress: MoveOptions['onProgress']): Promise<void> {
  const conflicts: string[] = [];

  if (before.audit > 0 && audit.length) {
    // Each hash covers the one before: one equal entry proves every earlier one equal.
    const head = await target.audit.headAt(audit.at(-1)!.seq);
    const ours = head && audit.find((e) => e.seq === head.seq);
    if (head && ours?.hash !== head.hash) {
      conflicts.push(`the audit log: entry ${head.seq} in PostgreSQL is not entry ${head.seq} of the data folder (another audit chain; appending this one after it would break both)`);
    }
  }

  if (before.cases > 0) {
    const total = await source.cases.count();
    const clashes: string[] = [];
    let checked = 0;
    for await (const batch of batches(source.cases.export(), BATCH)) {
      const theirs = await target.cases.idempotencyKeys(batch.map((c) => c.reference));
      for (const ours of batch) {
        const key = theirs.get(ours.reference);
        if (key !== undefined && key !== ours.idempotencyKey) clashes.push(ours.reference);
      }
      checked += batch.length;
      progress?.('checking cases', checked, Math.max(total, checked));
    }
    clashes.sort();
    if (clashes.length) {
      const shown = clashes.slice(0, 5).join(', ');
      conflicts.push(`cases: ${clashes.length.toLocaleString('en-US')} reference(s) belong to another case in PostgreSQL (${shown}${clashes.length > 5 ? ', …' : ''}); the service has created cases there already`);
    }
  }

  if (conflicts.length) throw new MoveRefusedError(conflicts);
}

async function folderExists(dir: string): Promise<boolean> {
  try {
    return (await stat(dir)).isDirectory();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

/** Moves the data folder `from` into the database `to`; resolves with the count check. */
export async function moveDataFolder(options: MoveOptions): Promise<MoveReport> {
  const started = Date.now();
  const from = path.resolve(options.from);
  const limit = options.concurrency ?? 4;
  const progress = options.onProgress;
  if (!(await folderExists(from))) throw new MoveSourceError(`There is no data folder at ${from}. Name it with DATA_DIR or --from.`);
  // A running service keeps the latest state in memory and appends as it goes, so a copy taken
  // meanwhile can be mid-turn. The move holds the folder's lock: a running service turns it away,
  // and a service started during the move is turned away in its turn.
  let lockLost: Error | undefined;
  const unlock = await lockDataFolder(from, (err) => void (lockLost = err)).catch((err: unknown) => {
    if (err instanceof DataFolderInUseError) throw new MoveSourceError(`The data folder ${from} is in use by a running intake service. Stop the service first (a copy taken while it writes can be caught mid-turn), then run the command again.`);
    throw err;
  });

  const source = openLowdbStores({ dataDir: from });
  let migrated: number[] = [];
  const target = await openPgStores({ dataDir: from, databaseUrl: options.to, onMigrated: (applied) => void (migrated = applied) }).catch(async (err: unknown) => {
    await Promise.allSettled([source.close(), unlock()]);
    throw err;
  });
  try {
    const before = await countTarget(target.pool);
    const tally = new Tally();
    const audit = await source.audit.entries();
    await checkSameHistory(source, target, before, audit, progress);

    // Conversation state.
    const stateKeys = await source.botState.keys();
    let done = 0;
    progress?.(MOVE_KINDS.state, 0, stateKeys.length);
    // botState.read reads its keys all at once: small chunks keep the open files few.
    await forEachLimited(chunks(stateKeys, 100), limit, async (chunk) => {
      const read = await source.botState.read(chunk);
      const items = chunk.filter((key) => read[key] !== undefined).map((key) => ({ key, value: read[key] as Record<string, unknown> }));
      (await target.botState.import(items)).forEach((outcome, i) => tally.add('state', outcome, items[i]!.key));
      progress?.(MOVE_KINDS.state, (done += chunk.length), stateKeys.length);
    });

    // The yearly counters (first: so a fresh database counts them as moved), then the cases with
    // their references and idempotency keys.
    const counters = await source.cases.lastNumbers();
    for (const { year, last } of counters) tally.add('caseCounters', await target.cases.importCounter(year, last), String(year));
    progress?.(MOVE_KINDS.caseCounters, counters.length, counters.length);
    const caseTotal = await source.cases.count();
    done = 0;
    progress?.(MOVE_KINDS.cases, 0, caseTotal);
    await forEachLimited(batches(source.cases.export(), 100), limit, async (batch: CaseRecord[]) => {
      (await target.cases.import(batch)).forEach((outcome, i) => {
        tally.add('cases', outcome, batch[i]!.reference);
        // The key goes with its case; under a case already there it was stored with it.
        tally.add('caseKeys', outcome === 'inserted' ? 'inserted' : 'same', batch[i]!.reference);
      });
      progress?.(MOVE_KINDS.cases, (done += batch.length), Math.max(caseTotal, done));
    });

    // Transcripts: every channel, every conversation, activities in order.
    const channels = await source.transcripts.channels();
    const conversations = (await Promise.all(channels.map((c) => source.transcripts.count(c)))).reduce((a, b) => a + b, 0);
    done = 0;
    progress?.(MOVE_KINDS.transcripts, 0, conversations);
    for (const channelId of channels) {
      await forEachLimited(batches(source.transcripts.export(channelId), 100), limit, async (batch) => {
        // A transcript without activities is no conversation (and has no row to hold it).
        const transcripts = batch.filter((t) => t.activities.length);
        (await target.transcripts.import(transcripts)).forEach((outcome, i) => {
          const t = transcripts[i]!;
          tally.add('transcripts', outcome, `${t.channelId}/${t.conversationId}`);
          tally.add('transcriptActivities', outcome, '', t.activities.length);
        });
        progress?.(MOVE_KINDS.transcripts, (done += batch.length), Math.max(conversations, done));
      });
    }

    // Direct Line conversations, with their last watermark and their activities under their watermarks.
    const dlTotal = await source.directLine.count();
    done = 0;
    progress?.(MOVE_KINDS.directLine, 0, dlTotal);
    await forEachLimited(batches(source.directLine.export(), 200), limit, async (batch) => {
      (await target.directLine.import(batch)).forEach((outcome, i) => {
        tally.add('directLine', outcome, batch[i]!.conversation.id);
        tally.add('directLineActivities', outcome, '', batch[i]!.activities.length);
      });
      progress?.(MOVE_KINDS.directLine, (done += batch.length), Math.max(dlTotal, done));
    });

    // The outbox, every item with its status.
    const outbox = await source.outbox.all();
    done = 0;
    progress?.(MOVE_KINDS.outbox, 0, outbox.length);
    for (const chunk of chunks(outbox)) {
      (await target.outbox.import(chunk)).forEach((outcome, i) => tally.add('outbox', outcome, chunk[i]!.id));
      progress?.(MOVE_KINDS.outbox, (done += chunk.length), outbox.length);
    }

    // The audit log, seq and hashes unchanged.
    done = 0;
    progress?.(MOVE_KINDS.audit, 0, audit.length);
    for (const chunk of chunks(audit)) {
      (await target.audit.import(chunk)).forEach((outcome, i) => tally.add('audit', outcome, String(chunk[i]!.seq)));
      progress?.(MOVE_KINDS.audit, (done += chunk.length), audit.length);
    }

    // The keyed records.
    const recordKinds: Array<[MoveKind, RecordFolder<unknown>, PgRecords<unknown>]> = [
      ['staffAccounts', source.staffAccounts, target.staffAccounts],
      ['teamsChannels', source.teamsChannels, target.teamsChannels],
      ['kitchenTables', source.kitchenTables, target.kitchenTables],
      ['references', source.references, target.references],
    ];
    for (const [kind, folder, rows] of recordKinds) {
      const keys = await folder.keys();
      done = 0;
      progress?.(MOVE_KINDS[kind], 0, keys.length);
      for (const chunk of chunks(keys)) {
        const values = await folder.readMany(chunk);
        const records = chunk.map((key, i) => ({ key, value: values[i] })).filter((r) => r.value !== undefined);
        (await rows.import(records)).forEach((outcome, i) => tally.add(kind, outcome, records[i]!.key));
        progress?.(MOVE_KINDS[kind], (done += chunk.length), keys.length);
      }
    }

    if (lockLost) throw new MoveSourceError(`The lock on the data folder ${from} was lost during the move (${lockLost.message}); another process may have written to it. Make sure the service is stopped and run the command again: what was moved is skipped.`);
    const after = await countTarget(target.pool);
    const kinds: KindCount[] = KIND_IDS.map((kind) => ({ kind, label: MOVE_KINDS[kind], ...tally.counts[kind], targetBefore: before[kind], target: after[kind] }));
    const secrets = await Promise.all(SECRETS_LEFT_BEHIND.map(async (s) => ({ ...s, present: await stat(path.join(from, s.file)).then(() => true, () => false) })));
    return {
      from,
      to: databaseTarget(options.to),
      kinds,
      short: kinds.filter((k) => (k.targetBefore === 0 ? k.target !== k.source : k.target < k.source)),
      sourceChain: verifyChain(audit),
      secrets,
      migrated,
      ms: Date.now() - started,
    };
  } finally {
    await Promise.allSettled([target.close(), source.close()]);
    await unlock().catch(() => undefined);
  }
}

const n = (x: number) => x.toLocaleString('en-US');

/** The count table and what follows from it, for people. */
export function formatReport(report: MoveReport): string {
  const head = ['kind', 'data folder', 'PostgreSQL', 'moved now', 'already there', 'different (kept)'];
  const rows = report.kinds.map((k) => [k.label, n(k.source), n(k.target), n(k.inserted), n(k.same), n(k.different)]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  const out: string[] = [];
  out.push(`Moved ${report.from} into PostgreSQL at ${report.to} in ${(report.ms / 1000).toFixed(1)} s.`);
  if (report.migrated.length) out.push(`The database schema was brought up to date first (migrations ${report.migrated.join(', ')}).`);
  out.push('');
  out.push(line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), '');

  if (report.short.length === 0) {
    out.push('Count check passed: PostgreSQL holds at least as many of every kind as the data folder (exactly as many where it was empty before).');
  } else {
    out.push(
      `Count check FAILED for ${report.short.map((k) => `${k.label} (data folder ${n(k.source)}, PostgreSQL ${n(k.target)})`).join(', ')}.`,
      'Something was not moved, or was removed from PostgreSQL while moving. Make sure no service runs against either while moving, then run the command again (it skips what is already there).',
    );
  }

  const differing = report.kinds.filter((k) => k.different > 0 && !['caseKeys', 'transcriptActivities', 'directLineActivities'].includes(k.kind));
  if (differing.length) {
    out.push('', 'Not overwritten: PostgreSQL already held these under the same keys, with other content (it changed there after an earlier move); its version was kept:');
    for (const k of differing) out.push(`  ${k.label}: ${n(k.different)}${k.differentKeys.length ? ` (${k.differentKeys.join(', ')}${k.different > k.differentKeys.length ? ', …' : ''})` : ''}`);
  }
  const skipped = report.kinds.filter((k) => k.same > 0).reduce((sum, k) => sum + (['caseKeys', 'transcriptActivities', 'directLineActivities'].includes(k.kind) ? 0 : k.same), 0);
  if (skipped) out.push('', `Skipped ${n(skipped)} items already in PostgreSQL with the same content (an earlier move).`);

  if (!report.sourceChain.ok) {
    out.push('', `Note: the audit chain in the data folder was already broken at entry ${report.sourceChain.brokenAt} (${report.sourceChain.reason}); it was moved as it is, so PostgreSQL shows the same break.`);
  }

  out.push('', `Not moved: the signing secrets are not data and stay in ${report.from}:`);
  for (const s of report.secrets) out.push(`  ${s.file} (${s.present ? 'present' : 'not in this data folder'}): signs ${s.signs}; variable ${s.env}.`);
  const variables = SECRETS_LEFT_BEHIND.map((s) => s.env).join(' and ');
  out.push(
    `On PostgreSQL the service does not read these files: it uses ${variables} when they are`,
    'set, else secrets it generates once and keeps in the database for every instance. So web chats open before the',
    'move start anew and staff sign in again, unless you set the two variables, on every instance, to the contents',
    'of these files.',
    '',
    'Next: start the service with DATABASE_URL. Once it runs on PostgreSQL, do not run this move again: a',
    'conversation erased there since (a resident who asked to be forgotten, a cancelled interview) would come',
    'back from the data folder. Keep the data folder only as a backup, no longer than the retention period.',
  );
  return out.join('\n');
}

function codeOf(err: unknown): string | undefined {
  for (let e: unknown = err; e; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/** Removes the password of the connection string from a text, should any error ever repeat it. */
function withoutPassword(text: string, url: string): string {
  try {
    const password = decodeURIComponent(new URL(url).password);
    return password ? text.split(password).join('***') : text;
  } catch {
    return text;
  }
}

/** A failed move, in words: what happened and what to do next; never the password. */
export function explainMoveFailure(err: unknown, url: string): string {
  const target = databaseTarget(url);
  const again = 'Nothing already moved is lost: run the command again, it skips what is already there.';
  const code = codeOf(err);
  const message = err instanceof Error ? err.message : String(err);
  let text: string;
  if (err instanceof MoveRefusedError || err instanceof MoveSourceError) text = message;
  else if (err instanceof CorruptDataError) text = `${message} ${again}`;
  else if (code === '28P01' || code === '28000') text = `PostgreSQL at ${target} refused the user name or password (${code}). Check the user and password in DATABASE_URL (or --to).`;
  else if (code === '3D000') text = `PostgreSQL at ${target} has no such database (3D000). Create it first (createdb), or check the database name in DATABASE_URL (or --to).`;
  else if (isConnectionFailure(err)) {
    const what =
      code === 'ECONNREFUSED'
        ? 'the connection was refused (nothing is listening there)'
        : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
          ? 'the host name does not resolve'
          : /timeout/iu.test(message)
            ? 'it did not answer in time'
            : `the connection failed or was lost (${code ?? message})`;
    text = `Cannot reach PostgreSQL at ${target}: ${what}. Is PostgreSQL running? Check DATABASE_URL (or --to). Then run the command again; anything it moved before is kept and skipped.`;
  } else text = `The move failed: ${message}. ${again}`;
  return withoutPassword(text, url);
}
