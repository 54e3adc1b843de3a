/**
 * Counts the server's round trips to PostgreSQL, by what they are for: every `query` of a pg Client
 * is one round trip (node-postgres sends a statement, or a string of statements, and waits for its
 * answer before the next). Installed by the benchmark's intake server before the app opens its
 * pools; the runner reads the counts before and after the measured seconds and divides by the turns.
 */
import pg from 'pg';

/**
 * What a round trip is for, from its text: every pattern that matches (a string of statements sent
 * at once, such as the turn's lock and state read, is one round trip doing several jobs).
 */
const KINDS: Array<[string, RegExp, string[]]> = [
  ['lock', /pg_(try_)?advisory_(xact_)?(un)?lock\(/u, ['advisory_']],
  ['state read', /SELECT [^;]*?FROM bot_state\b/u, ['bot_state']],
  ['state write', /(INSERT INTO|UPDATE|DELETE FROM) bot_state\b/u, ['bot_state']],
  ['transcript', /transcript_activities\b/u, ['transcript_activities']],
  ['direct line', /directline_(conversations|activities)\b/u, ['directline_']],
  ['transaction', /(^|;)\s*(BEGIN|COMMIT|ROLLBACK)\s*(;|$)/u, ['BEGIN', 'COMMIT', 'ROLLBACK']],
];

const counts: Record<string, number> = {};

function kindOf(text: string): string {
  // A plain search first: the regular expressions over a turn's COMMIT (kilobytes of JSON) cost the
  // measured server CPU that the service itself does not spend.
  const kinds = KINDS.filter(([, pattern, words]) => words.some((w) => text.includes(w)) && pattern.test(text)).map(([kind]) => kind);
  return kinds.length ? kinds.join(' + ') : 'other';
}

/** Starts counting (once per process). */
export function countRoundTrips(): void {
  const original = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const first = args[0];
    const text = typeof first === 'string' ? first : ((first as { text?: string } | undefined)?.text ?? '');
    const kind = kindOf(text);
    counts[kind] = (counts[kind] ?? 0) + 1;
    return original.apply(this, args);
  } as typeof pg.Client.prototype.query;
}

/** The round trips so far, by kind. */
export function roundTrips(): Record<string, number> {
  return { ...counts };
}
