/**
 * One JSON file per record in a folder, through lowdb (JSONFile writes atomically: temp file and
 * rename). lowdb rewrites a whole file on every write, so small per-record files keep the cost of a
 * write independent of how many records there are. Operations on one key run one at a time, in the
 * order they were called; a file that cannot be parsed raises CorruptDataError and is left untouched.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import { CorruptDataError } from './errors.js';
import type { Records } from './records.js';
import { SerialByKey } from './serial-by-key.js';

interface Stored<T> {
  key: string;
  value: T;
}

/** A file name for any key: readable when the key is simple, a hash when it is long or odd. */
export function fileNameFor(key: string): string {
  const encoded = encodeURIComponent(key);
  return encoded.length <= 120 && /^[A-Za-z0-9._%-]+$/u.test(encoded) && !encoded.startsWith('.')
    ? `${encoded}.json`
    : `${createHash('sha256').update(key).digest('hex')}.json`;
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

  /** Every stored key (read from the files, so it survives restarts). */
  async keys(): Promise<string[]> {
    let names: string[];
    try {
      names = (await readdir(this.dir)).filter((n) => n.endsWith('.json') && !n.startsWith('.'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const keys: string[] = [];
    for (const name of names) {
      const file = path.join(this.dir, name);
      try {
        keys.push((JSON.parse(await readFile(file, 'utf8')) as Stored<T>).key);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw new CorruptDataError(file, `is not valid JSON (${(err as Error).message})`);
      }
    }
    return keys;
  }
}
