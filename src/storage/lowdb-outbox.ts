/**
 * The delivery outbox on the embedded store: one file per case holding its delivery items, under
 * outbox/open/ while anything is left to deliver and outbox/done/ afterwards, so finding what is due
 * reads only the open cases however many have been delivered.
 */
import path from 'node:path';
import { Mutex } from 'async-mutex';
import type { OutboxItem, OutboxStore } from '../core/delivery.js';
import { RecordFolder } from './record-folder.js';

interface CaseItems {
  caseReference: string;
  items: OutboxItem[];
}

const isFinal = (item: OutboxItem) => item.status === 'delivered' || item.status === 'skipped';

export class LowdbOutbox implements OutboxStore {
  private readonly open: RecordFolder<CaseItems>;
  private readonly done: RecordFolder<CaseItems>;
  /** A case's file moves between folders: changes must not interleave. */
  private readonly lock = new Mutex();
  /** Items handed out by due() and not saved since, with when the claim runs out. */
  private readonly claimed = new Map<string, number>();

  constructor(
    dataDir: string,
    private readonly leaseMs = 60_000,
  ) {
    this.open = new RecordFolder(path.join(dataDir, 'outbox', 'open'));
    this.done = new RecordFolder(path.join(dataDir, 'outbox', 'done'));
  }

  private async store(file: CaseItems): Promise<void> {
    if (file.items.every(isFinal)) {
      await this.done.write(file.caseReference, file);
      await this.open.delete(file.caseReference);
    } else {
      await this.open.write(file.caseReference, file);
      await this.done.delete(file.caseReference);
    }
  }

  enqueue(items: OutboxItem[]): Promise<void> {
    return this.lock.runExclusive(() => this.enqueueNow(items));
  }

  private async enqueueNow(items: OutboxItem[]): Promise<void> {
    const byCase = new Map<string, OutboxItem[]>();
    for (const item of items) byCase.set(item.caseReference, [...(byCase.get(item.caseReference) ?? []), item]);
    for (const [caseReference, added] of byCase) {
      const current = (await this.open.read(caseReference)) ?? (await this.done.read(caseReference)) ?? { caseReference, items: [] };
      const known = new Set(current.items.map((i) => i.id));
      const fresh = added.filter((i) => !known.has(i.id));
      if (fresh.length) await this.store({ caseReference, items: [...current.items, ...fresh] });
    }
  }

  async due(now: Date, limit: number): Promise<OutboxItem[]> {
    const files = await this.open.readMany(await this.open.keys());
    const due = files
      .flatMap((f) => f?.items ?? [])
      .filter((i) => !isFinal(i) && Date.parse(i.nextAttemptAt) <= now.getTime() && (this.claimed.get(i.id) ?? 0) <= now.getTime())
      .sort((a, b) => a.nextAttemptAt.localeCompare(b.nextAttemptAt))
      .slice(0, limit);
    // Claimed, as on PostgreSQL: a second caller does not get them until they are saved.
    for (const item of due) this.claimed.set(item.id, now.getTime() + this.leaseMs);
    return due;
  }

  save(item: OutboxItem): Promise<void> {
    return this.lock.runExclusive(() => this.saveNow(item));
  }

  private async saveNow(item: OutboxItem): Promise<void> {
    this.claimed.delete(item.id);
    const current = (await this.open.read(item.caseReference)) ?? (await this.done.read(item.caseReference));
    if (!current) throw new Error(`no outbox items for case ${item.caseReference}`);
    await this.store({ ...current, items: current.items.map((i) => (i.id === item.id ? item : i)) });
  }

  async forCase(caseReference: string): Promise<OutboxItem[]> {
    return ((await this.open.read(caseReference)) ?? (await this.done.read(caseReference)))?.items ?? [];
  }

  async undelivered(): Promise<OutboxItem[]> {
    // Only outbox/open: a case moves to outbox/done once all its items are final.
    const files = await this.open.readMany(await this.open.keys());
    return files.flatMap((f) => f?.items ?? []).filter((i) => !isFinal(i));
  }

  async all(): Promise<OutboxItem[]> {
    const read = async (folder: RecordFolder<CaseItems>) => folder.readMany(await folder.keys());
    return [...(await read(this.open)), ...(await read(this.done))].flatMap((f) => f?.items ?? []);
  }
}
