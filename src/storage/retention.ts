/**
 * Retention: the greeting tells every resident how long their answers are kept here, so files older
 * than RETENTION_DAYS are removed: conversation state, transcripts and cases (by last change).
 * Runs at start-up and then every few hours, off the path of any turn.
 */
import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';

/** The folders under the data folder whose records expire. */
export const EXPIRING_FOLDERS = ['state', 'transcripts', 'cases', 'case-keys', 'directline/conversations', 'outbox/done', 'references'] as const;

export interface SweepResult {
  removed: number;
  kept: number;
}

async function sweepDir(dir: string, cutoff: number, result: SweepResult): Promise<void> {
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
      await sweepDir(full, cutoff, result);
      continue;
    }
    if (!entry.name.endsWith('.json')) continue;
    const { mtimeMs } = await stat(full);
    if (mtimeMs < cutoff) {
      await rm(full, { force: true });
      result.removed += 1;
    } else {
      result.kept += 1;
    }
  }
}

/** Removes every expiring record not changed for `retentionDays`. */
export async function sweepExpired(dataDir: string, retentionDays: number, now: Date = new Date()): Promise<SweepResult> {
  const cutoff = now.getTime() - retentionDays * 24 * 60 * 60 * 1000;
  const result: SweepResult = { removed: 0, kept: 0 };
  for (const folder of EXPIRING_FOLDERS) await sweepDir(path.join(dataDir, folder), cutoff, result);
  return result;
}

/** Sweeps now and every `everyMs`; returns a function that stops it. */
export function scheduleRetention(
  dataDir: string,
  retentionDays: number,
  onResult: (result: SweepResult) => void,
  onError: (err: Error) => void,
  everyMs = 6 * 60 * 60 * 1000,
): () => void {
  const run = () => sweepExpired(dataDir, retentionDays).then(onResult, onError);
  void run();
  const timer = setInterval(run, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
