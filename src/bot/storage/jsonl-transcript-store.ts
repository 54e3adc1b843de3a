/**
 * botbuilder's TranscriptStore on the embedded store: one JSON Lines file per conversation
 * (transcripts/<channel>/<conversation>.jsonl), one line per activity, appended. lowdb rewrites a
 * whole file on every write, which for a transcript that grows with every message made each message
 * cost more than the one before (35–40 % of a turn in the benchmark); appending costs the same on
 * the first and the hundredth message. Activities logged for one conversation while a write is
 * under way go out together in the next single append, on a descriptor kept open
 * (src/storage/append-files.ts, which also cuts off a line a crash cut short before appending).
 *
 * Writes for one conversation apply in call order, so a delete issued after a turn's logging runs
 * after it. Failures reach `onError` and reject (the TranscriptLogger middleware does not wait for them).
 * A last line cut short by a crash in the middle of an append is ignored when reading; any other
 * line that is not JSON stops the read with CorruptDataError. Transcripts written by earlier
 * releases as one JSON file per conversation (<conversation>.json) are still read, then appended to
 * in the new form.
 */
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Activity, PagedResult, TranscriptInfo } from 'botbuilder';
import { CorruptDataError } from '../../storage/errors.js';
import { LRUCache } from 'lru-cache';
import { FilePaths, fileBaseFor } from '../../storage/record-folder.js';
import { SerialByKey } from '../../storage/serial-by-key.js';
import { AppendFiles } from '../../storage/append-files.js';
import { parseLines, readOptional } from '../../storage/json-lines.js';
import { loudly, page, revive, type TranscriptArchive, type TranscriptErrorHandler, type TranscriptExport } from './transcripts.js';

/** One line of a transcript file. */
interface TranscriptLine {
  conversationId: string;
  channelId: string;
  /** When it was logged (ISO 8601). */
  at: string;
  activity: Record<string, unknown>;
}

/** A conversation's file as written by releases before JSON Lines. */
interface LegacyFile {
  value?: { channelId: string; conversationId: string; created: string; activities: Array<Record<string, unknown>> };
}

interface Batch {
  lines: string[];
  written: Promise<void>;
}

/** Channels whose paths are remembered at once (a service uses two or three). */
const MAX_CHANNELS = 16;

export class JsonlTranscriptStore implements TranscriptArchive {
  private readonly queue = new SerialByKey();
  /** Lines waiting for the append that will carry them, per file. */
  private readonly batches = new Map<string, Batch>();
  /**
   * The conversations' file paths per channel, for the few channels in use. Bounded: each FilePaths
   * holds a cache of its own (about 120 KB), and a channel id is whatever an activity says.
   */
  private readonly pathsByChannel = new LRUCache<string, FilePaths>({ max: MAX_CHANNELS });

  constructor(
    private readonly root: string,
    private readonly onError: TranscriptErrorHandler = () => undefined,
    private readonly appends: AppendFiles = new AppendFiles(),
  ) {}

  private dirOf(channelId: string): string {
    return path.join(this.root, 'transcripts', fileBaseFor(channelId));
  }

  /** The file of a conversation, without extension. */
  private baseOf(channelId: string, conversationId: string): string {
    let paths = this.pathsByChannel.get(channelId);
    if (!paths) {
      paths = new FilePaths(this.dirOf(channelId));
      this.pathsByChannel.set(channelId, paths);
    }
    return paths.of(conversationId);
  }

  /** Appends an activity to its conversation's transcript. */
  logActivity(activity: Activity): Promise<void> {
    const channelId = activity.channelId ?? 'unknown';
    const conversationId = activity.conversation?.id ?? 'unknown';
    const line: TranscriptLine = { conversationId, channelId, at: new Date().toISOString(), activity: { ...activity, timestamp: activity.timestamp ?? new Date() } as unknown as Record<string, unknown> };
    // JSON.stringify copies the activity as it is now: later changes to the object are not logged.
    const text = `${JSON.stringify(line)}\n`;
    const base = this.baseOf(channelId, conversationId);
    let batch = this.batches.get(base);
    if (!batch) {
      const lines: string[] = [];
      batch = {
        lines,
        written: this.queue.run(base, () =>
          loudly(this.onError, channelId, 'logActivity', async () => {
            // Whatever was logged until now goes in this append; later lines start a new batch.
            this.batches.delete(base);
            await this.appends.append(`${base}.jsonl`, lines.join(''));
          }),
        ),
      };
      this.batches.set(base, batch);
    }
    batch.lines.push(text);
    return batch.written;
  }

  /** Every line of a conversation's transcript, legacy file first. */
  private async lines(base: string): Promise<TranscriptLine[]> {
    const lines: TranscriptLine[] = [];
    const legacy = await readOptional(`${base}.json`);
    if (legacy !== undefined) {
      let parsed: LegacyFile;
      try {
        parsed = JSON.parse(legacy) as LegacyFile;
      } catch (err) {
        throw new CorruptDataError(`${base}.json`, `is not valid JSON (${(err as Error).message})`);
      }
      const v = parsed.value;
      if (v) for (const activity of v.activities) lines.push({ conversationId: v.conversationId, channelId: v.channelId, at: v.created, activity });
    }
    const raw = await readOptional(`${base}.jsonl`);
    if (raw !== undefined) lines.push(...parseLines<TranscriptLine>(`${base}.jsonl`, raw));
    return lines;
  }

  /** A page of a conversation's activities (20 at a time), optionally from `startDate` on. */
  getTranscriptActivities(channelId: string, conversationId: string, continuationToken?: string, startDate?: Date): Promise<PagedResult<Activity>> {
    const base = this.baseOf(channelId, conversationId);
    return loudly(this.onError, channelId, 'getTranscriptActivities', () =>
      // After the writes already started for it, so a read right after logging sees what was logged.
      this.queue.run(base, async () => {
        const activities = (await this.lines(base)).map((l) => revive(l.activity)).filter((a) => !startDate || (a.timestamp instanceof Date && a.timestamp >= startDate));
        return page(activities, (a) => a.id, continuationToken);
      }),
    );
  }

  /** The conversations of a channel with their first line (conversation id and when it began). */
  private async conversations(channelId: string): Promise<Array<{ base: string; first: TranscriptLine }>> {
    const found: Array<{ base: string; first: TranscriptLine }> = [];
    for (const base of await this.bases(this.dirOf(channelId))) {
      const [first] = await this.lines(base);
      if (first) found.push({ base, first });
    }
    return found;
  }

  /**
   * The conversations' files in a channel folder, without extension: a conversation may have both a
   * .json of an earlier release and a .jsonl.
   */
  private async bases(dir: string): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    return [...new Set(names.filter((n) => !n.startsWith('.') && /\.jsonl?$/u.test(n)).map((n) => path.join(dir, n.replace(/\.jsonl?$/u, ''))))];
  }

  /** A page of the channel's conversations, oldest first. */
  listTranscripts(channelId: string, continuationToken?: string): Promise<PagedResult<TranscriptInfo>> {
    return loudly(this.onError, channelId, 'listTranscripts', async () => {
      const infos = (await this.conversations(channelId)).map(({ first }) => ({ channelId, id: first.conversationId, created: new Date(first.at) }));
      infos.sort((a, b) => a.created.getTime() - b.created.getTime());
      return page(infos, (i) => i.id, continuationToken);
    });
  }

  /** Removes a conversation's transcript, after any logging already under way for it. */
  deleteTranscript(channelId: string, conversationId: string): Promise<void> {
    const base = this.baseOf(channelId, conversationId);
    return this.queue.run(base, () =>
      loudly(this.onError, channelId, 'deleteTranscript', async () => {
        await this.appends.remove(`${base}.jsonl`);
        await rm(`${base}.json`, { force: true });
      }),
    );
  }

  /** Resolves when every write started so far has landed (before shutdown, or in tests). */
  flush(): Promise<void> {
    return this.queue.idle();
  }

  /** How many conversations of the channel have a transcript (for diagnostics and progress). */
  async count(channelId: string): Promise<number> {
    return (await this.bases(this.dirOf(channelId))).length;
  }

  /** Every channel that has transcripts (read-only; `npm run db:move`). */
  async channels(): Promise<string[]> {
    const root = path.join(this.root, 'transcripts');
    let entries;
    try {
      entries = await readdir(root, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const channels = new Set<string>();
    for (const entry of entries) {
      if (!entry.isDirectory()) continue;
      // The folder name may be a hash of the channel id: the lines say which channel it is.
      for (const base of await this.bases(path.join(root, entry.name))) {
        const [first] = await this.lines(base);
        if (first) {
          channels.add(first.channelId);
          break;
        }
      }
    }
    return [...channels].sort();
  }

  /** Every conversation of the channel with its whole transcript, as stored (read-only; `npm run db:move`). */
  async *export(channelId: string): AsyncGenerator<TranscriptExport> {
    // Each file read once; every read parses afresh, so the activities are the caller's to keep.
    for (const base of await this.bases(this.dirOf(channelId))) {
      const lines = await this.lines(base);
      const first = lines[0];
      if (first) yield { channelId, conversationId: first.conversationId, created: first.at, activities: lines.map((l) => l.activity) };
    }
  }
}
