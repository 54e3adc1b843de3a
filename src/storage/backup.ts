/**
 * Backup and restore of the embedded data folder (`npm run backup`, `npm run restore`), taken while
 * the service runs. A backup is one zip file: the folder's files under `data/`, and `backup.json`,
 * a manifest with each file's size and sha256. It is read back and checked before the command says
 * it is done, and checked again before a restore writes anything.
 *
 * Consistent while the service writes, without stopping it or taking its lock (the service holds the
 * folder's lock while it runs; taking it away would stop the service):
 *  - Record files are only ever replaced whole (temp file + rename), so each is copied as it was
 *    before or after a write, never half of one.
 *  - Appended files (conversation state, transcripts, web chat activities) are copied up to their
 *    last complete line: a line being appended at that moment is left out, as a crash would.
 *  - Across files, the order of copying follows the order of writing: a case is written after its
 *    year's counter and before its idempotency key, and everything that names a case (the outbox,
 *    the conversation state) after it. So the copy takes everything else first, then `case-keys/`,
 *    then `cases/`, then `counters/` last: every key in the copy finds its case, every case its
 *    outbox and state, and every counter is at least the highest case number copied, so a restored
 *    service never gives out a reference twice.
 * What a backup taken during an interview holds is that interview up to its last completed turn.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { ZipFile } from 'yazl';
import { parseLines } from './json-lines.js';

/** Folders copied after all others, in this order (see above). */
const LAST = ['case-keys', 'cases', 'counters'];
const MANIFEST = 'backup.json';
const FORMAT = 'narvard-data-backup/1';

export interface BackupManifest {
  format: string;
  createdAt: string;
  /** The data folder it was taken from (for the record; a restore may go anywhere). */
  dataDir: string;
  files: Array<{ path: string; bytes: number; sha256: string }>;
}

/** A backup that is damaged or not ours; the message says which file and what is wrong. */
export class BackupError extends Error {
  override name = 'BackupError';
}

/** Every regular file under `root` (relative, with /), except the lock and temp files (names starting with "."). */
async function listFiles(root: string, dir = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(path.join(root, dir), { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const rel = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listFiles(root, rel)));
    else if (entry.isFile()) out.push(rel);
  }
  return out;
}

/** The copying order: everything else, then case-keys, cases and counters. */
function copyOrder(files: string[]): string[] {
  const rank = (file: string) => LAST.indexOf(file.split('/')[0]!) + 1;
  return [...files].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** A file as the backup keeps it: an appended file up to its last complete line; undefined if it went meanwhile. */
async function snapshot(file: string): Promise<Buffer | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    // Removed since it was listed (retention, an erased conversation): not part of the backup.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  if (!file.endsWith('.jsonl')) return bytes;
  return bytes.subarray(0, bytes.lastIndexOf(0x0a) + 1);
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Checks that a file of the data folder can be read back as the service reads it. */
function checkContent(name: string, bytes: Buffer): void {
  try {
    if (name.endsWith('.jsonl')) parseLines(name, bytes.toString('utf8'));
    else if (name.endsWith('.json')) JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new BackupError(`${name} in the backup is not valid JSON (${(err as Error).message})`);
  }
}

export interface BackupResult {
  file: string;
  files: number;
  bytes: number;
}

/**
 * Writes a backup of `dataDir` to `outFile` (through a temp file, renamed when complete), then reads
 * it back and checks every file against the manifest. `onProgress(copied, total)`.
 */
export async function backupDataFolder(dataDir: string, outFile: string, onProgress: (copied: number, total: number) => void = () => undefined): Promise<BackupResult> {
  if (!(await stat(dataDir).catch(() => undefined))?.isDirectory()) throw new BackupError(`${dataDir} is not a data folder (it does not exist). Set DATA_DIR to the service's data folder.`);
  const files = copyOrder(await listFiles(dataDir));
  const manifest: BackupManifest = { format: FORMAT, createdAt: new Date().toISOString(), dataDir, files: [] };
  await mkdir(path.dirname(outFile), { recursive: true });
  const temp = `${outFile}.partial`;
  const zip = new ZipFile();
  const written = pipeline(zip.outputStream, createWriteStream(temp));
  let copied = 0;
  let bytes = 0;
  // Each file is read when the zip gets to it (one at a time, in order), so the copying order holds
  // and memory stays at one file.
  const lazy = (read: () => Promise<Buffer | undefined>) =>
    Readable.from(
      (async function* () {
        const content = await read();
        if (content) yield content;
      })(),
    );
  for (const rel of files) {
    zip.addReadStream(
      lazy(async () => {
        const content = (await snapshot(path.join(dataDir, rel))) ?? Buffer.alloc(0);
        manifest.files.push({ path: rel, bytes: content.length, sha256: sha256(content) });
        bytes += content.length;
        onProgress(++copied, files.length);
        return content;
      }),
      `data/${rel}`,
    );
  }
  // Last, once every file has been read: the manifest of what was read.
  zip.addReadStream(lazy(async () => Buffer.from(JSON.stringify(manifest, null, 1))), MANIFEST);
  zip.end();
  try {
    await written;
    await verifyBackup(temp);
    await rename(temp, outFile);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
  return { file: outFile, files: manifest.files.length, bytes };
}

/** Reads every entry of the zip; resolves with the manifest and the files' contents passed to `each`. */
async function readZip(file: string, each: (name: string, content: Buffer) => Promise<void>): Promise<void> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(file, { lazyEntries: true, validateEntrySizes: true, strictFileNames: true }, (err, z) => (err ? reject(new BackupError(`${file} is not a readable backup (${err.message})`)) : resolve(z))),
  );
  await new Promise<void>((resolve, reject) => {
    const fail = (err: Error) => {
      zip.close();
      reject(err instanceof BackupError ? err : new BackupError(`${file} is damaged (${err.message})`));
    };
    zip.on('error', fail);
    zip.on('end', () => resolve());
    zip.on('entry', (entry: yauzl.Entry) => {
      if (entry.fileName.endsWith('/')) return zip.readEntry();
      zip.openReadStream(entry, (err, stream) => {
        if (err) return fail(err);
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('error', fail);
        stream.on('end', () => {
          each(entry.fileName, Buffer.concat(chunks)).then(() => zip.readEntry(), fail);
        });
      });
    });
    zip.readEntry();
  });
}

/**
 * Reads a backup back: every file in the manifest is there with its size and sha256, nothing else
 * is, and every JSON and JSON Lines file parses. Resolves with the manifest; throws BackupError.
 */
export async function verifyBackup(file: string, onFile?: (rel: string, content: Buffer) => Promise<void>): Promise<BackupManifest> {
  const seen = new Map<string, { bytes: number; sha256: string }>();
  let manifest: BackupManifest | undefined;
  await readZip(file, async (name, content) => {
    if (name === MANIFEST) {
      manifest = JSON.parse(content.toString('utf8')) as BackupManifest;
      return;
    }
    if (!name.startsWith('data/')) throw new BackupError(`${file} holds ${name}, which is not part of a data folder backup`);
    const rel = name.slice('data/'.length);
    if (rel.split('/').some((part) => part === '..' || part === '')) throw new BackupError(`${file} holds an unsafe path: ${name}`);
    checkContent(name, content);
    seen.set(rel, { bytes: content.length, sha256: sha256(content) });
    await onFile?.(rel, content);
  });
  if (!manifest || manifest.format !== FORMAT) throw new BackupError(`${file} is not a backup of an intake data folder (no ${MANIFEST} of format ${FORMAT})`);
  for (const f of manifest.files) {
    const got = seen.get(f.path);
    if (!got) throw new BackupError(`${file} lacks data/${f.path}, which its manifest lists`);
    if (got.sha256 !== f.sha256 || got.bytes !== f.bytes) throw new BackupError(`data/${f.path} in ${file} is not what was backed up (its sha256 differs): the backup is damaged`);
  }
  if (seen.size !== manifest.files.length) throw new BackupError(`${file} holds files its manifest does not list`);
  return manifest;
}

/**
 * Restores a backup into `dataDir`, which must be empty or not exist. The backup is checked whole
 * before anything is written; files are then written into a temp folder beside `dataDir` and the
 * folder renamed into place, so a restore cut short leaves no half data folder behind.
 */
export async function restoreDataFolder(file: string, dataDir: string, onProgress: (written: number, total: number) => void = () => undefined): Promise<BackupManifest> {
  const existing = await readdir(dataDir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    throw err;
  });
  if (existing.length) throw new BackupError(`${dataDir} is not empty: restore into an empty folder (or a new DATA_DIR), then point the service at it.`);
  const manifest = await verifyBackup(file);
  const temp = `${dataDir.replace(/\/+$/u, '')}.restoring-${process.pid}`;
  await rm(temp, { recursive: true, force: true });
  let written = 0;
  try {
    await verifyBackup(file, async (rel, content) => {
      const target = path.join(temp, rel);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, content);
      onProgress(++written, manifest.files.length);
    });
    await rm(dataDir, { recursive: true, force: true });
    await mkdir(path.dirname(dataDir), { recursive: true });
    await rename(temp, dataDir);
  } catch (err) {
    await rm(temp, { recursive: true, force: true });
    throw err;
  }
  return manifest;
}

/** For tests and tools: the files of a backup as a map of relative path to content. */
export async function backupContents(file: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  await verifyBackup(file, async (rel, content) => void out.set(rel, content));
  return out;
}
