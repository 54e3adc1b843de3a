/**
 * One service per data folder. The embedded store keeps the latest conversation state, web chat
 * activities and outbox claims in memory, trusting that no other process writes the folder; a second
 * `npm start` on the same DATA_DIR would silently lose answers. The service therefore holds a lock
 * (proper-lockfile: a `.lock` folder whose time it refreshes) for as long as it runs. A lock left by
 * a process that was killed goes stale after STALE_MS and is taken over, so a restart after a crash
 * waits a few seconds at most. `npm run db:move` takes it too (a copy taken while the service writes
 * can be mid-turn); `npm run staff` does not: adding an account while the service runs is what it is for.
 */
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { ensureDataFolder } from './data-folder.js';

/** A lock not refreshed for this long belongs to a process that is gone. */
const STALE_MS = 5000;

/** The data folder is in use by another running service. */
export class DataFolderInUseError extends Error {
  override name = 'DataFolderInUseError';
}

/**
 * Takes the data folder's lock, waiting long enough for a stale one to expire; resolves with a
 * function that lets it go. `onLost` is called if the lock is taken away while held (its folder
 * removed, or the process stalled past STALE_MS and another took over).
 */
export async function lockDataFolder(dataDir: string, onLost: (err: Error) => void): Promise<() => Promise<void>> {
  await ensureDataFolder(dataDir);
  try {
    return await lockfile.lock(dataDir, {
      lockfilePath: path.join(dataDir, '.lock'),
      realpath: false,
      stale: STALE_MS,
      update: STALE_MS / 2,
      // Tries for a little longer than STALE_MS, so a lock left by a killed process is taken over.
      retries: { retries: 12, minTimeout: 500, maxTimeout: 500, factor: 1 },
      onCompromised: onLost,
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOCKED') {
      throw new DataFolderInUseError(
        `The data folder ${dataDir} is in use by another running intake service. Stop that one, or give this one its own DATA_DIR; several instances sharing data need DATABASE_URL (PostgreSQL).`,
      );
    }
    throw err;
  }
}
