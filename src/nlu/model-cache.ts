/**
 * Trained models kept on disk, so that a start-up reads the embedded recognizer (a few hundredths of a
 * second) instead of training it (1.5–2 s on two cores). One file per key, `<dir>/<name>-<key>.bin`,
 * written through a temp file and a rename, so a reader never sees half a file.
 *
 * The file (see `encodeModel`): a short JSON header with the model's plain values, and its large parts
 * (typed arrays: weights, the feature table, texts as UTF-8) as raw bytes after it, which a reader
 * gets as views of the file's own buffer, neither copied nor parsed. The file's length is part of its
 * header, so a file cut short is told from a whole one.
 *
 * The key is a sha256 of everything a trained model depends on (see `modelKey`): MODEL_FORMAT_VERSION,
 * the versions of the packages that turn text into features, the recognizer's own code, and every
 * input of training (the example files, the risk patterns, the languages). A change of any of them
 * gives another key, so the model is trained again; the files of older keys are removed when a new
 * one is written (but for the two newest). A file that cannot be read, parsed or restored is ignored (the caller is told why)
 * and replaced by the next training: a cache is never a reason not to start.
 *
 * Adding a trained part (a new classifier, a second risk level):
 *  1. give the part a `toJSON()` that returns plain data (numbers, strings, arrays, objects, and
 *     Float64Array, Int32Array, Uint16Array or Uint8Array for anything large), and a static `fromJSON(json, …)`
 *     that rebuilds it and throws on anything it does not expect;
 *  2. add it where the recognizer collects its parts to save (`EmbeddedRecognizer.parts`) and where it
 *     restores them (`EmbeddedRecognizer.restore`);
 *  3. raise MODEL_FORMAT_VERSION whenever the shape of any part changes. (Changes of the code in
 *     src/nlu/ and src/core/risk.ts change the key by themselves; the constant is for the shape.)
 * `test/nlu-cache.test.ts` checks that a restored recognizer answers exactly as a freshly trained one.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** Raise when any cached part changes shape. */
export const MODEL_FORMAT_VERSION = 2;
/** Models of other keys kept besides the one just written. */
const KEEP_OTHERS = 2;

export interface ModelCache {
  /** The cached value of `key`, or undefined when there is none or it cannot be read. */
  read(key: string): Promise<unknown>;
  /** Tells the cache that what `read(key)` gave could not be restored (reported; training follows). */
  unusable(key: string, err: Error): void;
  /** Keeps `value` under `key` (and lets go of other keys); failures are reported, never thrown. */
  write(key: string, value: unknown): Promise<void>;
  /** Drops what is kept under `key` (a part of it could not be restored): the next start trains. */
  discard?(key: string): Promise<void>;
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
    return path.join(this.dir, `${this.name}-${key}.bin`);
  }

  async read(key: string): Promise<unknown> {
    const file = this.fileFor(key);
    let raw: Buffer;
    try {
      raw = await readFile(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.onProblem(`cannot read ${file}; training instead`, err as Error);
      return undefined;
    }
    try {
      const parsed = decodeModel(raw) as { format?: unknown; key?: unknown; value?: unknown };
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

  async discard(key: string): Promise<void> {
    await rm(this.fileFor(key), { force: true }).catch((err: Error) => this.onProblem(`could not remove ${this.fileFor(key)}`, err));
  }

  async write(key: string, value: unknown): Promise<void> {
    const file = this.fileFor(key);
    const temp = `${file}.${process.pid}.tmp`;
    try {
      await mkdir(this.dir, { recursive: true });
      await writeFile(temp, encodeModel({ format: MODEL_FORMAT_VERSION, key, value }));
      await rename(temp, file);
      // Models of older keys (earlier training data or code) go, but for the newest few: the code of
      // the tests (TypeScript) and of npm start (compiled) make two keys of the same training data.
      // (.json: the earlier format's files, never read again.)
      const others = (await readdir(this.dir)).filter((n) => n.startsWith(`${this.name}-`) && /\.(bin|json)$/u.test(n) && path.join(this.dir, n) !== file);
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

/** What a cached model's file starts with. */
const MAGIC = Buffer.from('NLUMODEL', 'latin1');
/** The magic, then the header's length and the whole file's length (uint32 little-endian each). */
const PREAMBLE = MAGIC.length + 8;
const ARRAYS = { f64: Float64Array, i32: Int32Array, u16: Uint16Array, u8: Uint8Array } as const;
type ArrayKind = keyof typeof ARRAYS;
const align8 = (n: number) => Math.ceil(n / 8) * 8;

function kindOf(value: ArrayBufferView): ArrayKind | undefined {
  if (value instanceof Float64Array) return 'f64';
  if (value instanceof Int32Array) return 'i32';
  if (value instanceof Uint16Array) return 'u16';
  // A Buffer has a toJSON of its own that JSON.stringify calls first: give Uint8Arrays that are not Buffers.
  if (value instanceof Uint8Array && !Buffer.isBuffer(value)) return 'u8';
  return undefined;
}

/**
 * `value` as bytes: its JSON, where each Float64Array, Int32Array, Uint16Array and Uint8Array is replaced by
 * `{"$array":[kind, offset, length]}`, followed by the arrays' bytes (each at an offset divisible by 8
 * from the end of the header, so that a reader can view them in place).
 */
export function encodeModel(value: unknown): Buffer {
  const arrays: ArrayBufferView[] = [];
  let offset = 0;
  const header = Buffer.from(
    JSON.stringify(value, (_name, v: unknown) => {
      if (!ArrayBuffer.isView(v)) return v;
      const kind = kindOf(v);
      if (!kind) throw new Error(`a model part of type ${v.constructor.name} cannot be kept`);
      const at = offset;
      arrays.push(v);
      offset = align8(offset + v.byteLength);
      return { $array: [kind, at, v.byteLength / ARRAYS[kind].BYTES_PER_ELEMENT] };
    }),
    'utf8',
  );
  const dataStart = align8(PREAMBLE + header.length);
  const out = Buffer.alloc(dataStart + offset);
  MAGIC.copy(out, 0);
  out.writeUInt32LE(header.length, MAGIC.length);
  out.writeUInt32LE(out.length, MAGIC.length + 4);
  header.copy(out, PREAMBLE);
  let at = dataStart;
  for (const a of arrays) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
    at = align8(at + a.byteLength);
  }
  return out;
}

/** The value back from `encodeModel`'s bytes, its arrays as views of `raw`; throws on any mismatch. */
export function decodeModel(raw: Buffer): unknown {
  if (raw.length < PREAMBLE || !raw.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error('not a model file');
  const headerLength = raw.readUInt32LE(MAGIC.length);
  const total = raw.readUInt32LE(MAGIC.length + 4);
  if (total !== raw.length) throw new Error(`the file has ${raw.length} bytes where it should have ${total}`);
  if (PREAMBLE + headerLength > raw.length) throw new Error('the header runs past the end');
  // Views of float64 need an 8-aligned start: a buffer of the file's own, copied only if not.
  let bytes = raw;
  if (raw.byteOffset % 8 !== 0) {
    const own = new Uint8Array(raw.length);
    own.set(raw);
    bytes = Buffer.from(own.buffer);
  }
  const dataStart = align8(PREAMBLE + headerLength);
  return JSON.parse(bytes.toString('utf8', PREAMBLE, PREAMBLE + headerLength), (_name, v: unknown) => {
    const ref = (v as { $array?: unknown } | null)?.$array;
    if (ref === undefined) return v;
    const [kind, offset, length] = ref as [ArrayKind, number, number];
    const Ctor = Object.hasOwn(ARRAYS, kind) ? ARRAYS[kind] : undefined;
    if (!Ctor || !Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0 || offset % 8 !== 0) throw new Error('an array of the model is not described right');
    const start = dataStart + offset;
    if (start + length * Ctor.BYTES_PER_ELEMENT > bytes.length) throw new Error('an array of the model runs past the end of the file');
    return new Ctor(bytes.buffer as ArrayBuffer, bytes.byteOffset + start, length);
  });
}
