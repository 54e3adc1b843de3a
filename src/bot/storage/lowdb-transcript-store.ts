/**
 * botbuilder's TranscriptStore on the embedded store: one file per conversation
 * (transcripts/<channel>/<conversation>.json). Writes for one conversation apply in call order, so
 * a delete issued after a turn's logging runs after it. It fails loudly: every error reaches the
 * `onError` callback (the app logs it) and rejects, because TranscriptLoggerMiddleware only prints
 * rejections to the console. Activities without `from` (proactive sends) are stored as they are.
 */
import path from 'node:path';
import type { Activity, PagedResult, TranscriptInfo } from 'botbuilder';
import { clone, loudly, page, revive, type TranscriptArchive, type TranscriptErrorHandler, type TranscriptExport } from './transcripts.js';
import { RecordFolder, fileNameFor } from '../../storage/record-folder.js';
import { readdir } from 'node:fs/promises';

interface TranscriptFile {
  channelId: string;
  conversationId: string;
  created: string;
  activities: Array<Record<string, unknown>>;
}

export class LowdbTranscriptStore implements TranscriptArchive {
  private readonly folders = new Map<string, RecordFolder<TranscriptFile>>();

  constructor(
    private readonly root: string,
    private readonly onError: TranscriptErrorHandler = () => undefined,
  ) {}

  private folder(channelId: string): RecordFolder<TranscriptFile> {
    let f = this.folders.get(channelId);
    if (!f) {
      f = new RecordFolder(path.join(this.root, 'transcripts', fileNameFor(channelId).replace(/\.json$/u, '')));
      this.folders.set(channelId, f);
    }
    return f;
  }

  private loudly<R>(channelId: string, operation: string, op: () => Promise<R>): Promise<R> {
    return loudly(this.onError, channelId, operation, op);
  }

  /** Appends an activity to its conversation's transcript. */
  logActivity(activity: Activity): Promise<void> {
    const channelId = activity.channelId ?? 'unknown';
    const conversationId = activity.conversation?.id ?? 'unknown';
    const stored = clone({ ...activity, timestamp: activity.timestamp ?? new Date() });
    return this.loudly(channelId, 'logActivity', async () => {
      await this.folder(channelId).update(conversationId, (current) => ({
        channelId,
        conversationId,
        created: current?.created ?? new Date().toISOString(),
        activities: [...(current?.activities ?? []), stored],
      }));
    });
  }

  /** A page of a conversation's activities (20 at a time), optionally from `startDate` on. */
  getTranscriptActivities(channelId: string, conversationId: string, continuationToken?: string, startDate?: Date): Promise<PagedResult<Activity>> {
    return this.loudly(channelId, 'getTranscriptActivities', async () => {
      const file = await this.folder(channelId).read(conversationId);
      const activities = (file?.activities ?? []).map(revive).filter((a) => !startDate || (a.timestamp instanceof Date && a.timestamp >= startDate));
      return page(activities, (a) => a.id, continuationToken);
    });
  }

  /** A page of the channel's conversations, oldest first. */
  listTranscripts(channelId: string, continuationToken?: string): Promise<PagedResult<TranscriptInfo>> {
    return this.loudly(channelId, 'listTranscripts', async () => {
      const folder = this.folder(channelId);
      const keys = await folder.keys();
      const infos: TranscriptInfo[] = [];
      for (const key of keys) {
        const file = await folder.read(key);
        if (file) infos.push({ channelId, id: file.conversationId, created: new Date(file.created) });
      }
      infos.sort((a, b) => a.created.getTime() - b.created.getTime());
      return page(infos, (i) => i.id, continuationToken);
    });
  }

  /** Removes a conversation's transcript, after any logging already under way for it. */
  deleteTranscript(channelId: string, conversationId: string): Promise<void> {
    return this.loudly(channelId, 'deleteTranscript', () => this.folder(channelId).delete(conversationId));
  }

  /** Resolves when every write started so far has landed (before shutdown, or in tests). */
  async flush(): Promise<void> {
    await Promise.all([...this.folders.values()].map((f) => f.idle()));
  }

  /** How many conversations have a transcript (for diagnostics). */
  async count(channelId: string): Promise<number> {
    try {
      return (await readdir(this.folder(channelId).dir)).filter((n) => n.endsWith('.json')).length;
    } catch {
      return 0;
    }
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
    const channels: string[] = [];
    for (const entry of entries) {
      if (!entry.isDirectory()) continue;
      // The folder name is the channel id encoded, or a hash of a long one: its files say which it is.
      for await (const { value } of new RecordFolder<TranscriptFile>(path.join(root, entry.name)).entries()) {
        if (this.folder(value.channelId).dir === path.join(root, entry.name)) channels.push(value.channelId);
        break;
      }
    }
    return channels.sort();
  }

  /** Every conversation of the channel with its whole transcript, as stored (read-only; `npm run db:move`). */
  async *export(channelId: string): AsyncGenerator<TranscriptExport> {
    for await (const { value: file } of this.folder(channelId).entries()) {
      yield { channelId: file.channelId, conversationId: file.conversationId, created: file.created, activities: file.activities };
    }
  }
}
