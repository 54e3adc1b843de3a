/**
 * The Direct Line store on the embedded default, for one process: per conversation a small JSON
 * file (directline/conversations/<id>.json, through RecordFolder: who it belongs to, what the page
 * preselected) and its activities as JSON Lines, appended (directline/activities/<id>.jsonl). The
 * earlier layout kept the activities inside the conversation file and rewrote it whole on every
 * activity, which made each message cost more than the last; appending costs the same every time.
 *
 * Recently used conversations are kept in memory with their last watermark and their latest
 * activities, so a turn and the page's poll right after it read no file. This process is the only
 * writer, so what it remembers is what is on disk.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Activity } from 'botbuilder';
import { LRUCache } from 'lru-cache';
import { AppendFiles } from '../storage/append-files.js';
import { parseLines, readOptional } from '../storage/json-lines.js';
import { FilePaths, RecordFolder } from '../storage/record-folder.js';
import { SerialByKey } from '../storage/serial-by-key.js';
import type { ActivityPage, DirectLineConversation, DirectLineExport, DirectLineStore } from './store.js';

interface Line {
  watermark: number;
  activity: Partial<Activity>;
}

interface ConversationFile {
  conversation: DirectLineConversation;
  /** The last watermark ever given, when the activities that carried it were forgotten. */
  last?: number;
  /** Activities of the earlier layout (before JSON Lines); read, never written any more. */
  activities?: Line[];
}

interface Cached {
  conversation: DirectLineConversation;
  last: number;
  /** The latest activities, oldest first (at most TAIL). */
  tail: Line[];
  /** Whether `tail` holds every activity kept (the conversation is short). */
  complete: boolean;
}

/** Conversations remembered; a widget that is open keeps its conversation among them. */
const CACHED_CONVERSATIONS = 2000;
/** Activities remembered per conversation: a poll asks for the few since its last one. */
const TAIL = 40;

export class EmbeddedDirectLineStore implements DirectLineStore {
  private readonly meta: RecordFolder<ConversationFile>;
  private readonly activities: FilePaths;
  private readonly queue = new SerialByKey();
  private readonly cache = new LRUCache<string, Cached>({ max: CACHED_CONVERSATIONS });

  constructor(
    dataDir: string,
    private readonly appends: AppendFiles = new AppendFiles(),
  ) {
    this.meta = new RecordFolder(path.join(dataDir, 'directline', 'conversations'));
    this.activities = new FilePaths(path.join(dataDir, 'directline', 'activities'));
  }

  private fileOf(id: string): string {
    return `${this.activities.of(id)}.jsonl`;
  }

  private remember(id: string, entry: Cached): Cached {
    this.cache.set(id, entry);
    return entry;
  }

  /**
   * Every kept activity, read from disk (earlier layout first); a last line a crash cut short is
   * skipped here, and cut off before the next append (AppendFiles).
   */
  private async readLines(id: string, file: ConversationFile): Promise<Line[]> {
    const jsonl = this.fileOf(id);
    const raw = (await readOptional(jsonl)) ?? '';
    return [...(file.activities ?? []), ...parseLines<Line>(jsonl, raw)];
  }

  /** The conversation as remembered, loading it from disk when needed; undefined when it does not exist. */
  private async load(id: string): Promise<Cached | undefined> {
    const cached = this.cache.get(id);
    if (cached) return cached;
    const file = await this.meta.read(id);
    if (!file) return undefined;
    const lines = await this.readLines(id, file);
    const last = Math.max(file.last ?? 0, lines.at(-1)?.watermark ?? 0);
    return this.remember(id, { conversation: file.conversation, last, tail: lines.slice(-TAIL), complete: lines.length <= TAIL });
  }

  async create(conversation: DirectLineConversation): Promise<void> {
    await this.queue.run(conversation.id, async () => {
      await this.meta.write(conversation.id, { conversation });
      this.remember(conversation.id, { conversation, last: 0, tail: [], complete: true });
    });
  }

  async get(id: string): Promise<DirectLineConversation | undefined> {
    return (await this.queue.run(id, () => this.load(id)))?.conversation;
  }

  markStarted(id: string): Promise<boolean> {
    return this.queue.run(id, async () => {
      const entry = await this.load(id);
      if (!entry || entry.conversation.started) return false;
      const conversation = { ...entry.conversation, started: true };
      await this.meta.update(id, (file) => file && { ...file, conversation });
      entry.conversation = conversation;
      return true;
    });
  }

  append(id: string, activities: Partial<Activity>[], prepare: (activity: Partial<Activity>, watermark: number) => Partial<Activity>): Promise<Partial<Activity>[]> {
    return this.queue.run(id, async () => {
      const entry = await this.load(id);
      if (!entry) throw new Error(`Direct Line conversation ${id} does not exist`);
      const lines = activities.map((a, i) => ({ watermark: entry.last + i + 1, activity: prepare(a, entry.last + i + 1) }));
      await this.appends.append(this.fileOf(id), lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
      entry.last += lines.length;
      entry.tail.push(...lines);
      if (entry.tail.length > TAIL) {
        entry.tail.splice(0, entry.tail.length - TAIL);
        entry.complete = false;
      }
      return lines.map((l) => l.activity);
    });
  }

  async after(id: string, watermark: number | undefined): Promise<ActivityPage> {
    const from = watermark ?? 0;
    return this.queue.run(id, async () => {
      const entry = await this.load(id);
      if (!entry) return { activities: [], watermark: from };
      if (entry.last <= from) return { activities: [], watermark: from };
      // Answered from memory when it holds everything after `from`, else from the file.
      const inMemory = entry.complete || (entry.tail[0] !== undefined && entry.tail[0].watermark <= from + 1);
      const lines = inMemory ? entry.tail : await this.readLines(id, (await this.meta.read(id)) ?? { conversation: entry.conversation });
      return { activities: lines.filter((l) => l.watermark > from).map((l) => l.activity), watermark: Math.max(from, entry.last) };
    });
  }

  forgetBefore(id: string, watermark: number): Promise<void> {
    return this.queue.run(id, async () => {
      const entry = await this.load(id);
      const file = await this.meta.read(id);
      if (!entry || !file) return;
      const kept = (await this.readLines(id, file)).filter((l) => l.watermark >= watermark);
      // The activities file is replaced whole (rare: "keep nothing"), then the conversation file
      // records the last watermark, which the forgotten activities no longer carry.
      const jsonl = this.fileOf(id);
      if (kept.length) await this.appends.replace(jsonl, kept.map((l) => `${JSON.stringify(l)}\n`).join(''));
      else await this.appends.remove(jsonl);
      await this.meta.write(id, { conversation: entry.conversation, last: entry.last });
      this.remember(id, { ...entry, tail: kept.slice(-TAIL), complete: kept.length <= TAIL });
    });
  }

  /** Forgets the conversations kept in memory (after files were removed behind this store's back). */
  forgetCached(): void {
    this.cache.clear();
  }

  /** How many conversations are kept (read-only; for progress while moving them). */
  async count(): Promise<number> {
    try {
      return (await readdir(this.meta.dir)).filter((n) => n.endsWith('.json') && !n.startsWith('.')).length;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw err;
    }
  }

  /** Every conversation with its last watermark and its kept activities (read-only; `npm run db:move`). */
  async *export(): AsyncGenerator<DirectLineExport> {
    for (const id of await this.meta.keys()) {
      const file = await this.meta.read(id);
      if (!file) continue;
      const activities = await this.readLines(id, file);
      yield { conversation: file.conversation, last: Math.max(file.last ?? 0, activities.at(-1)?.watermark ?? 0), activities };
    }
  }
}
