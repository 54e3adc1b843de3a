/**
 * The Direct Line store on the embedded default: one file per conversation under
 * directline/conversations/, written through the same RecordFolder as the other stores (atomic
 * writes, one writer per key). A poll that finds nothing new is answered from memory, so a page
 * polling every second costs no disk read.
 */
import path from 'node:path';
import type { Activity } from 'botbuilder';
import { RecordFolder } from '../storage/record-folder.js';
import type { ActivityPage, DirectLineConversation, DirectLineExport, DirectLineStore } from './store.js';

interface ConversationFile {
  conversation: DirectLineConversation;
  /** Watermark of the last activity ever appended (1-based; 0 = none). */
  last: number;
  /** Activities kept, each with its watermark. */
  activities: Array<{ watermark: number; activity: Partial<Activity> }>;
}

export class LowdbDirectLineStore implements DirectLineStore {
  private readonly folder: RecordFolder<ConversationFile>;
  /** Last watermark per conversation, as written by this process. */
  private readonly lastSeen = new Map<string, number>();

  constructor(dataDir: string) {
    this.folder = new RecordFolder(path.join(dataDir, 'directline', 'conversations'));
  }

  async create(conversation: DirectLineConversation): Promise<void> {
    await this.folder.write(conversation.id, { conversation, last: 0, activities: [] });
    this.lastSeen.set(conversation.id, 0);
  }

  async get(id: string): Promise<DirectLineConversation | undefined> {
    return (await this.folder.read(id))?.conversation;
  }

  async markStarted(id: string): Promise<boolean> {
    let changed = false;
    await this.folder.update(id, (file) => {
      if (!file || file.conversation.started) return file;
      changed = true;
      return { ...file, conversation: { ...file.conversation, started: true } };
    });
    return changed;
  }

  async append(
    id: string,
    activities: Partial<Activity>[],
    prepare: (activity: Partial<Activity>, watermark: number) => Partial<Activity>,
  ): Promise<Partial<Activity>[]> {
    const stored: Partial<Activity>[] = [];
    const file = await this.folder.update(id, (current) => {
      if (!current) return undefined;
      let last = current.last;
      const added = activities.map((a) => {
        last += 1;
        const activity = prepare(a, last);
        stored.push(activity);
        return { watermark: last, activity };
      });
      return { ...current, last, activities: [...current.activities, ...added] };
    });
    if (!file) throw new Error(`Direct Line conversation ${id} does not exist`);
    this.lastSeen.set(id, file.last);
    return stored;
  }

  async after(id: string, watermark: number | undefined): Promise<ActivityPage> {
    const from = watermark ?? 0;
    const known = this.lastSeen.get(id);
    if (known !== undefined && watermark !== undefined && known <= from) return { activities: [], watermark: from };
    const file = await this.folder.read(id);
    if (!file) return { activities: [], watermark: from };
    this.lastSeen.set(id, file.last);
    const activities = file.activities.filter((a) => a.watermark > from).map((a) => a.activity);
    return { activities, watermark: Math.max(from, file.last) };
  }

  async forgetBefore(id: string, watermark: number): Promise<void> {
    await this.folder.update(id, (file) => file && { ...file, activities: file.activities.filter((a) => a.watermark >= watermark) });
  }

  /** How many conversations are kept (read-only; for progress while moving them). */
  count(): Promise<number> {
    return this.folder.count();
  }

  /** Every conversation with its last watermark and its kept activities (read-only; `npm run db:move`). */
  async *export(): AsyncGenerator<DirectLineExport> {
    for await (const { value: file } of this.folder.entries()) yield { conversation: file.conversation, last: file.last, activities: file.activities };
  }
}
