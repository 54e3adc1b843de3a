/**
 * Trained models kept on disk, so that a start-up reads the embedded recognizer (about 0.1 s) instead
 * of training it (1.5–2 s on two cores). One JSON file per key, `<dir>/<name>-<key>.json`, written
 * through a temp file and a rename, so a reader never sees half a file.
 *
 * The key is a sha256 of everything a trained model depends on (see `modelKey`): MODEL_FORMAT_VERSION,
 * the versions of the packages that turn text into features, the recognizer's own code, and every
 * input of training (the example files, the risk patterns, the languages). A change of any of them
 * gives another key, so the model is trained again; the files of older keys are removed when a new
 * one is written (but for the two newest). A file that cannot be read, parsed or restored is ignored (the caller is told why)
 * and replaced by the next training: a cache is never a reason not to start.
 *
 * Adding a trained part (a new classifier, a second risk level):
 *  1. give the part a `toJSON()` that returns plain JSON data (numbers, strings, arrays, objects),
 *     and a static `fromJSON(json, …)` that rebuilds it and throws on anything it does not expect;
 *  2. add it where the recognizer collects its parts to save (`EmbeddedRecognizer.parts`) and where it
 *     restores them (`EmbeddedRecognizer.restore`);
 *  3. raise MODEL_FORMAT_VERSION whenever the JSON shape of any part changes. (Changes of the code in
 *     src/nlu/ and src/core/risk.ts change the key by themselves; the constant is for the shape.)
 * `test/nlu.test.ts` checks that a restored recognizer answers exactly as a freshly trained one.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** Raise when the JSON of any cached part changes shape. */
export const MODEL_FORMAT_VERSION = 1;
/** Models of other keys kept besides the one just written. */
const KEEP_OTHERS = 2;

export interface ModelCache {
  /** The cached value of `key`, or undefined when there is none or it cannot be read. */
  read(key: string): Promise<unknown>;
  /** Tells the cache that what `read(key)` gave could not be restored (reported; training follows). */
  unusable(key: string, err: Error): void;
  /** Keeps `value` under `key` (and lets go of other keys); failures are reported, never thrown. */
  write(key: string, value: unknown): Promise<void>;
}

/** Something a cache reports: a file it ignored, or could not write. Never stops the caller. */
export type CacheProblem = (message: string, err?: Error) => void;

/** A cache of one kind of model (`name`) in a folder. */
export class DiskModelCache implements ModelCache {
  constructor(
    private readonly dir: string,
    private readonly name: string,
    private readonly onProblem: CacheProblem = () => undefined,
  ) {}

  fileFor(key: string): string {
    return path.join(this.dir, `${this.name}-${key}.json`);
  }

  async read(key: string): Promise<unknown> {
    const file = this.fileFor(key);
    let raw: string;
    try {
      raw = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.onProblem(`cannot read ${file}; training instead`, err as Error);
      return undefined;
    }
    try {
      const parsed = JSON.parse(raw) as { format?: unknown; key?: unknown; value?: unknown };
      if (parsed.format !== MODEL_FORMAT_VERSION || parsed.key !== key) throw new Error('written for another model');
      return parsed.value;
    } catch (err) {
      this.unusable(key, err as Error);
      return undefined;
    }
  }

  unusable(key: string, err: Error): void {
    this.onProblem(`ignoring ${this.fileFor(key)} (${err.message}); training instead and writing it again`, err);
  }

  async write(key: string, value: unknown): Promise<void> {
    const file = this.fileFor(key);
    const temp = `${file}.${process.pid}.tmp`;
    try {
      await mkdir(this.dir, { recursive: true });
      await writeFile(temp, JSON.stringify({ format: MODEL_FORMAT_VERSION, key, value }));
      await rename(temp, file);
      // Models of older keys (earlier training data or code) go, but for the newest few: the code of
      // the tests (TypeScript) and of npm start (compiled) make two keys of the same training data.
      const others = (await readdir(this.dir)).filter((n) => n.startsWith(`${this.name}-`) && n.endsWith('.json') && path.join(this.dir, n) !== file);
      const dated = await Promise.all(others.map(async (n) => ({ n, at: (await stat(path.join(this.dir, n)).catch(() => undefined))?.mtimeMs ?? 0 })));
      for (const { n } of dated.sort((a, b) => b.at - a.at).slice(KEEP_OTHERS)) await rm(path.join(this.dir, n), { force: true });
    } catch (err) {
      await rm(temp, { force: true }).catch(() => undefined);
      this.onProblem(`could not keep the trained model in ${this.dir}: the next start trains again`, err as Error);
    }
  }
}

/** The version of an installed package (part of a key: a new stemmer makes other features). */
export function packageVersion(name: string, fromDir: string): string {
  let dir = fromDir;
  for (;;) {
    try {
      return (JSON.parse(readFileSync(path.join(dir, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      const parent = path.dirname(dir);
      if (parent === dir) return 'unknown';
      dir = parent;
    }
  }
}

/** A sha256 over the parts, in order, each length-prefixed so that no two lists give the same bytes. */
export function modelKey(parts: ReadonlyArray<string | Buffer>): string {
  const hash = createHash('sha256').update(`format ${MODEL_FORMAT_VERSION}\n`);
  for (const part of parts) hash.update(`${Buffer.byteLength(part)}\n`).update(part);
  return hash.digest('hex').slice(0, 32);
}

/** The contents of every file of `dir` (not below), sorted by name: a fingerprint of a folder of code. */
export function folderContents(dir: string, accept: (name: string) => boolean = () => true): Buffer[] {
  let names: string[];
  try {
    // Synchronous on purpose: a handful of files, read once at start-up.
    names = readdirSync(dir).sort().filter(accept);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    try {
      return [Buffer.concat([Buffer.from(`${name}\n`), readFileSync(path.join(dir, name))])];
    } catch {
      return [];
    }
  });
}
