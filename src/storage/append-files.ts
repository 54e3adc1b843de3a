/**
 * Appending lines to many files without opening each file for every append. The embedded store
 * appends a few hundred bytes per activity to transcripts, web chat activities and conversation
 * state; through fs.promises each append was an open, a write and a close handed to libuv's thread
 * pool and back (about 40 µs of CPU, measured on the benchmark VM), against about 3 µs for a
 * synchronous write on a descriptor kept open. The write lands in the page cache as before (neither
 * way calls fsync), so a killed process loses nothing it acknowledged.
 *
 * Descriptors are kept for the most recently used files (at most `maxOpen`) and closed after
 * `idleMs` without an append. A file is opened (and created) on libuv's thread pool, not on the
 * event loop: creating a file waits for the file system's journal now and then (a millisecond or
 * more on the benchmark VM, 6 % of a web chat turn's CPU), which would hold up every other turn.
 *
 * Every removal or replacement of an appended file in this process goes through `remove`,
 * `replace` or `release` (the stores and the retention sweep do), so no append goes to a file that
 * is no longer there without a check on every append; the data folder's lock keeps other processes
 * out.
 */
import { closeSync, fstatSync, open as openCallback, readSync, renameSync, ftruncateSync, unlinkSync, writeSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import path from 'node:path';
import { LRUCache } from 'lru-cache';

/** fs.open with a plain descriptor (a FileHandle would want closing through itself). */
const openDescriptor = promisify(openCallback);

/** A file being opened: `released` is set when the file is released before the open finished. */
interface Opening {
  done: Promise<void>;
  released: boolean;
}

export class AppendFiles {
  /**
   * Open descriptors by file, most recently used last: the least recently used is closed when more
   * than `maxOpen` are open, and any unused for `idleMs` when the timer purges them.
   */
  private readonly files: LRUCache<string, number>;
  private readonly opening = new Map<string, Opening>();
  private readonly timer: NodeJS.Timeout;
  private closed = false;

  constructor(maxOpen = 128, idleMs = 60_000) {
    this.files = new LRUCache<string, number>({ max: maxOpen, ttl: idleMs, updateAgeOnGet: true, dispose: closeQuietly });
    this.timer = setInterval(() => this.files.purgeStale(), Math.max(1000, Math.floor(idleMs / 2)));
    this.timer.unref();
  }

  /**
   * Appends `text` (whole lines, each ending in a newline) to `file`, creating the file and its
   * folder. The first time this process opens a file, a last line a crash cut short (no newline)
   * is cut off, so the new lines do not run into it. Callers queue their appends to one file (the
   * stores do, per conversation), so they land in order. Rejects with what the file system reports.
   */
  async append(file: string, text: string): Promise<void> {
    const fd = this.files.get(file) ?? (await this.descriptor(file));
    const bytes = Buffer.from(text, 'utf8');
    let written = 0;
    // A regular file takes the whole buffer at once; the loop only matters for a short write.
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
  }

  /** Closes `file`'s descriptor, if one is open (before the file is removed or replaced). */
  release(file: string): void {
    this.files.delete(file);
    const opening = this.opening.get(file);
    if (opening) opening.released = true;
  }

  /**
   * Replaces `file` whole with `text` (written to a temp file, then renamed over it, so a crash leaves
   * the old file or the new one). Its descriptor is let go of and the rename done in one step, so no
   * append goes to the old file, not even one whose open is under way.
   */
  async replace(file: string, text: string): Promise<void> {
    await writeFile(`${file}.tmp`, text, 'utf8');
    this.release(file);
    renameSync(`${file}.tmp`, file);
  }

  /** Removes `file` (a missing one is fine), letting go of its descriptor in the same step. */
  async remove(file: string): Promise<void> {
    this.release(file);
    unlinkIfThere(file);
  }

  /**
   * Removes `file` at once, between two appends (for the retention sweep, which decided from an
   * earlier look that the file has expired): `stillExpired` looks again, synchronously, so an append
   * that came in since keeps the file. Returns whether the file was removed.
   */
  removeNow(file: string, stillExpired: () => boolean): boolean {
    if (!stillExpired()) return false;
    this.release(file);
    return unlinkIfThere(file);
  }

  /** Closes every descriptor and stops the idle timer. */
  close(): void {
    this.closed = true;
    clearInterval(this.timer);
    this.files.clear();
    for (const opening of this.opening.values()) opening.released = true;
  }

  /** How many descriptors are open (for tests). */
  get openCount(): number {
    return this.files.size;
  }

  /**
   * `file`'s descriptor, opened on the thread pool. Appends to a file being opened wait for that
   * open and look again; only the open itself puts the descriptor in `files` (the one place that
   * closes it), so a descriptor is never closed twice.
   */
  private async descriptor(file: string): Promise<number> {
    for (;;) {
      const open = this.files.get(file);
      if (open !== undefined) return open;
      if (this.closed) throw new Error(`cannot append to ${file}: the store was closed`);
      const pending = this.opening.get(file);
      if (pending) {
        // The opener reports a failure; a waiter tries for itself.
        await pending.done.catch(() => undefined);
        continue;
      }
      const opening: Opening = { released: false, done: Promise.resolve() };
      this.opening.set(file, opening);
      opening.done = this.openInto(file, opening);
      await opening.done;
    }
  }

  private async openInto(file: string, opening: Opening): Promise<void> {
    try {
      const fd = await openForAppend(file);
      // Released (removed, replaced) or closed while it was being opened: the descriptor may point
      // at a file that is gone. It is let go of, and the caller looks again.
      if (opening.released || this.closed) closeQuietly(fd);
      else this.files.set(file, fd);
    } finally {
      this.opening.delete(file);
    }
  }
}

/** Opens (creating it and its folder if need be) `file` for appending, its torn end cut off. */
async function openForAppend(file: string): Promise<number> {
  let fd: number;
  try {
    fd = await openDescriptor(file, 'a+');
  } catch (err) {
    // A new folder, or one removed since (retention of a whole channel folder): made, then again.
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    await mkdir(path.dirname(file), { recursive: true });
    fd = await openDescriptor(file, 'a+');
  }
  try {
    cutTornEnd(fd);
  } catch (err) {
    closeQuietly(fd);
    throw err;
  }
  return fd;
}

/** Cuts off a last line without its newline (an append a crash cut short). */
function cutTornEnd(fd: number): void {
  const size = fstatSync(fd).size;
  if (size === 0) return;
  const last = Buffer.alloc(1);
  readSync(fd, last, 0, 1, size - 1);
  if (last[0] === 0x0a) return;
  // Only after a crash: the whole file is read to find where its last complete line ends.
  const whole = Buffer.alloc(size);
  let read = 0;
  while (read < size) {
    const n = readSync(fd, whole, read, size - read, read);
    if (n === 0) break;
    read += n;
  }
  ftruncateSync(fd, whole.subarray(0, read).lastIndexOf(0x0a) + 1);
}

/** Removes `file` synchronously; says whether it was there. */
export function unlinkIfThere(file: string): boolean {
  try {
    unlinkSync(file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Already closed or never valid: nothing is left to release.
  }
}
