/**
 * Parsed YAML kept on disk between starts. Parsing the content's YAML (about 25 files, 200 KB) with
 * the `yaml` package costs 0.6–0.7 s of CPU at a start, more than any other part of it; reading the
 * same values back as JSON costs a few milliseconds. So every YAML text parsed is kept in one JSON
 * file, `<dir>/parsed-yaml.json`, under the sha256 of the text: a file that changes has another key
 * and is parsed again, and the `yaml` package is not even loaded when every file is found.
 *
 * Besides each file's parsed value, load.ts keeps the whole checked content here (`cachedValue`),
 * under a sha256 of every content file's text, the default locale and the code and packages that check it:
 * a start with exactly the content checked before reads it back instead of checking it again (zod
 * and the cross-checks, 0.1–0.15 s); any edit gives another key, so the edited content goes through
 * its zod schemas and the checks of load.ts and a mistake is reported exactly as before. A text with a YAML syntax error
 * is never cached (parsing it throws), and a value JSON cannot carry exactly (NaN, Infinity, -0) is
 * not cached either. The file carries the sha256 of its entries: one that cannot be read, parsed
 * or does not match is ignored and written again. Without a folder (`useYamlCache(undefined)`,
 * NLU_CACHE_DIR=off) every text is parsed, as before.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';

/** Raise when what `yaml` gives for the same text could change (a new major version, other options). */
const FORMAT = 1;
/** Entries kept at most: the current content and a few earlier versions of files being edited. */
const MAX_ENTRIES = 400;
const FILE_NAME = 'parsed-yaml.json';
/** What stands right before the entries' JSON, which runs to the file's last character but one. */
const ENTRIES_AT = ',"entries":';

/** Loaded on the first text not found in the cache only (CommonJS build, so synchronously). */
let yamlParse: ((text: string) => unknown) | undefined;
function parseWithYaml(text: string): unknown {
  yamlParse ??= (createRequire(import.meta.url)('yaml') as { parse: (text: string) => unknown }).parse;
  return yamlParse(text);
}

/** Where a problem with the cache file is told (it never stops the caller). */
export type YamlCacheProblem = (message: string) => void;

interface CacheState {
  dir: string;
  onProblem: YamlCacheProblem;
  /** Entries read from the file (or written since), by sha256 of the text. */
  entries: Map<string, unknown>;
  loaded: boolean;
  /** Entries changed since the file was read or written. */
  dirty: boolean;
  /** A write is queued. */
  queued: boolean;
}

let state: CacheState | undefined;

/**
 * Keeps parsed YAML in `dir` from now on (undefined: parse every text, keep nothing). Called at
 * start-up before the content is read; a later call with the same folder keeps what is in memory.
 */
export function useYamlCache(dir: string | undefined, onProblem: YamlCacheProblem = () => undefined): void {
  if (!dir) {
    state = undefined;
    return;
  }
  if (state?.dir === dir) {
    state.onProblem = onProblem;
    return;
  }
  state = { dir, onProblem, entries: new Map(), loaded: false, dirty: false, queued: false };
}

function keyOf(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

function checksum(entries: Record<string, unknown>, json: string = JSON.stringify(entries)): string {
  return createHash('sha256').update(json).digest('base64url');
}

function load(s: CacheState): void {
  s.loaded = true;
  const file = path.join(s.dir, FILE_NAME);
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') s.onProblem(`cannot read ${file} (${(err as Error).message}); parsing the YAML instead`);
    return;
  }
  try {
    const parsed = JSON.parse(raw) as { format?: unknown; sum?: unknown; entries?: unknown };
    if (parsed.format !== FORMAT || typeof parsed.entries !== 'object' || parsed.entries === null) throw new Error('not a cache of this format');
    const entries = parsed.entries as Record<string, unknown>;
    // The sum is of the entries' JSON as flush() wrote it, the end of the file: checked on the text
    // as it is, without writing the entries as JSON again.
    const at = raw.indexOf(ENTRIES_AT);
    if (at < 0 || !raw.endsWith('}') || parsed.sum !== checksum(entries, raw.slice(at + ENTRIES_AT.length, -1))) throw new Error('its checksum does not match');
    for (const [key, value] of Object.entries(entries)) s.entries.set(key, value);
  } catch (err) {
    s.onProblem(`ignoring ${file} (${(err as Error).message}); parsing the YAML and writing it again`);
    s.dirty = true;
  }
}

/** Writes the entries (newest first, at most MAX_ENTRIES) through a temp file and a rename. */
function flush(s: CacheState): void {
  s.queued = false;
  if (!s.dirty || state !== s) return;
  s.dirty = false;
  const file = path.join(s.dir, FILE_NAME);
  const temp = `${file}.${process.pid}.tmp`;
  const newest = [...s.entries].reverse().slice(0, MAX_ENTRIES).reverse();
  const entries = Object.fromEntries(newest);
  const json = JSON.stringify(entries);
  try {
    mkdirSync(s.dir, { recursive: true });
    writeFileSync(temp, `{"format":${FORMAT},"sum":${JSON.stringify(checksum(entries, json))}${ENTRIES_AT}${json}}`);
    renameSync(temp, file);
  } catch (err) {
    rmSync(temp, { force: true });
    s.onProblem(`could not keep parsed YAML in ${s.dir} (${(err as Error).message}): the next start parses it again`);
  }
}

/**
 * The value of a YAML text, as `yaml`'s `parse` gives it (throws its errors the same way): from the
 * cache when this text was parsed before, else parsed and kept.
 */
export function parseYamlCached(text: string): unknown {
  return cachedValue(keyOf(text), () => parseWithYaml(text));
}

/** Keeps `value` under `key` if JSON carries it exactly; the file is written after this synchronous stretch. */
function remember(s: CacheState, key: string, value: unknown): void {
  if (isDeepStrictEqual(JSON.parse(JSON.stringify(value) ?? 'null'), value)) {
    s.entries.set(key, structuredClone(value));
    s.dirty = true;
  }
  if (s.dirty && !s.queued) {
    s.queued = true;
    // Written once the texts read in this synchronous stretch (all of the content at start-up) are in.
    queueMicrotask(() => flush(s));
  }
}

/**
 * What `compute` gives, kept under `key` (which must name every input of `compute`, its code
 * included): from the cache when it holds the key, else computed and kept. Without a cache folder,
 * always computed. A value JSON cannot carry exactly is not kept; what `compute` throws is thrown.
 */
export function cachedValue<T>(key: string, compute: () => T): T {
  const s = state;
  if (!s) return compute();
  if (!s.loaded) load(s);
  if (s.entries.has(key)) return structuredClone(s.entries.get(key)) as T;
  const value = compute();
  remember(s, key, value);
  return value;
}
