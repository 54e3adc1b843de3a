/**
 * One JSON file per record in a folder, through lowdb (JSONFile writes atomically: temp file and
 * rename). lowdb rewrites a whole file on every write, so small per-record files keep the cost of a
 * write independent of how many records there are. Operations on one key run one at a time, in the
 * order they were called; a file that cannot be parsed raises CorruptDataError and is left untouched.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { LRUCache } from 'lru-cache';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import { CorruptDataError } from './errors.js';
import type { Records } from './records.js';
import { SerialByKey } from './serial-by-key.js';

/** Files read at once when listing keys or reading many records. */
const CONCURRENCY = 64;

interface Stored<T> {
  key: string;
  value: T;
}

/**
 * A file name without extension for any key: readable when the key is simple, a hash when it is long
 * or odd. A key that is not well-formed UTF-16 (a lone surrogate, which JSON can carry) cannot be
 * URI-encoded, and as UTF-8 would hash like the key with U+FFFD in its place: it is hashed as UTF-16
 * and named with a "~", which no other name has, so no two keys ever share a file.
 */
export function fileBaseFor(key: string): string {
  // \p{Cs} in a /u pattern matches only a surrogate that is not half of a pair.
  if (/\p{Cs}/u.test(key)) return `~${createHash('sha256').update(Buffer.from(key, 'utf16le')).digest('hex')}`;
  const encoded = encodeURIComponent(key);
  return encoded.length <= 120 && /^[A-Za-z0-9._%-]+$/u.test(encoded) && !encoded.startsWith('.') ? encoded : createHash('sha256').update(key).digest('hex');
}

/** The JSON file name for any key (see fileBaseFor). */
export function fileNameFor(key: string): string {
  return `${fileBaseFor(key)}.json`;
}

/** Keys whose paths FilePaths remembers. */
const REMEMBERED_PATHS = 5000;

/**
 * The path of each key's file in a folder (without extension), remembered for recently used keys:
 * a turn asks for the same few paths several times, and encoding and joining them anew every time
 * was 2-3 % of a Direct Line turn's CPU in profiles.
 */
export class FilePaths {
  private readonly known = new LRUCache<string, string>({ max: REMEMBERED_PATHS });

  constructor(readonly dir: string) {}

  /** The key's path without extension (add .json, .jsonl). */
  of(key: string): string {
    let known = this.known.get(key);
    if (known === undefined) {
      known = path.join(this.dir, fileBaseFor(key));
      this.known.set(key, known);
    }
    return known;
  }
}

export class RecordFolder<T> implements Records<T> {
  private readonly queue = new SerialByKey();
  private ready: Promise<void> | undefined;

  constructor(readonly dir: string) {}

  /** Runs `op` after every earlier operation on the same key. */
  private serial<R>(key: string, op: () => Promise<R>): Promise<R> {
    return this.queue.run(key, op);
  }

  private ensureDir(): Promise<void> {
    this.ready ??= mkdir(this.dir, { recursive: true }).then(() => undefined);
    return this.ready;
  }

  /** The path of a key's file. */
  pathOf(key: string): string {
    return path.join(this.dir, fileNameFor(key));
  }

  private async load(key: string): Promise<T | undefined> {
    const file = this.pathOf(key);
    let raw: string;
    try {
      raw = await readFile(file, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return undefined;
      throw new CorruptDataError(file, `cannot be read (${code ?? (err as Error).message})`);
    }
    try {
      return (JSON.parse(raw) as Stored<T>).value;
    } catch (err) {
      throw new CorruptDataError(file, `is not valid JSON (${(err as Error).message})`);
    }
  }

  private async save(key: string, value: T): Promise<void> {
    await this.ensureDir();
    const db = new Low<Stored<T>>(new JSONFile(this.pathOf(key)), { key, value });
    db.data = { key, value };
    await db.write();
  }

  /** The record, or undefined if there is none. */
  read(key: string): Promise<T | undefined> {
    return this.serial(key, () => this.load(key));
  }

  /**
   * The records of many keys, in the order of the keys (undefined where there is none), read a
   * bounded number at a time: tens of thousands of reads at once would run out of file handles.
   */
  async readMany(keys: readonly string[], concurrency = CONCURRENCY): Promise<Array<T | undefined>> {
    const out = new Array<T | undefined>(keys.length);
    let next = 0;
    const worker = async () => {
      while (next < keys.length) {
        const i = next++;
        out[i] = await this.read(keys[i]!);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, keys.length) }, worker));
    return out;
  }

  /** Writes the record (atomically). */
  write(key: string, value: T): Promise<void> {
    return this.serial(key, () => this.save(key, value));
  }

  /** Removes the record; a missing one is fine. */
  delete(key: string): Promise<void> {
    return this.serial(key, () => rm(this.pathOf(key), { force: true }));
  }

  /** Read-modify-write in one step; returning undefined deletes the record. */
  update(key: string, fn: (current: T | undefined) => T | undefined): Promise<T | undefined> {
    return this.serial(key, async () => {
      const next = fn(await this.load(key));
      if (next === undefined) await rm(this.pathOf(key), { force: true });
      else await this.save(key, next);
      return next;
    });
  }

  /** Resolves when every operation started so far has finished. */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  /** The names of the record files (none when the folder is not there). */
  private async fileNames(): Promise<string[]> {
    try {
      return (await readdir(this.dir)).filter((n) => n.endsWith('.json') && !n.startsWith('.'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }

  /**
   * Every record file parsed, in the order of the names, a bounded number read at a time (a folder
   * can hold 100,000 records); a file removed meanwhile is left out.
   */
  private async *files(): AsyncGenerator<Stored<T>> {
    const names = await this.fileNames();
    for (let start = 0; start < names.length; start += CONCURRENCY) {
      const window = await Promise.all(
        names.slice(start, start + CONCURRENCY).map(async (name) => {
          const file = path.join(this.dir, name);
          try {
            return JSON.parse(await readFile(file, 'utf8')) as Stored<T>;
          } catch (err) {
            if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
            throw new CorruptDataError(file, `is not valid JSON (${(err as Error).message})`);
          }
        }),
      );
      for (const stored of window) if (stored) yield stored;
    }
  }

  /** Every stored key (read from the files, so it survives restarts). */
  async keys(): Promise<string[]> {
    const keys: string[] = [];
    for await (const stored of this.files()) keys.push(stored.key);
    return keys;
  }

  /** Every record with its key, each file read once (read-only: for moving a whole folder elsewhere). */
  async *entries(): AsyncGenerator<{ key: string; value: T }> {
    for await (const { key, value } of this.files()) yield { key, value };
  }

  /** How many records there are, without reading them. */
  async count(): Promise<number> {
    return (await this.fileNames()).length;
  }
}
