/**
 * Cases on the embedded store: one file per case (cases/NV-2026-000123.json), a counter file per year
 * and an index from idempotency key to reference, so a confirm that is retried returns the same case.
 */
import { createHash } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Mutex } from 'async-mutex';
import { countWork, findInRecords, type CasePage, type CaseQuery } from '../core/case-query.js';
import { initialWork, upgradeCase } from '../core/case-work.js';
import { formatReference, type CaseRecord, type CaseStore, type NewCase, type WorkCounts } from '../core/cases.js';
import { RecordFolder } from './record-folder.js';

export class LowdbCaseStore implements CaseStore {
  private readonly cases: RecordFolder<CaseRecord>;
  private readonly counters: RecordFolder<{ last: number }>;
  private readonly keys: RecordFolder<{ reference: string }>;
  // Numbering and the key index must not interleave within this process.
  private readonly numbering = new Mutex();

  constructor(private readonly root: string) {
    this.cases = new RecordFolder(path.join(root, 'cases'));
    this.counters = new RecordFolder(path.join(root, 'counters'));
    this.keys = new RecordFolder(path.join(root, 'case-keys'));
  }

  private keyOf(idempotencyKey: string): string {
    return createHash('sha256').update(idempotencyKey).digest('hex');
  }

  /** Stores the case under the next reference of its year, or returns the one already stored for its key. */
  create(draft: NewCase): Promise<CaseRecord> {
    return this.numbering.runExclusive(async () => {
      const key = this.keyOf(draft.idempotencyKey);
      const existing = await this.keys.read(key);
      if (existing) {
        const record = await this.cases.read(existing.reference);
        if (record) return upgradeCase(record);
      }
      const year = new Date(draft.createdAt).getUTCFullYear();
      const counter = await this.counters.update(String(year), (c) => ({ last: (c?.last ?? 0) + 1 }));
      const record: CaseRecord = { ...draft, reference: formatReference(year, counter!.last), work: initialWork(draft) };
      await this.cases.write(record.reference, record);
      await this.keys.write(key, { reference: record.reference });
      return record;
    });
  }

  /** The case with this reference, if any (a case written before issue 20 as this release keeps it). */
  async get(reference: string): Promise<CaseRecord | undefined> {
    const record = await this.cases.read(reference);
    return record && upgradeCase(record);
  }

  /** Every stored reference, oldest first. */
  async references(): Promise<string[]> {
    return (await this.cases.keys()).sort();
  }

  /** Cases with a unit still urgent and new, created before `cutoff` (reads every case: the embedded store is for small counts). */
  async urgentNewBefore(cutoff: Date): Promise<CaseRecord[]> {
    return (await this.list()).filter((r) => Date.parse(r.createdAt) < cutoff.getTime() && Object.values(r.work).some((w) => w.urgent && w.status === 'new'));
  }

  /** Every case, oldest first. A list of 40 cases reads 40 small files; PostgreSQL is for more. */
  async list(): Promise<CaseRecord[]> {
    const records = await this.cases.readMany(await this.references());
    return records.filter((r): r is CaseRecord => r !== undefined).map(upgradeCase);
  }

  /** The cases of some units matching the filters (reads every case, as list does). */
  async find(query: CaseQuery): Promise<CasePage> {
    return findInRecords(await this.list(), query);
  }

  async workCounts(today: string): Promise<WorkCounts[]> {
    return countWork(await this.list(), today);
  }

  /** How many cases are stored, without reading them. */
  count(): Promise<number> {
    return this.cases.count();
  }

  /** Every case, each file read once, in no particular order (read-only; `npm run db:move`). */
  async *export(): AsyncGenerator<CaseRecord> {
    for await (const { value } of this.cases.entries()) yield value;
  }

  /**
   * The last number given out in each year. It can be higher than the newest stored case: cases
   * removed after their retention keep their numbers taken.
   */
  async lastNumbers(): Promise<Array<{ year: number; last: number }>> {
    const years = await this.counters.keys();
    const found = await Promise.all(years.map(async (year) => ({ year: Number(year), last: (await this.counters.read(year))?.last })));
    return found.filter((c): c is { year: number; last: number } => Number.isInteger(c.year) && typeof c.last === 'number').sort((a, b) => a.year - b.year);
  }

  async update(reference: string, change: (record: CaseRecord) => CaseRecord): Promise<CaseRecord | undefined> {
    return this.cases.update(reference, (current) => (current ? change(upgradeCase(current)) : undefined));
  }

  /** Writes and removes a probe file where cases go: proves that folder is there and writable. */
  async ping(): Promise<void> {
    const folder = path.join(this.root, 'cases');
    await mkdir(folder, { recursive: true });
    const probe = path.join(folder, `.ready-${process.pid}`);
    await writeFile(probe, 'ok');
    await rm(probe, { force: true });
  }
}
