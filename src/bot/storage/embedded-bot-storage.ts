/**
 * botbuilder's Storage on the embedded store, with real optimistic concurrency: a write that carries
 * an eTag other than "*" must match what is stored.
 *
 * Each state key has a JSON Lines file (state/<key>.jsonl) to which every save appends the whole new
 * state as one line; the last complete line is the state. Rewriting a file through a temporary file
 * and a rename on every turn (as lowdb does) cost about 0.2 ms of CPU per save on ext4, where an
 * append on a kept-open descriptor costs a few microseconds (src/storage/append-files.ts). After
 * COMPACT_AFTER saves the file is rewritten with its last line only, so it stays small.
 *
 * This process is the only writer of its data folder, so the latest state of recently used keys is
 * kept in memory (as JSON text: botbuilder changes the objects it reads) and a turn reads no file.
 * Files of the earlier layout (state/<key>.json, one lowdb document each) are still read; the first
 * save of such a key moves it to the new layout.
 */
import { randomUUID } from 'node:crypto';
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Storage, StoreItem, StoreItems } from 'botbuilder';
import { LRUCache } from 'lru-cache';
import { AppendFiles } from '../../storage/append-files.js';
import { ConcurrencyError, CorruptDataError } from '../../storage/errors.js';
import { parseLines, readOptional } from '../../storage/json-lines.js';
import { FilePaths } from '../../storage/record-folder.js';
import { SerialByKey } from '../../storage/serial-by-key.js';

/** Saves appended to a key's file before it is rewritten with the latest one only. */
const COMPACT_AFTER = 32;
/** Keys whose latest state is kept in memory. */
const CACHED_KEYS = 5000;

interface Line {
  key: string;
  value: StoreItem;
}

interface Known {
  /** The stored item as JSON, or undefined when the key has none. */
  json: string | undefined;
  /** Its eTag, kept beside it so a save need not parse the item to check it. */
  eTag: string | undefined;
  /** Lines in the key's .jsonl file. */
  lines: number;
  /** Whether a file of the earlier layout (.json) is still there. */
  legacy: boolean;
}

export class EmbeddedBotStorage implements Storage {
  private readonly dir: string;
  private readonly paths: FilePaths;
  private readonly queue = new SerialByKey();
  /** The latest state of recently used keys (the least recently used goes beyond CACHED_KEYS). */
  private readonly known = new LRUCache<string, Known>({ max: CACHED_KEYS });

  constructor(
    root: string,
    private readonly appends: AppendFiles = new AppendFiles(),
  ) {
    this.dir = path.join(root, 'state');
    this.paths = new FilePaths(this.dir);
  }

  /** The stored items for the keys that exist. */
  async read(keys: string[]): Promise<StoreItems> {
    const items: StoreItems = {};
    await Promise.all(
      keys.map((key) =>
        this.queue.run(key, async () => {
          const { json } = await this.load(key);
          if (json !== undefined) items[key] = JSON.parse(json) as StoreItem;
        }),
      ),
    );
    return items;
  }

  /** Writes each change; throws ConcurrencyError when a change's eTag is stale. */
  async write(changes: StoreItems): Promise<void> {
    await Promise.all(Object.entries(changes).map(([key, change]) => this.queue.run(key, () => this.save(key, change as StoreItem))));
  }

  /** Removes the items; missing keys are fine. */
  async delete(keys: string[]): Promise<void> {
    await Promise.all(
      keys.map((key) =>
        this.queue.run(key, async () => {
          const base = this.baseOf(key);
          await this.appends.remove(`${base}.jsonl`);
          await rm(`${base}.json`, { force: true });
          this.remember(key, { json: undefined, eTag: undefined, lines: 0, legacy: false });
        }),
      ),
    );
  }

  /** Every stored key (read-only; `npm run db:move` reads the items with read()). */
  async keys(): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const keys = new Set<string>();
    for (const name of names.filter((n) => !n.startsWith('.') && /\.jsonl?$/u.test(n))) {
      const file = path.join(this.dir, name);
      const raw = await readOptional(file);
      if (raw === undefined) continue;
      const key = name.endsWith('.jsonl') ? parseLines<Line>(file, raw)[0]?.key : parseLegacy(file, raw)?.key;
      if (key !== undefined) keys.add(key);
    }
    return [...keys];
  }

  /** Forgets what is kept in memory (after files were removed behind this store's back). */
  forgetCached(): void {
    this.known.clear();
  }

  private baseOf(key: string): string {
    return this.paths.of(key);
  }

  private remember(key: string, entry: Known): Known {
    this.known.set(key, entry);
    return entry;
  }

  /** What is stored for `key`: from memory, else from its file (the new layout first). */
  private async load(key: string): Promise<Known> {
    const cached = this.known.get(key);
    if (cached) return cached;
    const base = this.baseOf(key);
    const raw = await readOptional(`${base}.jsonl`);
    const lines = raw === undefined ? [] : parseLines<Line>(`${base}.jsonl`, raw);
    const legacyRaw = await readOptional(`${base}.json`);
    const last = lines.at(-1)?.value ?? (legacyRaw === undefined ? undefined : parseLegacy(`${base}.json`, legacyRaw)?.value);
    return this.remember(key, { json: last === undefined ? undefined : JSON.stringify(last), eTag: last?.eTag, lines: lines.length, legacy: legacyRaw !== undefined });
  }

  private async save(key: string, change: StoreItem): Promise<void> {
    const current = await this.load(key);
    const eTag = change.eTag;
    if (eTag !== undefined && eTag !== '*' && current.eTag !== eTag) {
      throw new ConcurrencyError(`state "${key}" was changed by someone else (eTag ${eTag} is stale)`);
    }
    const newETag = randomUUID();
    const json = JSON.stringify({ ...change, eTag: newETag });
    // The line is a Line ({ key, value }) with the item's JSON put in as it is, not serialised twice.
    const line = `{"key":${JSON.stringify(key)},"value":${json}}\n`;
    const base = this.baseOf(key);
    if (current.lines >= COMPACT_AFTER) {
      // Rewritten with the latest state only.
      await this.appends.replace(`${base}.jsonl`, line);
      this.remember(key, { json, eTag: newETag, lines: 1, legacy: current.legacy });
    } else {
      await this.appends.append(`${base}.jsonl`, line);
      this.remember(key, { json, eTag: newETag, lines: current.lines + 1, legacy: current.legacy });
    }
    if (current.legacy) {
      await rm(`${base}.json`, { force: true });
      this.known.get(key)!.legacy = false;
    }
  }
}

/** A file of the earlier layout: one lowdb document `{ key, value }`. */
function parseLegacy(file: string, raw: string): Line | undefined {
  try {
    return JSON.parse(raw) as Line;
  } catch (err) {
    throw new CorruptDataError(file, `is not valid JSON (${(err as Error).message})`);
  }
}
