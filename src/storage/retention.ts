/**
 * Retention: the greeting tells every resident how long their answers are kept here, so files older
 * than RETENTION_DAYS are removed: conversation state, transcripts and cases (by last change).
 * Runs at start-up and then every few hours, off the path of any turn.
 */
import { statSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { unlinkIfThere } from './append-files.js';

/** The folders under the data folder whose records expire. */
export const EXPIRING_FOLDERS = ['state', 'transcripts', 'cases', 'case-keys', 'directline/conversations', 'directline/activities', 'outbox/done', 'references'] as const;

/**
 * A web chat conversation's file is written when it starts, its activities file on every message:
 * the conversation file expires only with its activities (same name, .jsonl).
 */
function activitiesOf(file: string): string | undefined {
  if (path.basename(path.dirname(file)) !== 'conversations' || path.basename(path.dirname(path.dirname(file))) !== 'directline') return undefined;
  return path.join(path.dirname(path.dirname(file)), 'activities', path.basename(file).replace(/\.json$/u, '.jsonl'));
}

async function lastChange(file: string): Promise<number> {
  const { mtimeMs } = await stat(file);
  const activities = activitiesOf(file);
  if (!activities) return mtimeMs;
  try {
    return Math.max(mtimeMs, (await stat(activities)).mtimeMs);
  } catch {
    return mtimeMs;
  }
}

/** `lastChange`, looked at synchronously (only for the few files found expired). */
function lastChangeNow(file: string): number {
  const mtimeMs = statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? Number.POSITIVE_INFINITY;
  const activities = activitiesOf(file);
  const activitiesMs = activities ? (statSync(activities, { throwIfNoEntry: false })?.mtimeMs ?? 0) : 0;
  return Math.max(mtimeMs, activitiesMs);
}

/**
 * Removes a file the sweep found expired if `stillExpired` says it still is, and says whether it
 * did. The embedded store passes AppendFiles.removeNow, which also lets go of a descriptor kept open
 * on the file; both look again and remove in one go, so an append that came in since the first
 * look keeps the file.
 */
export type RemoveExpired = (file: string, stillExpired: () => boolean) => boolean;

const removeExpired: RemoveExpired = (file, stillExpired) => stillExpired() && unlinkIfThere(file);

export interface SweepResult {
  removed: number;
  kept: number;
}

async function sweepDir(dir: string, cutoff: number, result: SweepResult, remove: RemoveExpired): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      await sweepDir(full, cutoff, result, remove);
      continue;
    }
    if (!/\.jsonl?$/u.test(entry.name)) continue;
    if ((await lastChange(full)) < cutoff && remove(full, () => lastChangeNow(full) < cutoff)) {
      result.removed += 1;
    } else {
      result.kept += 1;
    }
  }
}

/** Removes every expiring record not changed for `retentionDays`. */
export async function sweepExpired(dataDir: string, retentionDays: number, now: Date = new Date(), remove: RemoveExpired = removeExpired): Promise<SweepResult> {
  const cutoff = now.getTime() - retentionDays * 24 * 60 * 60 * 1000;
  const result: SweepResult = { removed: 0, kept: 0 };
  for (const folder of EXPIRING_FOLDERS) await sweepDir(path.join(dataDir, folder), cutoff, result, remove);
  return result;
}

/** Runs `sweep` now and every `everyMs` (the data folder's, or PostgreSQL's); returns a function that stops it. */
export function scheduleRetention(
  sweep: () => Promise<SweepResult>,
  onResult: (result: SweepResult) => void,
  onError: (err: Error) => void,
  everyMs = 6 * 60 * 60 * 1000,
  /** The first sweep waits for this (start-up work that reads the same files). */
  firstAfter: Promise<unknown> = Promise.resolve(),
): () => void {
  let stopped = false;
  const run = () => (stopped ? undefined : sweep().then(onResult, onError));
  void firstAfter.then(run);
  const timer = setInterval(run, everyMs);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
