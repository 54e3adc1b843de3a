/**
 * The start-up check of the data folder: every JSON (and JSON Lines) file is read and parsed once, so a corrupt
 * file stops start-up with its name instead of failing some resident's turn later. Bad files are
 * reported, never changed.
 */
import { mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { CorruptDataError } from './errors.js';
import { parseLines } from './json-lines.js';

const CONCURRENCY = 32;
const PROGRESS_EVERY = 1000;

/**
 * Folders that grow with every case and every staff read, and that no resident's turn reads: the
 * cases, their idempotency keys, delivered outbox items, transcripts and the audit log. At start-up
 * they are checked after the service is ready (`verifyArchive` in src/app.ts), so that 100,000 cases
 * do not hold up the start by 17 s; a corrupt one found then is reported (log, /readyz), and stays
 * as it is: the stores refuse to read a file they cannot parse, so nothing overwrites it.
 */
export const ARCHIVE_FOLDERS = ['cases', 'case-keys', 'outbox/done', 'transcripts', 'audit'] as const;

export interface CheckScope {
  /** Leave out these folders (relative to the data folder, with /). */
  skip?: readonly string[];
  /** Check only these folders. */
  only?: readonly string[];
}

const within = (rel: string, folders: readonly string[]) => folders.some((f) => rel === f || rel.startsWith(`${f}/`));

async function listJsonFiles(dir: string, out: string[], scope: CheckScope = {}, rel = ''): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const relative = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (scope.skip && within(relative, scope.skip)) continue;
      // Descend where a folder of `only` is, or may be, below.
      if (scope.only && !within(relative, scope.only) && !scope.only.some((f) => f.startsWith(`${relative}/`))) continue;
      await listJsonFiles(full, out, scope, relative);
    } else if (scope.only && !within(relative, scope.only)) continue;
    // lowdb's writer (steno) leaves ".<name>.tmp" files only while writing; they are not records.
    else if (entry.isFile() && /\.jsonl?$/u.test(entry.name) && !entry.name.startsWith('.')) out.push(full);
  }
}

/** Creates the data folder if needed; throws CorruptDataError naming it when that is not possible. */
export async function ensureDataFolder(root: string): Promise<void> {
  try {
    await mkdir(root, { recursive: true });
  } catch (err) {
    throw new CorruptDataError(root, `cannot be created as the data folder (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

/** Creates the folder if needed and parses every data file (of `scope`); throws CorruptDataError on the first bad one. */
export async function verifyDataFolder(root: string, onProgress?: (checked: number, total: number) => void, scope: CheckScope = {}): Promise<{ files: number }> {
  await ensureDataFolder(root);
  const files: string[] = [];
  await listJsonFiles(root, files, scope);
  let next = 0;
  let checked = 0;
  const worker = async () => {
    while (next < files.length) {
      const file = files[next++]!;
      let raw: string;
      try {
        raw = await readFile(file, 'utf8');
      } catch (err) {
        throw new CorruptDataError(file, `cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
      }
      if (file.endsWith('.jsonl')) {
        // Appended logs (transcripts): every line must parse, except a last one cut short by a crash.
        parseLines(file, raw);
      } else {
        try {
          JSON.parse(raw);
        } catch (err) {
          throw new CorruptDataError(file, `is not valid JSON (${(err as Error).message})`);
        }
      }
      checked += 1;
      if (onProgress && checked % PROGRESS_EVERY === 0) onProgress(checked, files.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, files.length) }, worker));
  return { files: files.length };
}
